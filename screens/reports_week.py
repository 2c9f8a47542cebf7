"""The reports screen's week view, drawn as text: the same figures as `frontdesk report --week`
(frontdesk/week.py), with bar charts made of block characters and the value printed beside
every bar, so they read in 16 colours, without colour (NO_COLOR) and over a slow link."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.text import Text

from frontdesk.formatting import span
from frontdesk.models import FEELINGS
from widgets.safe import plain

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar of `width` cells at most, in eighths of a cell."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def hours_shown(r: dict[str, Any]) -> list[dict[str, Any]]:
    busy = [h for h in r["calls"]["by_hour"] if h["in"] or h["out"] or h.get("missed")]
    if not busy:
        return []
    return r["calls"]["by_hour"][busy[0]["hour"]: busy[-1]["hour"] + 1]


def week_text(r: dict[str, Any], width: int) -> Text:
    """The whole week as one Text for a `width`-column view."""
    w = r["week"]
    first, last = date.fromisoformat(w["first_day"]), date.fromisoformat(w["last_day"])
    bars = max(10, min(48, width - 34))
    t = Text()
    t.append(f"Week {w['iso_week']}: {first:%a %d %b} - {last:%a %d %b %Y}", style="bold")
    t.append(f"   ({r['timezone']}, as of {r['generated_at'][:16].replace('T', ' ')}; "
             f"beside the 4 weeks before)\n\n", style="dim")
    c, p, k, rep = r["calls"], r["promises"], r["complaints"], r["repeat_callers"]
    t.append(f"Calls      in {c['in']:>4}  out {c['out']:>4}   4 weeks before: in {_num(c['previous_average']['in'])}, "
             f"out {_num(c['previous_average']['out'])} a week\n")
    if r["phone_events"]:
        t.append(f"Phone      answered {c['answered']}, missed {c['missed']}\n", style="bold" if c["missed"] else "")
    t.append(f"Promised {p['made']:>4}   kept on time {p['kept']} ({_pct(p['kept_rate'])} of returned), late {p['late']}, "
             f"open {p['open']} ({p['overdue']} overdue), median {_num(p['median_minutes_to_callback'])} min\n")
    resolve = "n/a" if k["median_minutes_to_resolve"] is None else span(int(k["median_minutes_to_resolve"]))
    t.append(f"Complaints opened {k['opened']}, resolved {k['resolved']} (median {resolve}), still open "
             f"{k['open_now']}; follow-ups {k['follow_ups']}: " + ", ".join(
                 f"{FEELINGS[f]} {n}" for f, n in k["feelings"].items()) + "\n",
             style="bold" if k["open_now"] else "")
    t.append(f"Repeat callers {rep['count']} (3+ calls; 4 weeks before: {_num(rep['previous_average'])} a week)\n")

    hours = hours_shown(r)
    t.append("\nCalls by hour", style="bold")
    t.append("  (in + out; █ = calls)\n", style="dim")
    top = max([h["in"] + h["out"] for h in hours] + [1])
    for h in hours:
        total = h["in"] + h["out"]
        t.append(f"{h['hour']:02d}:00 ")
        t.append(f"{bar(total, top, bars):<{bars}}", style="bold")
        t.append(f" {total:>4}  in {h['in']}, out {h['out']}")
        if r["phone_events"]:
            t.append(f", missed {h['missed']}", style="bold" if h["missed"] else "")
        t.append("\n")
    if not hours:
        t.append(" no calls\n", style="dim")
    t.append("\nCalls by day\n", style="bold")
    top = max([d["in"] + d["out"] for d in c["by_day"]] + [1])
    for d in c["by_day"]:
        total = d["in"] + d["out"]
        t.append(f"{d['name']} {date.fromisoformat(d['day']):%d}  ")
        t.append(f"{bar(total, top, bars):<{bars}}", style="bold")
        t.append(f" {total:>4}  in {d['in']}, out {d['out']}")
        if r["phone_events"]:
            t.append(f", missed {d['missed']}")
        t.append("\n")
    t.append("\nKept on time, week by week", style="bold")
    t.append("  (share of the callbacks returned)\n", style="dim")
    for i, week in enumerate(p["trend"]):
        label = "this wk" if i == len(p["trend"]) - 1 else f"{datetime.fromisoformat(week['week']):%d %b}"
        t.append(f"{label:<8}")
        t.append(f"{bar(week['kept_rate'] or 0, 1, bars):<{bars}}", style="bold")
        t.append(f" {_pct(week['kept_rate']):>4}  {week['kept']} of {week['kept'] + week['late']} returned, "
                 f"{week['made']} promised\n")
    t.append("\nComplaints still open\n", style="bold")
    for o in k["open"]:
        t.append(f" {span(o['age_minutes']):>8}  ")
        t.append_text(plain(o["caller"], 24))
        t.append(f"  {o['phone_national'] or o['phone']}  ")
        t.append_text(plain(o["topic"], 30))
        t.append("\n")
    if not k["open"]:
        t.append(" none\n", style="dim")
    t.append("\nTop topics", style="bold")
    t.append("             calls  weekly before  change\n", style="dim")
    for x in r["topics"]["top"]:
        t.append(" ")
        name = plain(x["topic"], 22)
        t.append_text(name)
        t.append(" " * max(1, 23 - len(name.plain)))
        change = x["change"]
        sign = "+" if change > 0 else "-" if change < 0 else "±"
        t.append(f"{x['calls']:>5}  {_num(x['previous_average']):>13}  {sign + _num(abs(change)):>6}\n")
    if r["topics"]["new"]:
        t.append(" new this week: ", style="bold")
        for i, x in enumerate(r["topics"]["new"]):
            t.append(", " if i else "")
            t.append_text(plain(x["topic"], 30))
            t.append(f" ({x['calls']})")
        t.append("\n")
    t.append("\nRepeat callers (3 or more calls this week)\n", style="bold")
    for caller in rep["callers"]:
        t.append(f" {caller['calls']:>3} calls  ")
        t.append_text(plain(caller["caller"], 30))
        t.append(f"  {caller['phone_national'] or caller['phone'] or 'withheld'}\n")
    if not rep["callers"]:
        t.append(" none\n", style="dim")
    s = r["staffing"]
    t.append("\nStaffing by hour", style="bold")
    t.append(f"  (Erlang C: {s['target_percent']}% answered within {s['target_seconds']} s, handle "
             f"{_num(s['handle_seconds'] / 60)} min from the {s['handle_from']})\n", style="dim")
    t.append(" hour   calls avg  people   calls peak  people   missed\n", style="dim")
    for h in s["by_hour"]:
        missed = "n/a" if h["missed"] is None else str(h["missed"])
        t.append(f" {h['hour']:02d}:00  {_num(h['calls_average']):>9}  {h['people']:>6}   {h['calls_busiest']:>10}  "
                 f"{h['people_busiest']:>6}   {missed:>6}\n")
    if not s["by_hour"]:
        t.append(" no calls\n", style="dim")
    return t
