"""The owner's week: the figures of one Monday-Sunday week (desk time) beside the four weeks
before it. `week_report(desk, day)` returns one JSON-ready dict; the Markdown, HTML and JSON
of `frontdesk report --week` and the reports screen's week view all show this dict.

What each figure counts:

- calls: logged calls in the week, by day and by desk-local hour, inbound and outbound; with
  phone events (a `phone_calls` table) also the inbound calls the phone system saw answered and
  missed. `previous_average`: the mean of the four weeks before.
- promises: callbacks promised on the week's calls and what became of them as of now (as the
  day's report counts them); kept_rate = kept on time / (kept + late); the trend gives the same
  for each of the five weeks, oldest first.
- complaints: opened and resolved in the week, the median minutes to resolve of those resolved,
  the complaints opened before the week's end still open now (with their age), and the
  follow-ups done in the week by how the customer felt.
- topics: the ten most frequent this week, grouped ignoring case and spacing (shown in the
  week's most used spelling), with the weekly average of the four weeks before and the change;
  `new`: topics of this week not heard in those four weeks.
- repeat callers: customers with three or more inbound calls in the week, with their number.
- staffing by hour: for each desk-local hour with calls, the calls offered on an average open
  day of the week (days with any inbound call) and on the busiest, and the people Erlang C says
  answer the target share within the target time (handle time: the talk time of answered phone
  calls when phone events tell it, else the setting), next to the calls missed at that hour.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .clock import to_iso
from .complaints import REPEAT_AT
from .erlang import agents_needed
from .errors import DeskError

WEEKS_BEFORE = 4
TOP = 10
OPEN_COMPLAINTS_LIST = 50
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UTC = ZoneInfo("UTC")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_full_week(today: date) -> date:
    """The Monday of the last week that has ended (the week before the one holding today)."""
    return week_start(today) - timedelta(days=7)


def topic_key(topic: str) -> str:
    return " ".join(topic.split()).casefold()


def _median(values: list[int] | list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(kept: int, late: int) -> float | None:
    return round(kept / (kept + late), 4) if kept + late else None


def _local(bucket: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(bucket + ":00+00:00").astimezone(zone)


@dataclass
class WeekFigures:
    """A week's report and the per-call values behind it that the report keeps only as
    medians, averages or a top ten: what combining several offices' weeks needs to recompute
    those figures exactly (week_offices.py)."""

    report: dict[str, Any]
    offered: list[list[int]]  # [day][hour]: the calls staffing counts (rung with phone events, else logged in)
    talked: int = 0  # answered inbound phone calls with an end, and their total talk seconds
    talk_total: float = 0.0
    waits: list[list[int]] = field(default_factory=list)  # per week, oldest first: minutes to call back
    resolve_minutes: list[int] = field(default_factory=list)
    topics_now: Counter[str] = field(default_factory=Counter)  # topic_key -> calls this week
    topics_before: Counter[str] = field(default_factory=Counter)  # topic_key -> calls in the weeks before
    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # topic_key -> spelling -> calls
    repeat_before: list[int] = field(default_factory=list)  # repeat callers in each week before


def week_report(desk, day: date | None = None) -> dict[str, Any]:
    """The figures of the week holding `day` (default: the last full week), as of now."""
    return week_figures(desk, day).report


def week_figures(desk, day: date | None = None) -> WeekFigures:
    """week_report's figures with the per-call values behind them (WeekFigures)."""
    now = desk.clock.now()
    zone: ZoneInfo = desk.zone
    settings = desk.settings
    first = week_start(day) if day else last_full_week(desk.today())
    if first.year < 1971 or first.year > 9998:
        raise DeskError(f"no week around {day}")
    last = first + timedelta(days=6)
    weeks = [first - timedelta(days=7 * k) for k in range(WEEKS_BEFORE, -1, -1)]  # oldest first
    bounds = [desk.day_bounds(w, w + timedelta(days=6)) for w in weeks]
    start, end = bounds[-1]
    q = desk.store.week
    with desk.store.read():
        calls = _calls(q, bounds, weeks, zone)
        phone = _phone(q, start, end, zone) if q.has_phone_calls(end) else None
        promises, waits = _promises(desk, bounds, weeks, now)
        complaints, resolve_minutes = _complaints(desk, q, bounds, weeks, now, zone)
        topics, topic_counts = _topics(q, bounds)
        repeat, repeat_before = _repeat(desk, q, bounds)
    days = [first + timedelta(days=i) for i in range(7)]
    by_day = []
    for i, d in enumerate(days):
        row: dict[str, Any] = {"day": d.isoformat(), "name": DAY_NAMES[i],
                               "in": calls["days"][i][0], "out": calls["days"][i][1]}
        if phone is not None:
            row.update(answered=phone["days"][i][0], missed=phone["days"][i][1])
        by_day.append(row)
    by_hour = []
    for h in range(24):
        hrow: dict[str, Any] = {"hour": h, "in": calls["hours"][h][0], "out": calls["hours"][h][1]}
        if phone is not None:
            hrow.update(answered=phone["hours"][h][0], missed=phone["hours"][h][1])
        by_hour.append(hrow)
    previous = calls["weeks"][:-1]
    report = {
        "desk_name": settings.desk_name,
        "timezone": settings.tz,
        "generated_at": now.astimezone(zone).isoformat(timespec="seconds"),
        "week": {"first_day": first.isoformat(), "last_day": last.isoformat(),
                 "iso_week": f"{first.isocalendar()[0]}-W{first.isocalendar()[1]:02d}",
                 "compared_with": [w.isoformat() for w in weeks[:-1]]},
        "phone_events": phone is not None,
        "calls": {
            "in": calls["weeks"][-1][0], "out": calls["weeks"][-1][1],
            "answered": None if phone is None else phone["answered"],
            "missed": None if phone is None else phone["missed"],
            "previous_average": {"in": round(sum(w[0] for w in previous) / len(previous), 1),
                                 "out": round(sum(w[1] for w in previous) / len(previous), 1)},
            "weekly": [{"week": w.isoformat(), "in": c[0], "out": c[1]} for w, c in zip(weeks, calls["weeks"],
                                                                                     strict=True)],
            "by_day": by_day,
            "by_hour": by_hour,
            "heat": calls["heat"],  # [day][hour]: calls in + out
        },
        "promises": promises,
        "complaints": complaints,
        "topics": topics,
        "repeat_callers": repeat,
        "staffing": _staffing(settings, calls, phone),
    }
    return WeekFigures(report, offered=_offered(calls, phone), talked=phone["talked"] if phone else 0,
                       talk_total=phone["talk_total"] if phone else 0.0, waits=waits,
                       resolve_minutes=resolve_minutes, topics_now=topic_counts[0],
                       topics_before=topic_counts[1], spellings=topic_counts[2], repeat_before=repeat_before)


def _calls(q, bounds, weeks, zone) -> dict[str, Any]:
    start, end = bounds[0][0], bounds[-1][1]
    first = weeks[-1]
    per_week = [[0, 0] for _ in weeks]
    days = [[0, 0] for _ in range(7)]
    hours = [[0, 0] for _ in range(24)]
    heat = [[0] * 24 for _ in range(7)]
    day_hour_in = [[0] * 24 for _ in range(7)]
    for row in q.call_buckets(start, end):
        local = _local(row["bucket"], zone)
        index = (local.date() - weeks[0]).days // 7
        if not 0 <= index < len(weeks):
            continue
        per_week[index][0] += row["calls_in"]
        per_week[index][1] += row["calls_out"]
        if index == len(weeks) - 1:
            d = (local.date() - first).days
            days[d][0] += row["calls_in"]
            days[d][1] += row["calls_out"]
            hours[local.hour][0] += row["calls_in"]
            hours[local.hour][1] += row["calls_out"]
            heat[d][local.hour] += row["calls_in"] + row["calls_out"]
            day_hour_in[d][local.hour] += row["calls_in"]
    return {"weeks": per_week, "days": days, "hours": hours, "heat": heat, "day_hour_in": day_hour_in}


def _phone(q, start, end, zone) -> dict[str, Any]:
    first = start.astimezone(zone).date()
    days = [[0, 0] for _ in range(7)]
    hours = [[0, 0] for _ in range(24)]
    rang = [[0] * 24 for _ in range(7)]
    for row in q.phone_buckets(start, end):
        local = _local(row["bucket"], zone)
        d = (local.date() - first).days
        if not 0 <= d < 7:
            continue
        days[d][0] += row["answered"]
        days[d][1] += row["missed"]
        hours[local.hour][0] += row["answered"]
        hours[local.hour][1] += row["missed"]
        rang[d][local.hour] += row["rang"]
    talked, seconds = q.talk_seconds(start, end)
    return {"days": days, "hours": hours, "rang": rang, "answered": sum(d[0] for d in days),
            "missed": sum(d[1] for d in days), "talk_seconds": round(seconds / talked) if talked else None,
            "talked": talked, "talk_total": seconds}


def _promises(desk, bounds, weeks, now) -> tuple[dict[str, Any], list[list[int]]]:
    """What became of the callbacks promised on each week's calls, as the day report counts
    them (report.py): one read of the five weeks."""
    edges = [to_iso(start) for start, _ in bounds] + [to_iso(bounds[-1][1])]
    now_text = to_iso(now)
    counts = [dict.fromkeys(("made", "kept", "late", "cancelled", "open", "overdue"), 0) for _ in weeks]
    waits: list[list[int]] = [[] for _ in weeks]
    for at, state, kept, due, waited in desk.store.week.promises(bounds[0][0], bounds[-1][1]):
        i = bisect.bisect_right(edges, at) - 1
        if not 0 <= i < len(weeks):
            continue
        c = counts[i]
        c["made"] += 1
        if state == "done":
            c["kept" if kept == 1 else "late"] += 1
            if waited is not None:
                waits[i].append(waited)
        elif state == "cancelled":
            c["cancelled"] += 1
        elif state == "open":
            c["open"] += 1
            c["overdue"] += due <= now_text
    trend = []
    for w, c, wait in zip(weeks, counts, waits, strict=True):
        median = _median(wait)
        trend.append({"week": w.isoformat(), **c, "kept_rate": _rate(c["kept"], c["late"]),
                      "median_minutes_to_callback": median})
    this = trend[-1]
    return {**{k: v for k, v in this.items() if k != "week"}, "trend": trend}, waits


def _complaints(desk, q, bounds, weeks, now, zone) -> tuple[dict[str, Any], list[int]]:
    start, end = bounds[-1]
    minutes = q.complaints_resolved(start, end)
    feelings = q.follow_ups(start, end)
    still_open = desk.store.complaints.where(
        "complaints.state = 'open' AND complaints.opened_at < ?", [to_iso(end)],
        "complaints.opened_at, complaints.id", OPEN_COMPLAINTS_LIST + 1)
    count_open = desk.store.only(
        "SELECT count(*) AS n FROM complaints WHERE state = 'open' AND opened_at < ?",
        [to_iso(end)])["n"]
    return {
        "opened": q.complaints_opened(start, end),
        "resolved": len(minutes),
        "median_minutes_to_resolve": _median(minutes),
        "open_now": count_open,
        "open": [{"id": c.id, "caller": c.caller, "phone": c.e164, "phone_national": desk.national(c.e164),
                  "topic": c.topic, "opened_at": c.opened_at.astimezone(zone).isoformat(timespec="seconds"),
                  "age_minutes": max(0, int((now - c.opened_at).total_seconds() // 60))}
                 for c in still_open[:OPEN_COMPLAINTS_LIST]],
        "follow_ups": sum(feelings.values()),
        "feelings": {k: feelings.get(k, 0) for k in ("better", "same", "worse", "no_answer")},
        "weekly_opened": [{"week": w.isoformat(), "opened": q.complaints_opened(s, e)}
                          for w, (s, e) in zip(weeks, bounds, strict=True)],
    }, list(minutes)


def _topics(q, bounds) -> tuple[dict[str, Any], tuple[Counter[str], Counter[str], dict[str, Counter[str]]]]:
    this_start, this_end = bounds[-1]
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    now_counts: Counter[str] = Counter()
    for topic, n in q.topics(this_start, this_end):
        key = topic_key(topic)
        if key:
            now_counts[key] += n
            spellings[key][" ".join(topic.split())] += n
    before: Counter[str] = Counter()
    for topic, n in q.topics(bounds[0][0], bounds[-2][1]):
        before[topic_key(topic)] += n
    return topic_figures(now_counts, before, spellings), (now_counts, before, dict(spellings))


def topic_figures(now_counts: Counter[str], before: Counter[str], spellings: dict[str, Counter[str]]) -> dict[str, Any]:
    """The week's top and new topics from the calls per topic key this week and in the four
    weeks before; each shown in its most used spelling."""

    def shown(key: str) -> str:
        return min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]

    ranked = sorted((k for k in now_counts if now_counts[k]), key=lambda k: (-now_counts[k], k))
    top = []
    for key in ranked[:TOP]:
        average = before[key] / WEEKS_BEFORE
        top.append({"topic": shown(key), "calls": now_counts[key], "previous_average": round(average, 2),
                    "change": round(now_counts[key] - average, 2)})
    new = [{"topic": shown(k), "calls": now_counts[k]} for k in ranked if before[k] == 0][:TOP]
    return {"top": top, "new": new, "distinct": len(ranked)}


def _repeat(desk, q, bounds) -> tuple[dict[str, Any], list[int]]:
    start, end = bounds[-1]
    rows = q.repeat_callers(start, end, REPEAT_AT)
    from .models import who

    previous = [q.count_repeat_callers(s, e, REPEAT_AT) for s, e in bounds[:-1]]
    return {
        "count": len(rows),
        "previous_average": round(sum(previous) / len(previous), 2),
        "callers": [{"customer_id": r["id"], "caller": who(r["name"], r["company"]), "phone": r["e164"] or "",
                     "phone_national": desk.national(r["e164"]) if r["e164"] else "", "calls": r["calls"]}
                    for r in rows],
    }, previous


def _offered(calls, phone) -> list[list[int]]:
    return phone["rang"] if phone else calls["day_hour_in"]  # [day][hour]


def _staffing(settings, calls, phone) -> dict[str, Any]:
    talk = phone["talk_seconds"] if phone else None
    missed = [h[1] for h in phone["hours"]] if phone else None
    return staffing(_offered(calls, phone), missed, talk or settings.handle_seconds,
                    "phone events" if talk else "setting", settings.answer_target_pct, settings.answer_seconds)


def staffing(offered: list[list[int]], missed_by_hour: list[int] | None, handle: float, handle_from: str,
             target_pct: int, seconds: int) -> dict[str, Any]:
    """People needed per desk-local hour (Erlang C) for the calls offered [day][hour]."""
    open_days = sum(1 for d in range(7) if any(offered[d]))
    target = target_pct / 100
    rows = []
    for h in range(24):
        per_day = [offered[d][h] for d in range(7)]
        missed = missed_by_hour[h] if missed_by_hour is not None else None
        if not any(per_day) and not missed:
            continue
        average = sum(per_day) / open_days if open_days else 0.0
        need = agents_needed(average, 3600, handle, target, seconds)
        peak = agents_needed(max(per_day), 3600, handle, target, seconds)
        rows.append({"hour": h, "calls_average": round(average, 2), "calls_busiest": max(per_day),
                     "erlangs": round(need.erlangs, 3), "people": need.agents,
                     "service_level": round(need.service_level, 4), "people_busiest": peak.agents,
                     "missed": missed})
    return {"handle_seconds": handle, "handle_from": handle_from,
            "target_percent": target_pct, "target_seconds": seconds, "open_days": open_days,
            "by_hour": rows}
