"""The owner's week across offices (`report --week --office NAME=PATH ...`): the combined week
is the sum of the single weeks figure by figure, its rates, medians, topics and staffing are
recomputed from the offices' single values (not averaged), the offices' files are never
written, and md, json and html all carry the combined week first, then each office's."""

from __future__ import annotations

import json
import re
import statistics
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from test_offices import fingerprint
from week_data import NOW, REPORT_WEEK, at, fill_week_desk

from frontdesk.cli import main
from frontdesk.clock import FixedClock, to_iso
from frontdesk.db import open_database
from frontdesk.erlang import agents_needed
from frontdesk.services import Desk
from frontdesk.store import Store
from frontdesk.week import topic_key, week_figures
from frontdesk.week_offices import combine_weeks

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
COUNTS = ("made", "kept", "late", "cancelled", "open", "overdue")


def add_phone_calls(store: Store) -> None:
    """Phone events at one office only (rows of phone_calls as the week reads them): two
    answered (5 and 7 minutes), two missed."""
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


@pytest.fixture(scope="module")
def week_offices(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("offices-week")
    paths = folder / "north.db", folder / "south.db"
    for path, seed in zip(paths, (15, 16), strict=True):
        store = Store(open_database(path))
        clock = FixedClock(NOW)
        fill_week_desk(Desk(store, clock, "ann", env=ENV), clock, seed=seed)
        if seed == 16:
            add_phone_calls(store)
        store.close()
    return paths


def single(path: Path):
    """One office's own week (its file opened as a desk, as `report --week` does)."""
    store = Store(open_database(path))
    try:
        desk = Desk(store, FixedClock(NOW), "x", env=ENV)
        figures = week_figures(desk)
        start, end = desk.day_bounds(REPORT_WEEK, REPORT_WEEK + timedelta(days=6))
        waits = [w for _, state, _, _, w in store.week.promises(start, end) if state == "done" and w is not None]
        return figures, waits
    finally:
        store.close()


def week_json(paths: tuple[Path, ...], capsys) -> dict:
    args = ["report", "--week", "--format", "json"]
    for name, path in zip(("north", "south"), paths, strict=False):
        args += ["--office", f"{name}={path}"]
    assert main(args, FixedClock(NOW.astimezone(UTC))) == 0
    return json.loads(capsys.readouterr().out)


def test_the_combined_week_is_the_sum_of_the_single_weeks(week_offices, capsys):
    data = week_json(week_offices, capsys)
    (north, north_waits), (south, south_waits) = single(week_offices[0]), single(week_offices[1])
    n, s, c = north.report, south.report, data["combined"]
    assert [o["office"] for o in data["offices"]] == ["north", "south"]
    assert {k: v for k, v in data["offices"][0].items() if k != "office"} == n
    assert c["desk_name"] == "All offices" and c["week"] == n["week"] == s["week"]
    # calls: week, day, hour and heat map, in and out; answered/missed from the office with phone events
    for key in ("in", "out"):
        assert c["calls"][key] == n["calls"][key] + s["calls"][key]
        for part in ("by_day", "by_hour", "weekly"):
            assert [r[key] for r in c["calls"][part]] == [a[key] + b[key] for a, b in
                                                          zip(n["calls"][part], s["calls"][part], strict=True)]
        before = [a[key] + b[key] for a, b in zip(n["calls"]["weekly"][:-1], s["calls"]["weekly"][:-1], strict=True)]
        assert c["calls"]["previous_average"][key] == round(sum(before) / 4, 1)
    assert c["calls"]["heat"] == [[a + b for a, b in zip(x, y, strict=True)]
                                  for x, y in zip(n["calls"]["heat"], s["calls"]["heat"], strict=True)]
    assert (n["phone_events"], s["phone_events"], c["phone_events"]) == (False, True, True)
    assert (c["calls"]["answered"], c["calls"]["missed"]) == (s["calls"]["answered"], s["calls"]["missed"]) == (2, 2)
    assert [r["missed"] for r in c["calls"]["by_hour"]] == [r["missed"] for r in s["calls"]["by_hour"]]
    assert any("phone events only: south" in note for note in c["notes"])
    # promises, each of the five weeks; the kept rate and the median recomputed from the single values
    for i, week in enumerate(c["promises"]["trend"]):
        assert {k: week[k] for k in COUNTS} == {k: n["promises"]["trend"][i][k] + s["promises"]["trend"][i][k]
                                                 for k in COUNTS}
        assert week["kept_rate"] == round(week["kept"] / (week["kept"] + week["late"]), 4)
    assert {k: c["promises"][k] for k in COUNTS} == {k: n["promises"][k] + s["promises"][k] for k in COUNTS}
    assert c["promises"]["median_minutes_to_callback"] == float(statistics.median(north_waits + south_waits))
    # complaints
    for key in ("opened", "resolved", "open_now", "follow_ups"):
        assert c["complaints"][key] == n["complaints"][key] + s["complaints"][key]
    assert c["complaints"]["feelings"] == {k: v + s["complaints"]["feelings"][k]
                                           for k, v in n["complaints"]["feelings"].items()}
    assert [w["opened"] for w in c["complaints"]["weekly_opened"]] == [
        a["opened"] + b["opened"] for a, b in zip(n["complaints"]["weekly_opened"], s["complaints"]["weekly_opened"],
                                                  strict=True)]
    assert c["complaints"]["median_minutes_to_resolve"] == float(statistics.median(
        north.resolve_minutes + south.resolve_minutes))
    assert sorted((o["office"], o["id"]) for o in c["complaints"]["open"]) == sorted(
        [("north", o["id"]) for o in n["complaints"]["open"]] + [("south", o["id"]) for o in s["complaints"]["open"]])
    # repeat callers, listed with their office
    rep = c["repeat_callers"]
    assert rep["count"] == n["repeat_callers"]["count"] + s["repeat_callers"]["count"] == len(rep["callers"]) > 0
    assert sorted((x["office"], x["customer_id"], x["calls"]) for x in rep["callers"]) == sorted(
        [("north", x["customer_id"], x["calls"]) for x in n["repeat_callers"]["callers"]]
        + [("south", x["customer_id"], x["calls"]) for x in s["repeat_callers"]["callers"]])
    # topics merged ignoring case and spacing: every combined count is the sum of the offices'
    for topic in c["topics"]["top"]:
        key = topic_key(topic["topic"])
        assert topic["calls"] == north.topics_now[key] + south.topics_now[key]
        assert topic["previous_average"] == round((north.topics_before[key] + south.topics_before[key]) / 4, 2)
    assert c["topics"]["distinct"] == len(set(north.topics_now) | set(south.topics_now))
    # staffing: Erlang C again on the summed calls per hour (people are not added up)
    staffing = c["staffing"]
    assert (staffing["handle_seconds"], staffing["handle_from"]) == (360, "phone events")  # south's talk time
    offered = [sum(north.offered[d][h] + south.offered[d][h] for d in range(7)) for h in range(24)]
    rows = {r["hour"]: r for r in staffing["by_hour"]}
    assert set(rows) == {h for h in range(24) if offered[h]}
    for h, row in rows.items():
        assert round(row["calls_average"] * staffing["open_days"]) == offered[h]
        assert row["people"] == agents_needed(row["calls_average"], 3600, 360, 0.8, 20).agents


def test_one_office_combined_is_its_own_week(week_offices):
    # Nothing is averaged: the combination of one week is that week, medians, topics and staffing included.
    figures, _ = single(week_offices[1])
    combined = combine_weeks([("south", figures)])
    own = figures.report
    assert {k: v for k, v in combined.items() if k not in ("desk_name", "offices", "notes")} == {
        **{k: v for k, v in own.items() if k != "desk_name"},
        "complaints": {**own["complaints"], "open": [{**o, "office": "south"} for o in own["complaints"]["open"]]},
        "repeat_callers": {**own["repeat_callers"], "callers": sorted(
            ({**x, "office": "south"} for x in own["repeat_callers"]["callers"]),
            key=lambda x: (-x["calls"], x["caller"].casefold()))},
    }
    assert combined["notes"] == []


def test_the_week_across_offices_writes_nothing_to_them(week_offices, tmp_path, capsys):
    before = {path: fingerprint(path) for path in week_offices}
    opts = ["--office", f"north={week_offices[0]}", "--office", f"south={week_offices[1]}"]
    clock = FixedClock(NOW.astimezone(UTC))
    for fmt in ("md", "json", "html"):
        assert main(["report", "--week", "2026-11-18", "--format", fmt, *opts], clock) == 0
        out = tmp_path / f"week.{fmt}"
        assert main(["report", "--week", "--format", fmt, "--output", str(out), *opts], clock) == 0
        assert out.stat().st_size > 0
    capsys.readouterr()
    assert main(["report", "--week", "--output", str(week_offices[1]), "--force", *opts], clock) == 2
    assert "database" in capsys.readouterr().err
    assert {path: fingerprint(path) for path in week_offices} == before


def test_md_and_html_show_the_combined_week_first_then_each_office(week_offices, capsys):
    opts = ["--office", f"north={week_offices[0]}", "--office", f"south={week_offices[1]}"]
    clock = FixedClock(NOW.astimezone(UTC))
    assert main(["report", "--week", "--format", "md", *opts], clock) == 0
    md = capsys.readouterr().out
    titles = re.findall(r"^# (.*)$", md, re.MULTILINE)
    assert [t.split(":")[0] for t in titles] == ["All offices", "north", "south"]
    assert all("the week of 2026-11-16 to 2026-11-22" in t for t in titles)
    assert "## Notes" in md and "| Caller | Phone | Calls | Office |" in md
    assert main(["report", "--week", "--format", "html", *opts], clock) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and page.count("<!DOCTYPE") == 1 and page.count("<article") == 3
    ids = re.findall(r'\bid="?([\w-]+)', page)
    assert len(ids) == len(set(ids))  # three weeks on one page: every element id once
    assert page.count("<svg") == 9 and "<th>Office</th>" in page
    assert "&lt;script&gt;" in page and "<script" not in page.replace("&lt;script", "")
    assert page.index("All offices: the week") < page.index("north: ") < page.index("south: ")


def test_offices_in_other_timezones_are_noted(tmp_path, capsys):
    from test_offices import make_desk

    clock = FixedClock(NOW.astimezone(UTC) - timedelta(days=4))  # Thursday of the report week
    make_desk(tmp_path / "ny.db", clock, 4, "1")
    store = Store(open_database(tmp_path / "berlin.db"))
    Desk(store, clock, "ann", env={"TZ": "Europe/Berlin", "FRONTDESK_REGION": "DE"})
    store.close()
    assert main(["report", "--week", "2026-11-19", "--format", "json", "--office", f"ny={tmp_path / 'ny.db'}",
                 "--office", f"berlin={tmp_path / 'berlin.db'}"], clock) == 0
    c = json.loads(capsys.readouterr().out)["combined"]
    assert c["timezone"] == "America/New_York" and c["calls"]["in"] == 4
    assert any("different timezones (America/New_York, Europe/Berlin)" in note for note in c["notes"])


def test_bad_office_for_the_week_is_one_line_and_exit_2(week_offices, tmp_path, capsys):
    clock = FixedClock(NOW.astimezone(UTC))
    for bad, why in ((f"north={tmp_path / 'missing.db'}", "no database at"), ("north", "NAME=PATH"),
                     (f"north={tmp_path}", "is not a database file")):
        assert main(["report", "--week", "--office", bad, "--office", f"south={week_offices[1]}"], clock) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("frontdesk: ")
        assert "Traceback" not in err and why in err
    # Each office is checked before anything is read: a good one first does not print half a report.
    assert main(["report", "--week", "--office", f"south={week_offices[1]}", "--office",
                 f"north={tmp_path / 'missing.db'}"], clock) == 2
    out, err = capsys.readouterr()
    assert out == "" and "office north: no database at" in err
