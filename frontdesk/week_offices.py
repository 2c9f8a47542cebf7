"""The owner's week across offices: each office's week (week.py, on its own desk, read-only
through offices.py) and one combined week in the same shape, so week_render.py shows it too.

The combined week adds the offices' figures up, figure by figure: calls by week, day, hour and
in the heat map; phone calls answered and missed; promises made, kept, late, cancelled, open and
overdue (each of the five weeks); complaints opened, resolved, still open and followed up;
repeat callers (listed with their office). Nothing is an average of averages: the kept rate is
recomputed from the summed counts, the medians (minutes to call back, minutes to resolve) from
every office's single values, the topics from every office's calls per topic (merged ignoring
case and spacing, so a topic outside each office's top ten can be in the combined one), and the
staffing by hour from the summed calls per day and hour through Erlang C again (people are not
added up: two offices with one person each busy a third of the time do not need two people
together). The handle time is the talk time of every answered phone call when phone events tell
it, else the first office's setting.

Days and hours are each office's own local ones (an office in another timezone adds its Monday
and its 09:00 to the others'). What cannot be exact is said in the combined week's `notes`:
those local hours when the timezones differ, a repeat caller who called several offices (each
office counts only its own calls), phone figures when only some offices have phone events, and
staffing targets when the offices' settings differ.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from .errors import DeskError
from .week import (
    OPEN_COMPLAINTS_LIST,
    WEEKS_BEFORE,
    WeekFigures,
    _median,
    _rate,
    staffing,
    topic_figures,
)

COMBINED = "All offices"
PROMISE_COUNTS = ("made", "kept", "late", "cancelled", "open", "overdue")


def _sum_rows(rows: list[list[dict[str, Any]]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of the same shape from every office (by day, by hour), the counts `keys` summed;
    a key an office does not have (answered/missed without phone events) counts nothing."""
    out = []
    for parts in zip(*rows, strict=True):
        row = dict(parts[0])
        for key in keys:
            values = [p[key] for p in parts if p.get(key) is not None]
            if values or key in row:
                row[key] = sum(values)
        out.append(row)
    return out


def combine_weeks(weeks: list[tuple[str, WeekFigures]], name: str = COMBINED) -> dict[str, Any]:
    """The offices' weeks (name, figures) as one week (see the module's documentation)."""
    if not weeks:
        raise DeskError("no office to combine")
    reports = [(office, f.report) for office, f in weeks]
    first = reports[0][1]
    if any(r["week"] != first["week"] for _, r in reports):
        raise DeskError("the offices' weeks differ: give every office the same week")
    notes: list[str] = []
    zones = list(dict.fromkeys(r["timezone"] for _, r in reports))
    if len(zones) > 1:
        notes.append("The offices are in different timezones (" + ", ".join(zones) + "): days and hours are "
                     "each office's own local ones, added together.")
    phone = [office for office, r in reports if r["phone_events"]]
    if phone and len(phone) < len(reports):
        notes.append("Phone calls answered and missed (and the calls staffing counts as rung) come from the "
                     "offices with phone events only: " + ", ".join(phone) + "; the others count their "
                     "logged inbound calls.")
    if len(reports) > 1:
        notes.append("Repeat callers are each office's own: someone who called several offices is listed once "
                     "per office, with that office's calls only.")
    targets = {(r["staffing"]["target_percent"], r["staffing"]["target_seconds"]) for _, r in reports}
    handles = {r["staffing"]["handle_seconds"] for _, r in reports if r["staffing"]["handle_from"] == "setting"}
    target_pct, target_seconds = first["staffing"]["target_percent"], first["staffing"]["target_seconds"]
    if len(targets) > 1 or len(handles) > 1:
        notes.append(f"The offices' staffing settings differ: the combined staffing uses {reports[0][0]}'s "
                     f"(answer {target_pct}% within {target_seconds} s).")
    return {
        "desk_name": name,
        "timezone": first["timezone"],  # the zone generated_at is in; the note names the others
        "generated_at": first["generated_at"],
        "week": first["week"],
        "phone_events": bool(phone),
        "offices": [office for office, _ in reports],
        "notes": notes,
        "calls": _calls([r for _, r in reports], bool(phone)),
        "promises": _promises(weeks),
        "complaints": _complaints(weeks),
        "topics": _topics(weeks),
        "repeat_callers": _repeat(weeks),
        "staffing": _staffing(weeks, target_pct, target_seconds),
    }


def _calls(reports: list[dict[str, Any]], phone: bool) -> dict[str, Any]:
    calls = [r["calls"] for r in reports]
    weekly = [{"week": parts[0]["week"], "in": sum(p["in"] for p in parts), "out": sum(p["out"] for p in parts)}
              for parts in zip(*(c["weekly"] for c in calls), strict=True)]
    previous = weekly[:-1]
    keys = ("in", "out", "answered", "missed")

    def phone_sum(key: str) -> int | None:
        return sum(c[key] for c in calls if c[key] is not None) if phone else None

    return {
        "in": sum(c["in"] for c in calls), "out": sum(c["out"] for c in calls),
        "answered": phone_sum("answered"), "missed": phone_sum("missed"),
        "previous_average": {"in": round(sum(w["in"] for w in previous) / len(previous), 1),
                             "out": round(sum(w["out"] for w in previous) / len(previous), 1)},
        "weekly": weekly,
        "by_day": _sum_rows([c["by_day"] for c in calls], keys),
        "by_hour": _sum_rows([c["by_hour"] for c in calls], keys),
        "heat": [[sum(c["heat"][d][h] for c in calls) for h in range(24)] for d in range(7)],
    }


def _promises(weeks: list[tuple[str, WeekFigures]]) -> dict[str, Any]:
    trends = [f.report["promises"]["trend"] for _, f in weeks]
    trend = []
    for i, parts in enumerate(zip(*trends, strict=True)):
        counts = {key: sum(p[key] for p in parts) for key in PROMISE_COUNTS}
        waits = [w for _, f in weeks for w in f.waits[i]]
        trend.append({"week": parts[0]["week"], **counts, "kept_rate": _rate(counts["kept"], counts["late"]),
                      "median_minutes_to_callback": _median(waits)})
    this = trend[-1]
    return {**{k: v for k, v in this.items() if k != "week"}, "trend": trend}


def _complaints(weeks: list[tuple[str, WeekFigures]]) -> dict[str, Any]:
    parts = [(office, f.report["complaints"]) for office, f in weeks]
    still_open = sorted(({**item, "office": office} for office, k in parts for item in k["open"]),
                        key=lambda item: (datetime.fromisoformat(item["opened_at"]), item["office"], item["id"]))
    feelings: Counter[str] = Counter()
    for _, k in parts:
        feelings.update(k["feelings"])
    return {
        "opened": sum(k["opened"] for _, k in parts),
        "resolved": sum(k["resolved"] for _, k in parts),
        "median_minutes_to_resolve": _median([m for _, f in weeks for m in f.resolve_minutes]),
        "open_now": sum(k["open_now"] for _, k in parts),
        "open": still_open[:OPEN_COMPLAINTS_LIST],
        "follow_ups": sum(k["follow_ups"] for _, k in parts),
        "feelings": {k: feelings[k] for k in parts[0][1]["feelings"]},
        "weekly_opened": [{"week": rows[0]["week"], "opened": sum(r["opened"] for r in rows)}
                          for rows in zip(*(k["weekly_opened"] for _, k in parts), strict=True)],
    }


def _topics(weeks: list[tuple[str, WeekFigures]]) -> dict[str, Any]:
    now: Counter[str] = Counter()
    before: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for _, f in weeks:
        now.update(f.topics_now)
        before.update(f.topics_before)
        for key, spelled in f.spellings.items():
            spellings.setdefault(key, Counter()).update(spelled)
    return topic_figures(now, before, spellings)


def _repeat(weeks: list[tuple[str, WeekFigures]]) -> dict[str, Any]:
    callers = [{**c, "office": office} for office, f in weeks for c in f.report["repeat_callers"]["callers"]]
    callers.sort(key=lambda c: (-c["calls"], c["caller"].casefold(), c["office"]))
    before = [sum(week) for week in zip(*(f.repeat_before for _, f in weeks), strict=True)]
    return {"count": sum(f.report["repeat_callers"]["count"] for _, f in weeks),
            "previous_average": round(sum(before) / WEEKS_BEFORE, 2), "callers": callers}


def _staffing(weeks: list[tuple[str, WeekFigures]], target_pct: int, target_seconds: int) -> dict[str, Any]:
    offered = [[sum(f.offered[d][h] for _, f in weeks) for h in range(24)] for d in range(7)]
    phone = [f for _, f in weeks if f.report["phone_events"]]
    missed = [sum(f.report["calls"]["by_hour"][h]["missed"] for f in phone) for h in range(24)] if phone else None
    talked = sum(f.talked for _, f in weeks)
    talk = round(sum(f.talk_total for _, f in weeks) / talked) if talked else None
    if talk:
        handle, handle_from = talk, "phone events"
    else:  # as week.py does: the setting (the first office's; a note says when they differ)
        handle = next((f.report["staffing"]["handle_seconds"] for _, f in weeks
                       if f.report["staffing"]["handle_from"] == "setting"), weeks[0][1].report["staffing"]["handle_seconds"])
        handle_from = "setting"
    return staffing(offered, missed, handle, handle_from, target_pct, target_seconds)


__all__ = ["COMBINED", "combine_weeks"]
