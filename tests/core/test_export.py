"""Export of the call log: golden files, CSV round trip, formula injection, awkward text,
streaming in batches, and files that are written whole or not at all.

Golden files live in tests/golden/. To regenerate them deliberately:
    FRONTDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/core/test_export.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontdesk.clock import FixedClock, to_iso
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.export import FIELDS, HEADERS, export_calls, md_text, neutralise, write_csv
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
NY = ZoneInfo("America/New_York")
DAY = date(2026, 11, 23)
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
AWKWARD_NOTE = 'He said "call me", then: hang on,\nsecond line 😀 שלום עולם مرحبا'


def local(hour: int, minute: int, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def build_desk(tmp_path: Path) -> Desk:
    """The fixed dataset: Monday 23 November 2026 at a New York desk, three operators."""
    store = Store(open_database(tmp_path / "d.db"))
    clock = FixedClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    ann, ben, cy = (Desk(store, clock, who, env=ENV) for who in ("ann", "ben", "cy"))

    def log(desk: Desk, at: datetime, **fields):
        clock.set(at)
        return desk.log_call(NewCall(at=at, **fields))

    log(ann, local(16, 50, day=22), phone="404 555 0199", name="Sunday Caller", topic="billing")
    log(ann, local(9, 5), phone="404 555 0101", name="Ana García", company="Café Olé",
        topic="Billing", note='Asked about invoice #42, "urgent", due Friday')
    bob = log(ann, local(9, 40), phone="(404) 555-0123", name="Bob Stone", topic="billing",
              callback_due=local(10, 40), assignee="ben")
    log(ben, local(10, 20), phone="404 555 0123", customer_id=bob.customer.id, direction="out",
        callback_id=bob.callback.id, topic="billing", note="Refund sent")
    evil = log(ann, local(11, 0), phone="404 555 0142", name='=HYPERLINK("http://x.test","go")',
               company="@corp", topic="+SUM(A1:A9)", note="-2+3 then =cmd|' /C calc'!A0",
               callback_due=local(12, 0), assignee="ben")
    log(ben, local(11, 50), phone="404 555 0142", customer_id=evil.customer.id, direction="out",
        callback_id=evil.callback.id, outcome="no_answer")
    log(ben, local(13, 15), phone="404 555 0142", customer_id=evil.customer.id, direction="out",
        callback_id=evil.callback.id, note="Sorted, late")
    log(cy, local(14, 0), phone="+44 20 7946 0018", name="Dana | Pipes", topic="delivery",
        note="Line one\nLine two | with *stars* and <b>tags</b>", callback_due=local(15, 0))
    quote = log(ann, local(15, 30), phone="404 555 0188 x12", topic="quote",
                callback_due=local(16, 30))
    clock.set(local(15, 45))
    ann.callbacks.cancel(quote.callback.id, "found the answer online")
    log(cy, local(16, 0), phone="617 555 0199", name="שלום עליכם", company="شركة النور",
        topic="Delivery", note=AWKWARD_NOTE, callback_due=local(18, 0), assignee="ann")
    message = log(ann, local(16, 45), phone="404-555-0101", topic="billing", note="=1+1 typed as a note",
                  outcome="message", message_for="ben", boxes=("will_call", "urgent")).message
    clock.set(local(17, 0))
    ben.messages.read(message.id)
    log(cy, local(17, 10), phone="404 555 0101", direction="out", topic="-5", note="12.5",
        outcome="voicemail")
    clock.set(local(17, 30))
    return ann


@pytest.fixture
def desk(tmp_path):
    desk = build_desk(tmp_path)
    yield desk
    desk.store.close()


def export_bytes(desk: Desk, fmt: str, tmp_path: Path, first: date = DAY, last: date = DAY) -> bytes:
    out = tmp_path / f"out.{fmt}"
    export_calls(desk, first, last, fmt, out)
    return out.read_bytes()


def check_golden(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("FRONTDESK_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual)
    assert path.exists(), f"missing golden file {path}; set FRONTDESK_UPDATE_GOLDEN=1 to write it"
    assert actual == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson", "md"])
def test_golden(desk, tmp_path, fmt):
    check_golden(f"export_day.{fmt}", export_bytes(desk, fmt, tmp_path))


def test_stdout_matches_file(desk, tmp_path, capsysbinary):
    for fmt in ("csv", "json", "md"):
        export_calls(desk, DAY, DAY, fmt, None)
        assert capsysbinary.readouterr().out == export_bytes(desk, fmt, tmp_path)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark"
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unneutralise(cell: str) -> str:
    """Undo the leading ' the export adds, exactly when it adds one."""
    return cell[1:] if cell.startswith("'") and neutralise(cell[1:]) != cell[1:] else cell


def test_csv_round_trip_matches_store(desk, tmp_path):
    data = export_bytes(desk, "csv", tmp_path)
    rows = read_csv(data)
    assert data.count(b"\r\n") == len(rows) + 1  # CRLF ends records; notes keep their LF
    start, end = desk.day_bounds(DAY)
    stored = list(desk.store.iter_calls_between(start, end))
    assert [int(r["Call ID"]) for r in rows] == [c.id for c in stored]
    promises = desk.store.reports.promises_for_calls(c.id for c in stored)
    messages = desk.store.messages.for_calls(c.id for c in stored)
    assert [m.boxes for m in messages.values()] == [("will_call", "urgent")]
    assert list(rows[0]) == list(HEADERS)
    for row, call in zip(rows, stored, strict=True):
        value = {header: unneutralise(cell) for header, cell in row.items()}
        assert datetime.fromisoformat(f"{value['Date']}T{value['Time']}") == call.at
        assert value["Date"] == call.at.astimezone(NY).date().isoformat()
        assert value["Direction"] == call.direction
        assert value["Operator"] == call.operator
        assert value["Customer"] == call.customer_name
        assert value["Company"] == call.company
        assert value["Phone (E.164)"] == call.e164
        assert value["Phone (national)"] == desk.national(call.e164, call.ext)
        assert value["Topic"] == call.topic
        assert value["Outcome"] == call.outcome
        assert value["Note"] == call.note
        message = messages.get(call.id)
        assert value["Message for"] == (message.for_name if message else "")
        assert value["Boxes"] == (",".join(message.boxes) if message else "")
        read_at = value["Read at"]
        assert (datetime.fromisoformat(read_at) if read_at else None) == (message.read_at if message else None)
        promise = promises.get(call.id)
        if promise is None:
            assert all(value[h] == "" for h in HEADERS[12:17])
            continue
        assert datetime.fromisoformat(value["Callback due"]) == promise.due_at
        assert value["Callback state"] == promise.state
        done = value["Callback done at"]
        assert (datetime.fromisoformat(done) if done else None) == promise.done_at
        assert value["Kept on time"] == {True: "yes", False: "no", None: ""}[promise.kept_on_time]
        assert value["Minutes waited"] == ("" if promise.waited_min is None else str(promise.waited_min))


def test_json_rows_match_csv_and_carry_offsets(desk, tmp_path):
    document = json.loads(export_bytes(desk, "json", tmp_path))
    assert list(document) == ["from", "to", "timezone", "calls"]
    assert (document["from"], document["to"], document["timezone"]) == ("2026-11-23", "2026-11-23", "America/New_York")
    calls = document["calls"]
    assert all(list(row) == list(FIELDS) for row in calls)
    assert all(row["time"].endswith("-05:00") for row in calls)
    kept = [row for row in calls if row["callback_state"] == "done"]
    assert [(r["kept_on_time"], r["minutes_waited"]) for r in kept] == [(True, 40), (False, 135)]
    assert datetime.fromisoformat(kept[0]["callback_done_at"]) == local(10, 20)
    lines = export_bytes(desk, "ndjson", tmp_path).decode().splitlines()
    assert [json.loads(line) for line in lines] == calls
    csv_rows = read_csv(export_bytes(desk, "csv", tmp_path))
    for row, cells in zip(calls, csv_rows, strict=True):
        assert unneutralise(cells["Note"]) == row["note"]


# -- formula injection ------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "=HYPERLINK(\"http://x\")",
    " =1+1", "   @cmd", '"=1+1"', "'=1+1", " '\"+1", "\u00a0=1", "+14045550101", "-", "+",
    "-2+3+cmd|' /C calc'!A0", "\tplain", "\nnew line first",
])
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


# Characters a spreadsheet does not show (or shows as blank) and may skip before a formula.
INVISIBLE = [
    *map(chr, range(0x200B, 0x2010)), *map(chr, range(0x2060, 0x2065)), "\ufeff", "\u00ad",
    "\u180e", "\u061c", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)),
    "\U000e0001", "\u2028", "\u2029", "\u3000", "\u2003", "\u0085", "\x0b", "\x0c", "\x1f",
]


@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("formula", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\n=1"])
def test_formula_starts_after_invisible_characters_are_neutralised(invisible, formula):
    for value in (invisible + formula, " " + invisible + '"' + invisible * 2 + formula):
        assert neutralise(value) == "'" + value
        assert csv_column(value) == ["'" + value]


@pytest.mark.parametrize("value", ["\u200b", "\u200bhello", "\ufeff5", "\u202e" + "cba", "\u00ad-"])
def test_invisible_characters_without_a_formula(value):
    assert neutralise(value) == ("'" + value if value.endswith("-") else value)


def csv_column(*cells: str) -> list[str]:
    """The first column of a CSV the export writes with these cells in it, as read back."""
    out = io.StringIO(newline="")
    write_csv(({"id": cell, **dict.fromkeys(FIELDS[1:])} for cell in cells), out)
    return [row["Call ID"] for row in read_csv(out.getvalue().encode())]


@pytest.mark.parametrize("value", [
    "-5", "12.5", "-0.25", "42", "0", "", "hello", "a=b", "e-mail", "5-2", "Café Olé", "x@y.z",
    "09:05:00-05:00", "2026-11-23T10:40:00-05:00", "(404) 555-0101", "Ünal", "שלום", "😀 =1",
])
def test_harmless_values_pass_unchanged(value):
    assert neutralise(value) == value
    assert neutralise(value) == value  # also once its first character is known to be harmless
    assert csv_column(value) == [value]


FORMULA = re.compile(r"^[\s\"']*[=+\-@]|^[\t\r\n]")


def test_no_csv_cell_can_run_as_a_formula(desk, tmp_path):
    rows = read_csv(export_bytes(desk, "csv", tmp_path))
    cells = [cell for row in rows for cell in row.values()]
    dangerous = [
        c for c in cells
        if FORMULA.match(c) and not c.startswith("'") and not re.fullmatch(r"-?\d+(\.\d+)?", c)
    ]
    assert sum(c.startswith("'") for c in cells) >= 15
    assert dangerous == []
    by_id = {int(r["Call ID"]): r for r in rows}
    evil = next(r for r in rows if "HYPERLINK" in r["Customer"])
    assert evil["Customer"] == "'=HYPERLINK(\"http://x.test\",\"go\")"
    assert (evil["Company"], evil["Topic"]) == ("'@corp", "'+SUM(A1:A9)")
    assert evil["Note"] == "'-2+3 then =cmd|' /C calc'!A0"
    assert evil["Phone (E.164)"] == "'+14045550142" and evil["Phone (national)"] == "(404) 555-0142"
    numbers = by_id[max(by_id)]
    assert (numbers["Topic"], numbers["Note"]) == ("-5", "12.5")
    typed = next(r for r in rows if "typed as a note" in r["Note"])
    assert typed["Note"] == "'=1+1 typed as a note"


def test_json_keeps_values_as_they_are(desk, tmp_path):
    calls = json.loads(export_bytes(desk, "json", tmp_path))["calls"]
    evil = next(r for r in calls if "HYPERLINK" in r["customer"])
    assert evil["customer"].startswith("=") and evil["phone"] == "+14045550142"


# -- awkward text -----------------------------------------------------------------------------
def test_awkward_text_survives_every_format(desk, tmp_path):
    rows = read_csv(export_bytes(desk, "csv", tmp_path))
    row = next(r for r in rows if r["Customer"] == "שלום עליכם")
    assert row["Note"] == AWKWARD_NOTE and row["Company"] == "شركة النور"
    calls = json.loads(export_bytes(desk, "json", tmp_path))["calls"]
    assert any(r["note"] == AWKWARD_NOTE for r in calls)
    assert "García" in next(r["customer"] for r in calls if r["company"] == "Café Olé")


def test_markdown_tables_cannot_be_broken_by_text(desk, tmp_path):
    text = export_bytes(desk, "md", tmp_path).decode()
    for block in re.findall(r"(?:^\|.*\|$\n?)+", text, flags=re.M):
        lines = block.strip("\n").split("\n")
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, block
    assert "Dana \\| Pipes" in text
    assert md_text("a|b\nc *d* <e> [f](g) `h` \\ &amp;") == (
        "a\\|b c \\*d\\* \\<e\\> \\[f\\](g) \\`h\\` \\\\ \\&amp;"
    )
    assert md_text("\x1b[31mred\x1b[0m") == "red"


# -- streaming --------------------------------------------------------------------------------
def bulk_calls(desk: Desk, count: int) -> None:
    """`count` calls through the store (fast), every tenth with a callback promised."""
    first = desk.log_call(NewCall(phone="404 555 0101", name="Ana", at=local(8, 0)))
    cid = first.customer.id
    base = local(8, 1).astimezone(UTC)
    with desk.store.write():
        for i in range(count - 1):
            at = to_iso(base + timedelta(seconds=10 * i))
            call_id = desk.store.insert_call({
                "uid": f"bulk-{i}", "customer_id": cid, "e164": "+14045550101", "direction": "in",
                "at": at, "operator": "ann", "topic": f"topic {i % 7}", "note": "n" * 50,
                "outcome": "callback" if i % 10 == 0 else "resolved", "created_at": at,
            })
            if i % 10 == 0:
                desk.store.insert_callback({
                    "call_id": call_id, "customer_id": cid, "e164": "+14045550101",
                    "promised_at": at, "first_due_at": at, "due_at": at, "assignee": "ann",
                    "created_by": "ann", "updated_at": at,
                })


def test_export_fetches_calls_in_batches(tmp_path):
    store = Store(open_database(tmp_path / "big.db"))
    desk = Desk(store, FixedClock(datetime(2026, 11, 24, tzinfo=UTC)), "ann", env=ENV)
    bulk_calls(desk, 2500)
    queries: list[str] = []
    store.trace(queries.append)
    written = export_calls(desk, DAY, DAY, "ndjson", tmp_path / "big.ndjson", batch=100)
    store.trace(None)
    assert written == 2500
    call_pages = [q for q in queries if "FROM calls JOIN customers" in q]
    promise_pages = [q for q in queries if "callbacks.call_id IN" in q]
    assert len(call_pages) == 26 and all("LIMIT" in q for q in call_pages)  # 25 full + 1 empty
    assert len(promise_pages) == 25
    rows = [json.loads(line) for line in (tmp_path / "big.ndjson").read_text().splitlines()]
    assert len({r["id"] for r in rows}) == 2500
    assert sum(r["callback_state"] == "open" for r in rows) == 250
    store.close()


def test_rows_are_fetched_lazily(tmp_path):
    store = Store(open_database(tmp_path / "big.db"))
    desk = Desk(store, FixedClock(datetime(2026, 11, 24, tzinfo=UTC)), "ann", env=ENV)
    bulk_calls(desk, 450)
    queries: list[str] = []
    store.trace(queries.append)
    rows = store.reports.iter_calls_with_promises(*desk.day_bounds(DAY), batch=100)
    assert queries == []
    first = [next(rows) for _ in range(100)]
    assert len([q for q in queries if "FROM calls JOIN" in q]) == 1
    next(rows)
    assert len([q for q in queries if "FROM calls JOIN" in q]) == 2
    assert first[0][0].id == 1 and first[0][1] is None
    store.trace(None)
    store.close()


# -- files, empty days, bad requests -----------------------------------------------------------
def test_empty_day_is_not_an_error(desk, tmp_path):
    empty = date(2026, 11, 1)
    assert export_calls(desk, empty, empty, "csv", tmp_path / "e.csv") == 0
    assert (tmp_path / "e.csv").read_bytes() == ("\ufeff" + ",".join(HEADERS) + "\r\n").encode()
    assert export_calls(desk, empty, empty, "json", tmp_path / "e.json") == 0
    assert json.loads((tmp_path / "e.json").read_text())["calls"] == []
    assert export_calls(desk, empty, empty, "ndjson", tmp_path / "e.ndjson") == 0
    assert (tmp_path / "e.ndjson").read_text() == ""
    export_calls(desk, empty, empty, "md", tmp_path / "e.md")
    assert "No calls." in (tmp_path / "e.md").read_text()


def test_range_covers_both_days(desk, tmp_path):
    calls = json.loads(export_bytes(desk, "json", tmp_path, date(2026, 11, 22), DAY))["calls"]
    assert calls[0]["date"] == "2026-11-22" and calls[0]["customer"] == "Sunday Caller"
    assert len(calls) == 12


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("fmt, source", [("csv", "iter_export_rows"), ("json", "iter_calls_with_promises")])
def test_failure_midway_leaves_the_old_file_and_no_temporary(desk, tmp_path, monkeypatch, fmt, source):
    out = tmp_path / f"day.{fmt}"
    out.write_text("yesterday's export")
    real = getattr(desk.store.reports, source)  # CSV reads the export query; JSON the call records

    def broken(*args, **kwargs):
        rows = real(*args, **kwargs)
        yield next(rows)
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(desk.store.reports, source, broken)
    with pytest.raises(RuntimeError):
        export_calls(desk, DAY, DAY, fmt, out, force=True)
    assert out.read_text() == "yesterday's export"
    assert leftovers(tmp_path) == []
    with pytest.raises(RuntimeError):
        export_calls(desk, DAY, DAY, fmt, tmp_path / f"new.{fmt}")
    assert not (tmp_path / f"new.{fmt}").exists() and leftovers(tmp_path) == []


def test_unwritable_outputs_are_clear_errors(desk, tmp_path):
    with pytest.raises(DeskError, match="no such directory"):
        export_calls(desk, DAY, DAY, "csv", tmp_path / "missing" / "day.csv")
    with pytest.raises(DeskError, match="is a directory"):
        export_calls(desk, DAY, DAY, "csv", tmp_path)
    before = (tmp_path / "d.db").read_bytes()
    for name in ("d.db", "d.db-wal"):
        with pytest.raises(DeskError, match="database"):
            export_calls(desk, DAY, DAY, "csv", tmp_path / name)
    assert (tmp_path / "d.db").read_bytes() == before
    with pytest.raises(DeskError, match="unknown format"):
        export_calls(desk, DAY, DAY, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(DeskError, match="range is empty"):
        export_calls(desk, DAY, date(2026, 11, 22), "csv", tmp_path / "x.csv")
    assert leftovers(tmp_path) == [] and not (tmp_path / "x.csv").exists()


def test_export_through_a_symlink_keeps_the_link(desk, tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert export_calls(desk, DAY, DAY, "csv", link, follow_symlinks=True, force=True) == 11
    assert link.is_symlink() and real.read_bytes().startswith(b"\xef\xbb\xbfCall ID")


def test_refused_and_failed_writes_become_desk_errors(desk, tmp_path, monkeypatch):
    import frontdesk.export as export
    import frontdesk.files as files

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    with pytest.raises(DeskError, match="cannot write .*day.csv: Permission denied"):
        export_calls(desk, DAY, DAY, "csv", tmp_path / "day.csv")
    monkeypatch.undo()
    monkeypatch.setattr(export.os, "replace", disk_full)
    with pytest.raises(DeskError, match="No space left"):
        export_calls(desk, DAY, DAY, "csv", tmp_path / "day.csv")
    assert not (tmp_path / "day.csv").exists() and leftovers(tmp_path) == []


def test_a_fifo_is_refused_and_left_alone(desk, tmp_path):
    """Nothing is written into a named pipe (a reader on it would get a half export, and with
    none the export would hang); the pipe itself stays a pipe."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(DeskError, match=r"pipe: it is a named pipe \(FIFO\), not a regular file"):
            export_calls(desk, DAY, DAY, "ndjson", fifo, force=force)
    assert fifo.is_fifo() and leftovers(tmp_path) == []


@pytest.mark.parametrize("zone_name", ["America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
                                       "Europe/London", "America/St_Johns", "Pacific/Chatham", "UTC"])
def test_local_times_are_exactly_astimezone_isoformat(zone_name):
    """The CSV export's times (looked up once per UTC hour) are the text astimezone() gives,
    over a year with its changes of offset, in zones with half- and quarter-hour offsets and a
    half-hour change (Lord Howe)."""
    import random
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    from frontdesk.export import local_times

    zone, rng = ZoneInfo(zone_name), random.Random(zone_name)
    local = local_times(zone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(5000):
        at = start + timedelta(seconds=rng.randint(0, 366 * 86400))
        assert local(at.strftime("%Y-%m-%dT%H:%M:%SZ")) == at.astimezone(zone).isoformat(timespec="seconds")


def test_the_csv_fast_path_writes_what_the_rows_write(desk):
    """The CSV is made straight from the export query (csv_lines); JSON from the call records
    (iter_rows). Both give the same cells: the records through write_csv are the reference."""
    from frontdesk.export import csv_lines, iter_rows, write_csv_lines

    fast, rows = io.StringIO(), io.StringIO()
    first = date(2026, 11, 22)
    assert write_csv_lines(csv_lines(desk, first, DAY, batch=3), fast) == write_csv(iter_rows(desk, first, DAY), rows)
    assert fast.getvalue() == rows.getvalue() and fast.getvalue().count("\r\n") > 10
