"""The owner's week as Markdown, JSON or one self-contained HTML file (week.py's figures).

The HTML holds everything it shows: inline CSS and SVG charts (calls by hour, a day-by-hour
heat map, the kept-on-time trend), no script, nothing fetched. It reads on a phone (one
column, tables scroll sideways) and prints on A4. Every text that came from a user (names,
topics, the desk's name) is escaped; Markdown escapes table and markup syntax as the export
does. The three carry the same figures."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any, TextIO

from .errors import DeskError
from .export import _to_file, _to_stdout, md_text
from .formatting import span
from .models import FEELINGS
from .text import one_line

FORMATS = ("md", "html", "json")


# -- shared wording ----------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _signed(value: float) -> str:
    text = _num(abs(value))
    return "±0" if value == 0 else ("+" if value > 0 else "−") + text


def _age(minutes: int) -> str:
    return span(minutes)


def _title(r: dict[str, Any]) -> str:
    w = r["week"]
    return f"{r['desk_name']}: the week of {w['first_day']} to {w['last_day']} ({w['iso_week']})"


def _before_end(r: dict[str, Any]) -> str:
    return (date.fromisoformat(r["week"]["first_day"]) - timedelta(days=1)).isoformat()


def _day(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a %d %b")


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a %d %b %H:%M")


def summary_lines(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The headline figures as (label, value), the same in every format."""
    c, p, k, rep = r["calls"], r["promises"], r["complaints"], r["repeat_callers"]
    lines = [
        ("Calls in", f"{c['in']} (4 weeks before: {_num(c['previous_average']['in'])} a week)"),
        ("Calls out", f"{c['out']} (4 weeks before: {_num(c['previous_average']['out'])} a week)"),
    ]
    if r["phone_events"]:
        lines.append(("Phone calls answered / missed", f"{c['answered']} / {c['missed']}"))
    lines += [
        ("Callbacks promised", str(p["made"])),
        ("Kept on time", f"{p['kept']} ({_pct(p['kept_rate'])} of those returned)"),
        ("Late", str(p["late"])),
        ("Still open", f"{p['open']} (overdue now: {p['overdue']})"),
        ("Median minutes to call back", _num(p["median_minutes_to_callback"])),
        ("Complaints opened / resolved", f"{k['opened']} / {k['resolved']}"),
        ("Median time to resolve", "n/a" if k["median_minutes_to_resolve"] is None
         else _age(int(k["median_minutes_to_resolve"]))),
        ("Complaints still open", str(k["open_now"])),
        ("Follow-ups done", f"{k['follow_ups']} (" + ", ".join(
            f"{FEELINGS[f]} {n}" for f, n in k["feelings"].items()) + ")"),
        ("Repeat callers (3+ calls)", f"{rep['count']} (4 weeks before: {_num(rep['previous_average'])} a week)"),
    ]
    return lines


def _office_column(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    """An "Office" column for the rows of a week across offices (each row names its office)."""
    return ("Office",) if rows and "office" in rows[0] else ()


# -- Markdown ----------------------------------------------------------------------------------
def _md_table(headers: tuple[str, ...], align: str, rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def markdown(r: dict[str, Any]) -> str:
    phone = r["phone_events"]
    lines = [f"# {md_text(_title(r), 200)}", "",
             f"As of {r['generated_at'][:16].replace('T', ' ')} ({r['timezone']}); compared with the four weeks "
             f"before ({r['week']['compared_with'][0]} to {_before_end(r)}).", "", "## Summary", ""]
    lines += [f"- {label}: {value}" for label, value in summary_lines(r)]
    if r.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {md_text(note, 400)}" for note in r["notes"]]
    extra = ("Answered", "Missed") if phone else ()
    lines += ["", "## Calls by day", ""]
    lines += _md_table(("Day", "In", "Out", *extra), "l" + "r" * (2 + len(extra)),
                       [[_day(d["day"]), d["in"], d["out"], *([d["answered"], d["missed"]] if phone else [])]
                        for d in r["calls"]["by_day"]])
    lines += ["", "## Calls by hour", ""]
    hours = [h for h in r["calls"]["by_hour"] if h["in"] or h["out"] or h.get("answered") or h.get("missed")]
    if hours:
        lines += _md_table(("Hour", "In", "Out", *extra), "l" + "r" * (2 + len(extra)),
                           [[f"{h['hour']:02d}:00", h["in"], h["out"],
                             *([h["answered"], h["missed"]] if phone else [])] for h in hours])
    else:
        lines.append("No calls.")
    lines += ["", "## Promises kept on time, week by week", ""]
    lines += _md_table(("Week of", "Promised", "Kept on time", "Late", "Open", "Kept rate", "Median min"),
                       "lrrrrrr",
                       [[t["week"], t["made"], t["kept"], t["late"], t["open"], _pct(t["kept_rate"]),
                         _num(t["median_minutes_to_callback"])] for t in r["promises"]["trend"]])
    k = r["complaints"]
    lines += ["", "## Complaints still open", ""]
    if k["open"]:
        office = _office_column(k["open"])
        lines += _md_table(("Opened", "Age", "Caller", "Phone", "Topic", *office), "lllll" + "l" * len(office),
                           [[_when(o["opened_at"]), _age(o["age_minutes"]), md_text(o["caller"], 60),
                             md_text(o["phone_national"] or o["phone"], 30), md_text(o["topic"]),
                             *([md_text(o["office"], 60)] if office else [])] for o in k["open"]])
        if k["open_now"] > len(k["open"]):
            lines += ["", f"…and {k['open_now'] - len(k['open'])} more."]
    else:
        lines.append("None.")
    t = r["topics"]
    lines += ["", "## Top topics", ""]
    if t["top"]:
        lines += _md_table(("Topic", "Calls", "Weekly before", "Change"), "lrrr",
                           [[md_text(x["topic"]), x["calls"], _num(x["previous_average"]), _signed(x["change"])]
                            for x in t["top"]])
    else:
        lines.append("No topics recorded.")
    lines += ["", "## New topics this week", ""]
    lines += [f"- {md_text(x['topic'])}: {x['calls']}" for x in t["new"]] or ["None."]
    rep = r["repeat_callers"]
    lines += ["", "## Repeat callers (3 or more calls this week)", ""]
    if rep["callers"]:
        office = _office_column(rep["callers"])
        lines += _md_table(("Caller", "Phone", "Calls", *office), "llr" + "l" * len(office),
                           [[md_text(c["caller"], 60), md_text(c["phone_national"] or c["phone"] or "withheld", 30),
                             c["calls"], *([md_text(c["office"], 60)] if office else [])] for c in rep["callers"]])
    else:
        lines.append("None.")
    s = r["staffing"]
    lines += ["", "## Staffing by hour", "",
              f"People needed to answer {s['target_percent']}% of calls within {s['target_seconds']} s "
              f"(Erlang C; handle time {_num(s['handle_seconds'] / 60)} min from the {s['handle_from']}; "
              f"calls on an average of the week's {s['open_days']} open days, and at the peak: the busiest day).", ""]
    if s["by_hour"]:
        lines += _md_table(("Hour", "Calls avg", "People", "Calls peak", "People peak", "Missed"),
                           "lrrrrr",
                           [[f"{h['hour']:02d}:00", _num(h["calls_average"]), h["people"], h["calls_busiest"],
                             h["people_busiest"], "n/a" if h["missed"] is None else h["missed"]]
                            for h in s["by_hour"]])
    else:
        lines.append("No calls.")
    return "\n".join(lines) + "\n"


# -- HTML --------------------------------------------------------------------------------------
def _h(value: Any) -> str:
    return escape(one_line(str(value)), quote=True)


CSS = """
:root { color-scheme: light; --ink: #1b1f24; --dim: #57606a; --in: #1f5fa8; --out: #9ab8dc; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 12px; max-width: 880px; background: #fff; }
h1 { font-size: 1.35em; margin: .2em 0; } h2 { font-size: 1.1em; margin: 1.2em 0 .4em; border-bottom: 1px solid var(--line); }
p.as-of { color: var(--dim); margin: 0 0 .8em; }
dl.summary { display: grid; grid-template-columns: minmax(10em, max-content) 1fr; gap: 2px 12px; margin: 0; }
dl.summary dt { color: var(--dim); } dl.summary dd { margin: 0; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th.n { text-align: right; } td.n { text-align: right; white-space: nowrap; }
svg { width: 100%; max-width: 640px; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
td.p { white-space: nowrap; }
.legend { color: var(--dim); font-size: .85em; }
.key-in { color: var(--in); } .key-out { color: #5b86bd; }
@media (max-width: 520px) { body { font-size: 14px; padding: 8px; } th, td { padding: 2px 4px; }
                            dl.summary { grid-template-columns: 1fr; } dl.summary dd { margin-bottom: 4px; } }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; } section { break-inside: avoid; }
               .scroll { overflow: visible; } svg { max-width: 120mm; } h2 { margin-top: .8em; } }
"""


def _hour_span(r: dict[str, Any]) -> range:
    """The hours the charts show: from the first to the last hour with any call (09-17 when
    there is none), so the bars are wide enough to read on a phone."""
    busy = [h["hour"] for h in r["calls"]["by_hour"] if h["in"] or h["out"] or h.get("missed")]
    return range(min(busy), max(busy) + 1) if busy else range(9, 18)


def _bar_chart(r: dict[str, Any], prefix: str = "") -> str:
    span_ = _hour_span(r)
    hours = [r["calls"]["by_hour"][h] for h in span_]
    top = max([h["in"] + h["out"] for h in hours] + [1])
    w, h0, left, bottom = 400, 180, 24, 20
    bar = (w - left - 4) / len(hours)
    plot = h0 - bottom - 16
    every = 1 if len(hours) <= 12 else 2 if len(hours) <= 18 else 3
    parts = [f'<svg viewBox="0 0 {w} {h0}" role="img" aria-labelledby="{prefix}bars-t"><title id="{prefix}bars-t">'
             f'Calls by hour of day, in and out</title>']
    for tick in sorted({0, top // 2, top}):
        y = h0 - bottom - plot * tick / top
        parts.append(f'<line x1="{left}" x2="{w - 2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de" stroke-width=".5"/>'
                     f'<text x="{left - 3}" y="{y + 3:.1f}" text-anchor="end">{tick}</text>')
    for i, item in enumerate(hours):
        x = left + i * bar + 1
        total = item["in"] + item["out"]
        hin = plot * item["in"] / top
        hout = plot * item["out"] / top
        y_in = h0 - bottom - hin
        parts.append(f'<rect x="{x:.1f}" y="{y_in:.1f}" width="{bar - 2:.1f}" height="{hin:.1f}" fill="#1f5fa8">'
                     f'<title>{item["hour"]:02d}:00 in {item["in"]}</title></rect>')
        if hout:
            parts.append(f'<rect x="{x:.1f}" y="{y_in - hout:.1f}" width="{bar - 2:.1f}" height="{hout:.1f}" '
                         f'fill="#9ab8dc"><title>{item["hour"]:02d}:00 out {item["out"]}</title></rect>')
        if total:
            parts.append(f'<text x="{x + (bar - 2) / 2:.1f}" y="{y_in - hout - 3:.1f}" text-anchor="middle">'
                         f'{total}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + (bar - 2) / 2:.1f}" y="{h0 - 6}" text-anchor="middle">'
                         f'{item["hour"]:02d}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _heat_map(r: dict[str, Any], prefix: str = "") -> str:
    span_ = _hour_span(r)
    heat = r["calls"]["heat"]
    top = max([max(row) for row in heat] + [1])
    left, head = 30, 14
    cell = min(28.0, (400 - left - 2) / len(span_))
    w, h0 = left + len(span_) * cell + 2, head + 7 * cell + 4
    every = 1 if len(span_) <= 12 else 2 if len(span_) <= 18 else 3
    parts = [f'<svg viewBox="0 0 {w:.0f} {h0:.0f}" role="img" aria-labelledby="{prefix}heat-t"><title '
             f'id="{prefix}heat-t">Calls by day and hour (darker: more)</title>']
    for i, hour in enumerate(span_):
        if i % every == 0:
            parts.append(f'<text x="{left + i * cell + cell / 2:.1f}" y="10" text-anchor="middle">{hour:02d}</text>')
    for d, row in enumerate(heat):
        y = head + d * cell
        parts.append(f'<text x="0" y="{y + cell * .62:.1f}">{r["calls"]["by_day"][d]["name"]}</text>')
        for i, hour in enumerate(span_):
            value = row[hour]
            share = value / top
            # From white to the "in" blue; the count is written in the cell so the map reads in grey too.
            red, green, blue = (round(255 - (255 - c) * share) for c in (31, 95, 168))
            fill = f"#{red:02x}{green:02x}{blue:02x}"
            x = left + i * cell
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 1:.1f}" height="{cell - 1:.1f}" fill="{fill}" '
                         f'stroke="#e6e9ed" stroke-width=".5"><title>{r["calls"]["by_day"][d]["name"]} '
                         f'{hour:02d}:00: {value}</title></rect>')
            if value:
                ink = "#fff" if share > .55 else "#1b1f24"
                parts.append(f'<text x="{x + (cell - 1) / 2:.1f}" y="{y + cell * .62:.1f}" text-anchor="middle" '
                             f'style="fill:{ink}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _trend(r: dict[str, Any], prefix: str = "") -> str:
    trend = r["promises"]["trend"]
    w, h0, left, right, top_pad, bottom = 400, 140, 34, 30, 16, 24
    plot_w, plot_h = w - left - right, h0 - top_pad - bottom
    step = plot_w / max(1, len(trend) - 1)
    parts = [f'<svg viewBox="0 0 {w} {h0}" role="img" aria-labelledby="{prefix}trend-t"><title id="{prefix}trend-t">'
             f'Callbacks kept on time, share of those returned, week by week</title>']
    for pct in (0, 50, 100):
        y = top_pad + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de" '
                     f'stroke-width=".5"/><text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{pct}%</text>')
    points = []
    for i, t in enumerate(trend):
        x = left + i * step
        label = "this week" if i == len(trend) - 1 else datetime.fromisoformat(t["week"]).strftime("%d %b")
        parts.append(f'<text x="{x:.1f}" y="{h0 - 10}" text-anchor="middle">{label}</text>')
        if t["kept_rate"] is None:
            parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h / 2:.1f}" text-anchor="middle">n/a</text>')
            continue
        y = top_pad + plot_h * (1 - t["kept_rate"])
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f5fa8"/>'
                     f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle">{_pct(t["kept_rate"])}</text>')
    if len(points) > 1:
        parts.insert(1, f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f5fa8" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(headers: tuple[str, ...], numeric: str, rows: list[list[Any]]) -> str:
    kind = {"r": " class=n", "p": " class=p"}
    head = "".join(f'<th{kind.get(numeric[i], "")}>{_h(x)}</th>' for i, x in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{kind.get(numeric[i], "")}>{_h(x)}</td>'
                                    for i, x in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _page(title: str, body: list[str]) -> str:
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>{_h(title)}</title><style>{CSS}</style></head><body>", *body, "</body></html>\n"]
    return "\n".join(out)


def html(r: dict[str, Any]) -> str:
    return _page(_title(r), _html_body(r))


def _html_body(r: dict[str, Any], prefix: str = "") -> list[str]:
    """One week's headline, sections and charts; `prefix` keeps element ids unique when several
    weeks share a page."""
    phone = r["phone_events"]
    extra = ("Answered", "Missed") if phone else ()

    def section(name: str) -> str:
        return f"<section id={prefix}{name}>"

    out = [f"<h1>{_h(_title(r))}</h1>",
           f'<p class="as-of">As of {_h(r["generated_at"][:16].replace("T", " "))} ({_h(r["timezone"])}); compared '
           f'with the four weeks before.</p>',
           section("summary") + '<h2>Summary</h2><dl class="summary">']
    out += [f"<dt>{_h(label)}</dt><dd>{_h(value)}</dd>" for label, value in summary_lines(r)]
    out.append("</dl></section>")
    if r.get("notes"):
        out.append(section("notes") + "<h2>Notes</h2><ul>" + "".join(f"<li>{_h(note)}</li>" for note in r["notes"])
                   + "</ul></section>")
    out.append(section("hours") + '<h2>Calls by hour</h2><p class="legend"><span class="key-in">■ in</span> '
               '<span class="key-out">■ out</span> (number above each bar: calls that hour)</p>'
               + _bar_chart(r, prefix) + "</section>")
    out.append(section("heat") + "<h2>Calls by day and hour</h2>" + _heat_map(r, prefix) + "</section>")
    out.append(section("days") + "<h2>Calls by day</h2>" + _html_table(
        ("Day", "In", "Out", *extra), "p" + "r" * (2 + len(extra)),
        [[_day(d["day"]), d["in"], d["out"], *([d["answered"], d["missed"]] if phone else [])]
         for d in r["calls"]["by_day"]]) + "</section>")
    out.append(section("promises") + "<h2>Promises kept on time</h2>" + _trend(r, prefix) + _html_table(
        ("Week of", "Promised", "Kept", "Late", "Open", "Kept rate", "Median min"), "prrrrrr",
        [[t["week"], t["made"], t["kept"], t["late"], t["open"], _pct(t["kept_rate"]),
          _num(t["median_minutes_to_callback"])] for t in r["promises"]["trend"]]) + "</section>")
    k = r["complaints"]
    office = _office_column(k["open"])
    body = (_html_table(("Opened", "Age", "Caller", "Phone", "Topic", *office), "lllpl" + "l" * len(office),
                        [[_when(o["opened_at"]), _age(o["age_minutes"]), o["caller"], o["phone_national"] or o["phone"],
                          o["topic"], *([o["office"]] if office else [])] for o in k["open"]])
            if k["open"] else "<p>None.</p>")
    if k["open_now"] > len(k["open"]):
        body += f"<p>…and {k['open_now'] - len(k['open'])} more.</p>"
    out.append(section("complaints") + "<h2>Complaints still open</h2>" + body + "</section>")
    t = r["topics"]
    out.append(section("topics") + "<h2>Top topics</h2>" + (_html_table(
        ("Topic", "Calls", "Weekly before", "Change"), "lrrr",
        [[x["topic"], x["calls"], _num(x["previous_average"]), _signed(x["change"])] for x in t["top"]])
        if t["top"] else "<p>No topics recorded.</p>") + "<h2>New topics this week</h2>" + (
        "<ul>" + "".join(f"<li>{_h(x['topic'])}: {x['calls']}</li>" for x in t["new"]) + "</ul>"
        if t["new"] else "<p>None.</p>") + "</section>")
    rep = r["repeat_callers"]
    office = _office_column(rep["callers"])
    out.append(section("repeat") + "<h2>Repeat callers (3 or more calls this week)</h2>" + (_html_table(
        ("Caller", "Phone", "Calls", *office), "lpr" + "l" * len(office),
        [[c["caller"], c["phone_national"] or c["phone"] or "withheld", c["calls"], *([c["office"]] if office else [])]
         for c in rep["callers"]])
        if rep["callers"] else "<p>None.</p>") + "</section>")
    s = r["staffing"]
    out.append(section("staffing") + f"<h2>Staffing by hour</h2><p>People needed to answer {s['target_percent']}% "
               f"of calls within {s['target_seconds']} s (Erlang C; handle time {_h(_num(s['handle_seconds'] / 60))} "
               f"min from the {_h(s['handle_from'])}; calls on an average of the week's {s['open_days']} open days, "
               f"and at the peak: the busiest day).</p>" + (_html_table(
                   ("Hour", "Calls avg", "People", "Calls peak", "People peak", "Missed"), "prrrrr",
                   [[f"{h['hour']:02d}:00", _num(h["calls_average"]), h["people"], h["calls_busiest"],
                     h["people_busiest"], "n/a" if h["missed"] is None else h["missed"]] for h in s["by_hour"]])
                   if s["by_hour"] else "<p>No calls.</p>") + "</section>")
    return out


def _labelled(office: str, r: dict[str, Any]) -> dict[str, Any]:
    """An office's week with its name before the desk's in the title."""
    return {**r, "desk_name": f"{office}: {r['desk_name']}"}


def markdown_offices(combined: dict[str, Any], offices: list[tuple[str, dict[str, Any]]]) -> str:
    """The week across offices: the combined week first, then each office's, each titled with
    the office's name."""
    return "\n".join([markdown(combined), *(markdown(_labelled(name, r)) for name, r in offices)])


def html_offices(combined: dict[str, Any], offices: list[tuple[str, dict[str, Any]]]) -> str:
    """One self-contained page: the combined week, then each office's in its own article."""
    body = ["<article id=combined>", *_html_body(combined, "combined-"), "</article>"]
    for i, (name, r) in enumerate(offices, 1):
        body += [f"<article id=office-{i}>", *_html_body(_labelled(name, r), f"office-{i}-"), "</article>"]
    return _page(_title(combined), body)


def json_offices(combined: dict[str, Any], offices: list[tuple[str, dict[str, Any]]]) -> str:
    return json.dumps({"combined": combined, "offices": [{"office": name, **r} for name, r in offices]},
                      indent=2, ensure_ascii=False) + "\n"


RENDER_OFFICES = {"md": markdown_offices, "html": html_offices, "json": json_offices}


def as_json(r: dict[str, Any]) -> str:
    return json.dumps(r, indent=2, ensure_ascii=False) + "\n"


RENDER = {"md": markdown, "html": html, "json": as_json}


def write_week(desk, report: dict[str, Any], fmt: str, output: Path | None, *, force: bool = False,
               follow_symlinks: bool = False) -> None:
    """Write the week as `fmt` to `output` (None: standard output), with the export's file
    safety (a temporary file renamed over the target; never the database, a link or an
    existing file unless asked)."""
    if fmt not in RENDER:
        raise DeskError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    text = RENDER[fmt](report)

    def write(out: TextIO) -> int:
        out.write(text)
        return 1

    if output is None:
        _to_stdout(write)
    else:
        _to_file(Path(output), write, desk.store.path, force=force, follow_symlinks=follow_symlinks)
