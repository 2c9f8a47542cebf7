"""`frontdesk listen` as a real process on a free local port: both formats, the sequence a
Zammad-format Asterisk AMI bridge really sends, desk phones' Action URLs with SIP URIs, and
everything it must refuse (wrong token, outside address, oversize body, malformed events),
hostile names, one log line per event, and a clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from frontdesk.db import open_database

ROOT = Path(__file__).resolve().parents[2]
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


class Listening:
    """A `frontdesk listen --port 0` process, its port, token and database."""

    def __init__(self, db: Path, *args: str) -> None:
        self.db = db
        env = {**os.environ, **ENV, "FRONTDESK_DB": str(db)}
        urls = subprocess.run([sys.executable, "-m", "frontdesk", "listen", "--urls"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=True).stdout
        self.token = urls.splitlines()[1].rsplit("/", 1)[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "frontdesk", "listen", "--port", "0", *args],
                                     env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._read_line(self.proc.stdout, 30)
        assert "listening on http://127.0.0.1:" in line, line + self.proc.stderr.read()
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.base = f"http://127.0.0.1:{self.port}"

    @staticmethod
    def _read_line(stream, timeout: float) -> str:
        ready, _, _ = select.select([stream], [], [], timeout)
        return stream.readline() if ready else ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict]:
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def cti(self, fields, token: str | None = None, json_body: bool = False) -> tuple[int, dict]:
        path = f"/api/v1/cti/{token or self.token}"
        if json_body:
            return self.request("POST", path, json.dumps(fields).encode(), {"Content-Type": "application/json"})
        # As the AMI bridge's AnyEvent::HTTP posts it: form-encoded with no Content-Type at all.
        return self.request("POST", path, urllib.parse.urlencode(fields, doseq=True).encode(),
                            {"Content-Type": ""})

    def phone(self, event: str, token: str | None = None, **query: str) -> tuple[int, dict]:
        return self.request("GET", f"/phone/{token or self.token}/{event}?{urllib.parse.urlencode(query)}")

    def rows(self, sql: str, params=()) -> list[tuple]:
        db = open_database(self.db)
        try:
            return [tuple(r) for r in db.execute(sql, list(params)).fetchall()]
        finally:
            db.close()

    def count(self, table: str = "phone_calls") -> int:
        return self.rows(f"SELECT count(*) FROM {table}")[0][0]

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


@pytest.fixture
def listening(tmp_path):
    server = Listening(tmp_path / "desk.db")
    yield server
    server.stop()


def test_the_zammad_ami_bridge_sequence(listening):
    """What martinvonwittich/asterisk-zammad-cti-bridge posts for a queue call: newCall with
    the caller ID and the queue's name, then answer and hangup carrying only callId, user and
    cause. Each answer is {} once the event is in the database."""
    assert listening.cti({"event": "newCall", "from": "+49 123 456789", "to": "support", "direction": "in",
                          "callId": "1545241916.41"}) == (200, {})
    assert listening.rows("SELECT state, e164, number_raw, line FROM phone_calls") == [
        ("ringing", "+49123456789", "+49 123 456789", "support")]
    assert listening.cti({"event": "answer", "direction": "in", "user": "agent.name",
                          "callId": "1545241916.41"}) == (200, {})
    assert listening.rows("SELECT state, answered_by FROM phone_calls") == [("answered", "agent.name")]
    assert listening.cti({"event": "hangup", "direction": "in", "callId": "1545241916.41",
                          "cause": "normalClearing"}) == (200, {})
    assert listening.rows("SELECT state, cause, missed, answered_at IS NOT NULL FROM phone_calls") == [
        ("ended", "normalClearing", 0, 1)]
    # The same bridge when the caller gives up in the queue (QueueCallerAbandon).
    assert listening.cti({"event": "newCall", "from": "+1 404 555 0134", "to": "support", "direction": "in",
                          "callId": "1545244062.103"})[0] == 200
    assert listening.cti({"event": "hangup", "direction": "in", "callId": "1545244062.103",
                          "cause": "cancel"})[0] == 200
    assert listening.rows("SELECT missed, callback_id IS NOT NULL FROM phone_calls WHERE ext_id = ?",
                          ["1545244062.103"]) == [(1, 1)]
    assert listening.rows("SELECT state, e164 FROM callbacks") == [("open", "+14045550134")]


def test_the_generic_format_as_json_and_with_user_arrays(listening):
    assert listening.cti({"event": "newCall", "from": "493055571600", "to": "491711234567890",
                          "direction": "in", "callId": "j-1", "user[]": ["Alice", "Bob"]}, json_body=True) == (200, {})
    assert listening.cti({"event": "answer", "callId": "j-1", "user": ["Bob"],
                          "answeringNumber": "42"}, json_body=True) == (200, {})
    assert listening.rows("SELECT e164, state, answered_by FROM phone_calls") == [
        ("+493055571600", "answered", "Bob")]
    # Form-encoded, with user[] repeated as group calls send it.
    status, _ = listening.request(
        "POST", f"/api/v1/cti/{listening.token}",
        b"event=newCall&from=anonymous&to=4930&direction=in&callId=f-1&user%5B%5D=Ann&user%5B%5D=Raj",
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert listening.rows("SELECT withheld, e164 FROM phone_calls WHERE ext_id = 'f-1'") == [(1, "")]
    # An outbound call: the other party is `to`.
    assert listening.cti({"event": "newCall", "from": "4930", "to": "+1 404 555 0134", "direction": "out",
                          "callId": "o-1", "user[]": "Ann"})[0] == 200
    assert listening.rows("SELECT direction, e164, line FROM phone_calls WHERE ext_id = 'o-1'") == [
        ("out", "+14045550134", "4930")]


def test_desk_phones_action_urls_with_sip_uris(listening):
    # Yealink: $remote is a SIP URI, $call_id a small number of its own.
    assert listening.phone("incoming", number="sip:+14045550134@pbx.local", name="Maria Lopez", call_id="7",
                           line="201") == (200, {})
    assert listening.phone("answered", number="sip:+14045550134@pbx.local", call_id="7") == (200, {})
    assert listening.phone("ended", number="sip:+14045550134@pbx.local", call_id="7") == (200, {})
    assert listening.rows("SELECT ext_id, e164, name, line, state, missed FROM phone_calls") == [
        ("127.0.0.1/7", "+14045550134", "Maria Lopez", "201", "ended", 0)]
    # Snom sends the URI in angle brackets; Grandstream has no call-id variable at all: the
    # missed event finds the ringing call by its number, and a variable left unfilled counts
    # as absent.
    assert listening.phone("incoming", number="<sip:2125550178@10.0.0.5>", name="$display_remote",
                           call_id="$call_id")[0] == 200
    assert listening.phone("missed", number="<sip:2125550178@10.0.0.5>")[0] == 200
    assert listening.rows("SELECT e164, name, state, missed, callback_id IS NOT NULL FROM phone_calls "
                          "WHERE e164 = '+12125550178'") == [("+12125550178", "", "ended", 1, 1)]
    assert listening.count() == 2
    assert listening.phone("outgoing", number="tel:+1-404-555-0199", call_id="8")[0] == 200
    assert listening.rows("SELECT direction, state FROM phone_calls WHERE ext_id = '127.0.0.1/8'") == [
        ("out", "ringing")]


def test_a_wrong_token_is_404_and_stores_nothing(listening):
    event = {"event": "newCall", "from": "+14045550134", "to": "x", "direction": "in", "callId": "w1"}
    assert listening.cti(event, token="not-the-token")[0] == 404
    assert listening.cti(event, token=listening.token[:-1] + ("A" if listening.token[-1] != "A" else "B"))[0] == 404
    assert listening.phone("incoming", token="nope", number="+14045550134", call_id="1")[0] == 404
    assert listening.request("GET", "/")[0] == 404
    assert listening.count() == 0


@pytest.mark.parametrize("body, headers, reason", [
    (b"event=ringing&callId=1", {}, "unknown event"),
    (b"from=%2B14045550134&callId=1", {}, "no 'event'"),
    (b"event=newCall&from=%2B14045550134", {}, "no 'callId'"),
    (b"event=newCall&callId=1&direction=sideways", {}, "'direction' must be"),
    (b"event=newCall&callId=" + b"x" * 300, {}, "'callId' is too long"),
    (b'{"event": "newCall", "callId": ', {"Content-Type": "application/json"}, "not valid JSON"),
    (b'["newCall"]', {"Content-Type": "application/json"}, "not an object"),
    (b'{"event": "newCall", "callId": {"a": 1}}', {"Content-Type": "application/json"}, "must be text"),
])
def test_a_malformed_event_is_400_with_a_one_line_reason(listening, body, headers, reason):
    status, answer = listening.request("POST", f"/api/v1/cti/{listening.token}", body, headers)
    assert status == 400 and reason in answer["error"] and "\n" not in answer["error"]
    assert listening.count() == 0


def test_a_malformed_desk_phone_event_is_400(listening):
    status, answer = listening.phone("ringing", number="+14045550134")
    assert status == 400 and "unknown event" in answer["error"]
    assert listening.count() == 0


def test_a_body_over_64_kb_is_413_and_stores_nothing(listening):
    padding = "a" * (65 * 1024)
    status, answer = listening.cti({"event": "newCall", "from": "+14045550134", "callId": "big", "pad": padding})
    assert status == 413 and "64 KB" in answer["error"]
    # Just under the limit is an event like any other (fields up to their own limit).
    status, _ = listening.cti({"event": "newCall", "from": "+14045550134", "callId": "ok", "pad": "a" * 60_000})
    assert status == 200
    assert listening.rows("SELECT ext_id FROM phone_calls") == [("ok",)]


def test_hostile_names_are_kept_as_clean_text(listening):
    hostile = "=HYPERLINK(\"http://x.test\")[b]\x1b[31mBoss\x1b]8;;http://evil\x07\u202e"
    assert listening.phone("incoming", number="+14045550134", name=hostile, call_id="h1")[0] == 200
    assert listening.phone("missed", number="+14045550134", call_id="h1")[0] == 200
    [(name,)] = listening.rows("SELECT name FROM phone_calls")
    assert name == '=HYPERLINK("http://x.test")[b]Boss'  # escapes, controls, bidi marks gone
    [(customer,)] = listening.rows("SELECT name FROM customers")
    assert customer == name
    env = {**os.environ, **ENV, "FRONTDESK_DB": str(listening.db)}
    csv_text = subprocess.run([sys.executable, "-m", "frontdesk", "export", "--date", "today"], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text


def test_one_log_line_per_event_and_a_clean_exit_on_sigterm(listening):
    listening.cti({"event": "newCall", "from": "+14045550134", "to": "q", "direction": "in", "callId": "l1"})
    listening.cti({"event": "hangup", "callId": "l1", "cause": "cancel"})
    listening.cti({"event": "bogus", "callId": "l1"})
    listening.phone("incoming", token="wrong", number="1")
    code, err = listening.stop()
    assert code == 0
    lines = [line for line in err.splitlines() if line and not line.startswith("frontdesk:")]
    assert len(lines) == 4, err
    assert " 200 " in lines[0] and "-> new" in lines[0]
    assert " 200 " in lines[1] and "-> missed" in lines[1] and "promise #1" in lines[1]
    assert " 400 " in lines[2] and " 404 " in lines[3]
    assert listening.token not in err
    assert "frontdesk: stopped" in err


def test_an_address_outside_the_allowed_networks_is_403(tmp_path):
    """Bound to 127.0.0.1 but allowing only 10.0.0.0/8: this machine is outside, as a phone
    on another network would be."""
    server = Listening(tmp_path / "desk.db", "--allow", "10.0.0.0/8")
    try:
        status, answer = server.cti({"event": "newCall", "from": "+14045550134", "callId": "x"})
        assert status == 403 and "127.0.0.1 is outside" in answer["error"]
        assert server.phone("incoming", number="+14045550134", call_id="1")[0] == 403
        assert server.count() == 0
    finally:
        server.stop()
    allowed = Listening(tmp_path / "desk.db", "--allow", "10.0.0.0/8", "--allow", "127.0.0.1")
    try:
        assert allowed.cti({"event": "newCall", "from": "+14045550134", "callId": "x"})[0] == 200
    finally:
        allowed.stop()


def test_a_200_means_the_event_is_in_the_database(listening):
    """Each answer comes after the commit: another connection sees the row at once."""
    for i in range(20):
        assert listening.cti({"event": "newCall", "from": f"+1404555{i:04d}", "callId": f"d{i}"})[0] == 200
        assert listening.rows("SELECT count(*) FROM phone_calls WHERE ext_id = ?", [f"d{i}"]) == [(1,)]


def test_the_listener_refuses_to_start_open_to_everyone(tmp_path):
    env = {**os.environ, **ENV, "FRONTDESK_DB": str(tmp_path / "d.db")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "frontdesk", "listen", "--host", "0.0.0.0"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "needs --allow" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_a_burst_of_events_at_once_is_all_stored(listening):
    """Events arriving together are committed together; each still gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    def send(i: int) -> int:
        return listening.cti({"event": "newCall", "from": f"+1404555{i:04d}", "direction": "in",
                              "callId": f"burst-{i}"})[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(send, range(80)))
    assert statuses == [200] * 80
    assert listening.rows("SELECT count(*) FROM phone_calls WHERE ext_id LIKE 'burst-%'") == [(80,)]
