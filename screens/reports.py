"""The reports: the day's (how the desk kept its promises, day by day, and an export of the shown
day) and, with w, the owner's week (screens/reports_week.py draws it; e saves it as a file)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import platformdirs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Sparkline, Static

from frontdesk.formatting import short_when
from frontdesk.report import Summary, day_summary
from widgets.key_bar import KeyBar
from widgets.safe import plain

from .base import BACK, DeskScreenBase, db_work
from .messages import ReportLoaded
from .modals import Prompt
from .reports_week import hours_shown, week_text

DAYS = Binding.Group("Day")


class ReportView(VerticalScroll, inherit_bindings=False):
    """The report, scrolled up and down. Left, right and Home are the screen's (the day): a
    scroll view's own would take them first, and the key bar would show "," and "." for the
    day in place of the arrows."""

    BINDINGS = [Binding(key, action, description, show=False) for key, action, description in (
        ("up", "scroll_up", "Scroll up"), ("down", "scroll_down", "Scroll down"),
        ("end", "scroll_end", "Scroll to the end"), ("pageup", "page_up", "Page up"),
        ("pagedown", "page_down", "Page down"))]


class ReportsScreen(DeskScreenBase):
    TITLE_TEXT = "reports"
    BINDINGS = [
        BACK,
        Binding("left,comma", "day(-1)", "Previous day", id="previous_day", group=DAYS),
        Binding("right,full_stop", "day(1)", "Next day", id="next_day", group=DAYS),
        Binding("home", "today", "Today", id="today", show=False),
        Binding("w", "toggle_week", "Day/week", id="toggle_week"),
        Binding("e", "export", "Export", id="export"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #report { padding: 0 1; }
    ReportsScreen #week-spark-row { height: 2; display: none; }
    ReportsScreen.-week #week-spark-row { display: block; }
    ReportsScreen #week-spark-label { height: 1; color: $text-muted; }
    ReportsScreen #week-spark { height: 1; width: 72; max-width: 100%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.day: date = self.desk.today()
        self.summary: Summary | None = None
        self.week = False  # the week holding self.day, instead of the day
        self.week_figures: dict | None = None

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        with ReportView(id="report"):
            with Vertical(id="week-spark-row"):
                yield Static("", id="week-spark-label")
                yield Sparkline([], id="week-spark")
            yield Static("", id="report-text")
        yield KeyBar()

    @db_work("report")
    def reload(self) -> None:
        if self.week:
            from frontdesk.week import week_report

            self.post_message(ReportLoaded(week_report(self.desk, self.day)))
        else:
            self.post_message(ReportLoaded(day_summary(self.desk, self.day)))

    @on(ReportLoaded)
    def _loaded(self, message: ReportLoaded) -> None:
        if isinstance(message.summary, dict):
            if self.week:
                self._show_week(message.summary)
        elif not self.week:
            self._show(message.summary)

    def _show_week(self, figures: dict) -> None:
        self.week_figures = figures
        hours = hours_shown(figures)
        spark = self.query_one("#week-spark", Sparkline)
        spark.data = [h["in"] + h["out"] for h in hours] or [0]
        spark.styles.width = min(72, max(8, 3 * len(hours)))
        label = (f"calls by hour, {hours[0]['hour']:02d}:00 to {hours[-1]['hour']:02d}:59 "
                 f"(peak {max(h['in'] + h['out'] for h in hours)})" if hours else "no calls this week")
        self.query_one("#week-spark-label", Static).update(Text(label))
        width = self.query_one("#report", ReportView).size.width or self.app.size.width
        self.query_one("#report-text", Static).update(week_text(figures, width - 2))

    def action_toggle_week(self) -> None:
        self.week = not self.week
        self.set_class(self.week, "-week")
        self.query_one("#report-text", Static).update(Text("reading...", style="dim"))
        self.reload()

    def _show(self, s: Summary) -> None:
        self.summary = s
        now, zone = self.desk.clock.now(), self.desk.zone
        t = Text()
        t.append(f"{s.first_day:%A %d %B %Y}", style="bold")
        t.append(f"   ({s.timezone}, as of {short_when(now, zone, now)})\n\n", style="dim")
        t.append(f"Calls       {s.calls:>5}   in {s.calls_in}, out {s.calls_out}\n")
        t.append(f"Callers     {s.distinct_callers:>5}   new customers {s.new_customers}\n")
        t.append(f"Promised    {s.promised:>5}   callbacks promised on this day\n")
        share = f"{s.kept_share:.0%}" if s.kept_share is not None else "-"
        t.append(f"Kept        {s.kept:>5}   on time ({share} of those returned)\n")
        t.append(f"Late        {s.late:>5}\n")
        t.append(f"Cancelled   {s.cancelled:>5}\n")
        t.append(f"Still open  {s.still_open:>5}   of which OVERDUE {s.overdue}\n",
                 style="bold" if s.overdue else "")
        median = "-" if s.median_minutes_to_callback is None else f"{s.median_minutes_to_callback:.0f} min"
        t.append(f"Median time to callback: {median}\n")
        if s.operators:
            t.append("\nOperator      in  out  promised kept late open overdue\n", style="bold")
            t.append("(calls and promised: calls they took; the rest: callbacks assigned to them)\n",
                     style="dim")
            for o in s.operators:
                t.append_text(plain(o.operator, 12))
                t.append(" " * max(1, 12 - len(o.operator[:12])))
                t.append(f"{o.calls_in:>4} {o.calls_out:>4} {o.promised:>9} {o.kept:>4} {o.late:>4}"
                         f" {o.still_open:>4} {o.overdue:>7}\n")
        # What still needs doing before what was talked about: on 80x24 it is above the fold.
        if s.overdue_promises:
            t.append("\nOverdue promises\n", style="bold")
            for p in s.overdue_promises:
                t.append(f" !! due {short_when(p.due_at, zone, now)}  ")
                t.append_text(plain(p.caller, 24))
                t.append(f"  {p.phone_national}  [")
                t.append_text(plain(p.assignee, 10))
                t.append("]\n")
        if s.top_topics:
            t.append("\nTop topics\n", style="bold")
            for topic, count in s.top_topics:
                t.append(f"{count:>5}  ")
                t.append_text(plain(topic or "(none)", 60))
                t.append("\n")
        self.query_one("#report-text", Static).update(t)

    def action_day(self, step: int) -> None:
        self.day += timedelta(days=7 * step if self.week else step)
        self.reload()

    def action_today(self) -> None:
        self.day = self.desk.today()
        self.reload()

    def action_export(self) -> None:
        documents = platformdirs.user_documents_path()
        folder = documents if documents.is_dir() else Path.home()
        if self.week:
            year, week, _ = self.day.isocalendar()
            suggestion = folder / f"frontdesk-week-{year}-W{week:02d}.html"
            suffixes = (".html", ".md", ".json")
        else:
            suggestion = folder / f"frontdesk-calls-{self.day.isoformat()}.csv"
            suffixes = (".csv", ".json", ".md")

        def check(value: str) -> str:
            path = Path(value).expanduser()
            if path.suffix.lower() not in suffixes:
                return f"end the name with {', '.join(suffixes[:-1])} or {suffixes[-1]}"
            # Nothing is replaced from here: not yesterday's export, not a link, not a device
            # (export_calls refuses them too, should one appear before the file is written).
            if os.path.lexists(path):
                return f"{path.name} already exists; choose another name"
            if not path.parent.is_dir():
                return f"no such folder: {path.parent}"
            return ""

        question = ("Save this week's report to (.html, .md or .json):" if self.week
                    else "Export this day's calls to (.csv, .json or .md):")
        self.app.push_screen(Prompt(question, value=str(suggestion), check=check), self._export)

    def _export(self, value: str | None) -> None:
        if not value:
            return
        from frontdesk.export import export_calls

        path = Path(value).expanduser()
        fmt = path.suffix.lower().lstrip(".")
        day = self.day
        if self.week:
            from frontdesk.week import week_report
            from frontdesk.week_render import write_week

            self.run_service(lambda: write_week(self.desk, week_report(self.desk, day), fmt, path),
                             done=lambda _: self.notify(Text(f"Saved the week to {path}"), timeout=10),
                             changes=False)
            return
        self.run_service(lambda: export_calls(self.desk, day, day, fmt, path),
                         done=lambda rows: self.notify(Text(f"Exported {rows} calls to {path}"), timeout=10))

