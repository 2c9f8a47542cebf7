"""The owner's week: golden files in md/json/html on a fixed desk, Erlang C against published
worked examples, what each figure counts, phone events when the desk has them, untrusted text,
and `frontdesk report --week` on the command line.

Golden files live in tests/golden/. To regenerate them deliberately:
    FRONTDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/core/test_week.py
"""

from __future__ import annotations

import json
import math
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from week_data import NOW, REPORT_WEEK, at, fill_week_desk

from frontdesk.cli import main
from frontdesk.clock import FixedClock, to_iso
from frontdesk.db import open_database
from frontdesk.erlang import agents_needed, erlang_c, service_level, traffic
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store
from frontdesk.week import last_full_week, topic_key, week_report
from frontdesk.week_render import as_json, html, markdown

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


@pytest.fixture(scope="module")
def week_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("week") / "week.db"
    store = Store(open_database(path))
    clock = FixedClock(NOW)
    fill_week_desk(Desk(store, clock, "ann", env=ENV), clock)
    store.close()
    return path


@pytest.fixture
def week_desk(week_db):
    store = Store(open_database(week_db))
    yield Desk(store, FixedClock(NOW), "ann", env=ENV)
    store.close()


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FRONTDESK_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; set FRONTDESK_UPDATE_GOLDEN=1 to write it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# -- Erlang C ------------------------------------------------------------------------------------
def test_erlang_c_worked_example_100_calls_in_30_minutes():
    # callcentrehelper.com's worked example: 100 calls in 30 min, 180 s handle, 80% in 20 s.
    assert traffic(100, 1800, 180) == 10
    levels = {n: round(service_level(n, 10, 180, 20), 4) for n in (11, 12, 13, 14)}
    assert levels == {11: 0.3896, 12: 0.6402, 13: 0.7956, 14: 0.8884}
    assert round(erlang_c(11, 10), 4) == 0.6821 and round(erlang_c(14, 10), 4) == 0.1741
    staffing = agents_needed(100, 1800, 180, 0.8, 20)
    assert staffing.agents == 14 and f"{staffing.service_level:.1%}" == "88.8%"


def test_erlang_c_textbook_value_and_edges():
    # The textbook M/M/3 queue at 2 Erlangs: the chance of waiting is exactly 4/9.
    assert math.isclose(erlang_c(3, 2), 4 / 9, rel_tol=1e-12)
    # One server: the chance of waiting is the load itself (M/M/1).
    assert math.isclose(erlang_c(1, 0.5), 0.5, rel_tol=1e-12)
    assert erlang_c(5, 5) == 1.0 and service_level(5, 5, 180, 20) == 0.0
    assert agents_needed(0, 3600, 240).agents == 0
    assert agents_needed(1000, 3600, 240).agents > 66  # a big desk: no overflow, more than the load


# -- the figures ---------------------------------------------------------------------------------
def test_golden_week(week_desk):
    report = week_report(week_desk)
    check_golden("week.md", markdown(report))
    check_golden("week.json", as_json(report))
    check_golden("week.html", html(report))


def test_the_default_is_the_last_full_week_and_a_day_picks_its_week(week_desk):
    assert last_full_week(date(2026, 11, 23)) == REPORT_WEEK
    assert last_full_week(date(2026, 11, 29)) == REPORT_WEEK
    assert week_report(week_desk)["week"]["first_day"] == "2026-11-16"
    other = week_report(week_desk, date(2026, 11, 12))
    assert other["week"]["first_day"] == "2026-11-09" and other["week"]["last_day"] == "2026-11-15"
    assert other["week"]["compared_with"] == ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]


def test_calls_by_day_and_hour_add_up_to_the_stored_calls(week_desk):
    r = week_report(week_desk)
    start, end = week_desk.day_bounds(REPORT_WEEK, REPORT_WEEK + timedelta(days=6))
    stored = week_desk.store.only(
        "SELECT sum(direction='in') AS i, sum(direction='out') AS o FROM calls WHERE at >= ? AND at < ?",
        [to_iso(start), to_iso(end)])
    c = r["calls"]
    assert (c["in"], c["out"]) == (stored["i"], stored["o"])
    assert sum(d["in"] for d in c["by_day"]) == c["in"] == sum(h["in"] for h in c["by_hour"])
    assert sum(map(sum, c["heat"])) == c["in"] + c["out"]
    assert c["answered"] is None and "answered" not in c["by_day"][0]  # no phone events on this desk
    assert c["weekly"][-1] == {"week": "2026-11-16", "in": c["in"], "out": c["out"]}


def test_topics_group_case_and_spacing_and_show_new_ones(week_desk):
    topics = week_report(week_desk)["topics"]
    names = [t["topic"] for t in topics["top"]]
    assert len({topic_key(n) for n in names}) == len(names) <= 10
    assert topic_key(" Delivery  LATE ") == "delivery late"
    assert not any(topic_key(n) in ("billing ", "delivery  late") for n in names)
    assert {t["topic"] for t in topics["new"]} == {"Price increase", "Recall <notice>"}
    billing = next(t for t in topics["top"] if topic_key(t["topic"]) == "billing")
    assert billing["change"] == round(billing["calls"] - billing["previous_average"], 2)


def test_complaints_and_repeat_callers(week_desk):
    r = week_report(week_desk)
    k = r["complaints"]
    assert [o["caller"] for o in k["open"]] == ["Kim Old", "Jo Quiet"] and k["open_now"] == 2
    assert k["open"][1]["age_minutes"] == int((NOW - at(REPORT_WEEK + timedelta(days=4), 15, 30)).total_seconds() // 60)
    assert k["follow_ups"] == sum(k["feelings"].values()) > 0
    callers = r["repeat_callers"]["callers"]
    assert callers and all(c["calls"] >= 3 for c in callers)
    assert [c["calls"] for c in callers] == sorted((c["calls"] for c in callers), reverse=True)
    assert all(c["phone_national"].startswith("(404)") for c in callers)


def test_promises_trend_has_five_weeks_with_the_kept_rate(week_desk):
    p = week_report(week_desk)["promises"]
    assert [t["week"] for t in p["trend"]] == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert p["made"] == p["kept"] + p["late"] + p["open"] + p["cancelled"]
    assert p["kept_rate"] == round(p["kept"] / (p["kept"] + p["late"]), 4)


def test_staffing_uses_erlang_c_per_hour(week_desk):
    s = week_report(week_desk)["staffing"]
    assert (s["handle_seconds"], s["handle_from"], s["target_percent"], s["target_seconds"]) == (240, "setting", 80, 20)
    for row in s["by_hour"]:
        assert row["people"] == agents_needed(row["calls_average"], 3600, 240, 0.8, 20).agents
        assert row["people_busiest"] >= row["people"] and row["missed"] is None


def test_phone_events_give_answered_missed_and_the_handle_time(tmp_path):
    store = Store(open_database(tmp_path / "p.db"))
    clock = FixedClock(NOW)
    desk = Desk(store, clock, "ann", env=ENV)
    # Rows of the phone_calls table (m006_phone_events) as far as the week reads them.
    tuesday = REPORT_WEEK + timedelta(days=1)
    rows = [(at(tuesday, 10, 0), 5), (at(tuesday, 10, 10), 7), (at(tuesday, 10, 30), None), (at(tuesday, 14, 0), None)]
    for n, (rang, talk) in enumerate(rows):
        answered = rang + timedelta(seconds=10) if talk else None
        ended = answered + timedelta(minutes=talk) if answered and talk else rang + timedelta(seconds=30)
        store.db.execute(
            """INSERT INTO phone_calls (source, ext_id, state, rang_at, answered_at, ended_at, missed, updated_at)
               VALUES ('cli', ?, 'ended', ?, ?, ?, ?, ?)""",
            [f"call-{n}", to_iso(rang), answered and to_iso(answered), to_iso(ended), int(talk is None),
             to_iso(ended)])
    clock.set(at(tuesday, 10, 1))
    desk.log_call(NewCall(phone="404 555 0101", at=at(tuesday, 10, 1)))
    clock.set(NOW)
    r = week_report(desk)
    assert r["phone_events"] is True
    assert (r["calls"]["answered"], r["calls"]["missed"]) == (2, 2)
    assert r["calls"]["by_day"][1]["missed"] == 2 and r["calls"]["by_hour"][10]["answered"] == 2
    assert r["calls"]["by_hour"][14]["missed"] == 1
    s = r["staffing"]
    assert (s["handle_seconds"], s["handle_from"]) == (360, "phone events")
    ten = next(h for h in s["by_hour"] if h["hour"] == 10)
    assert ten["calls_busiest"] == 3 and ten["missed"] == 1
    assert "Answered" in markdown(r) and "Missed" in html(r)
    store.close()


# -- HTML ------------------------------------------------------------------------------------------
def test_html_is_self_contained_and_escapes_untrusted_text(week_desk):
    page = html(week_report(week_desk))
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Recall &lt;notice&gt;" in page
    assert not re.search(r"(src|href)\s*=", page, re.IGNORECASE)  # nothing fetched, nothing linked
    assert "url(" not in page and "@import" not in page
    assert page.count("<svg") == 3 and "@page { size: A4" in page
    assert 'name="viewport"' in page


# -- the command line --------------------------------------------------------------------------------
def test_cli_report_week_formats_files_and_bad_input(week_db, tmp_path, capsys):
    clock = FixedClock(NOW.astimezone(UTC))
    db = str(week_db)
    assert main(["--db", db, "report", "--week", "--format", "json"], clock) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["week"]["first_day"] == "2026-11-16"
    out = tmp_path / "week.html"
    assert main(["--db", db, "report", "--week", "2026-11-18", "--format", "html", "--output", str(out)], clock) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert main(["--db", db, "report", "--week", "--format", "html", "--output", str(out)], clock) == 2
    assert "exists" in capsys.readouterr().err  # never replaced unless forced, as export does
    assert main(["--db", db, "report", "--week", "--format", "html", "--output", str(out), "--force"], clock) == 0
    capsys.readouterr()
    assert main(["--db", db, "report", "--week", "--output", db, "--force"], clock) == 2
    assert "database" in capsys.readouterr().err
    assert main(["--db", db, "report", "--week", "someday"], clock) == 2
    err = capsys.readouterr().err
    assert err.startswith("frontdesk: ") and "Traceback" not in err
    assert main(["--db", db, "report", "--week", "--date", "today"], clock) == 2  # one report at a time
    assert "--week" in capsys.readouterr().err
    assert main(["--db", db, "report"], clock) == 0  # without --week: the day's figures
    assert capsys.readouterr().out.startswith("# ")
    assert main(["--db", db, "report", "--week", "--format", "md"], clock) == 0
    assert capsys.readouterr().out == markdown(week_report(Desk(Store(open_database(week_db)), clock, "x", env=ENV)))


def test_an_empty_desk_has_an_all_zero_week(desk):
    r = week_report(desk)
    assert r["calls"]["in"] == 0 and r["promises"]["kept_rate"] is None and r["staffing"]["by_hour"] == []
    assert "No calls." in markdown(r) and "<svg" in html(r)
    assert datetime.fromisoformat(r["generated_at"]).tzinfo is not None


def test_promises_of_each_week_are_the_day_reports_figures_for_those_days(week_desk):
    now = week_desk.clock.now()
    for week in week_report(week_desk)["promises"]["trend"]:
        first = date.fromisoformat(week["week"])
        f = week_desk.store.reports.promise_figures(*week_desk.day_bounds(first, first + timedelta(days=6)), now)
        assert (week["made"], week["kept"], week["late"], week["cancelled"], week["open"], week["overdue"]) == (
            f["promised"], f["kept"], f["late"], f["cancelled"], f["still_open"], f["overdue"])
        assert week["median_minutes_to_callback"] == (None if f["median_wait"] is None else float(f["median_wait"]))
