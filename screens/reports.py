"""The day's report: how the desk kept its promises, day by day, and an export of the shown day."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import platformdirs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.formatting import short_when
from frontdesk.report import Summary, day_summary
from widgets.key_bar import KeyBar
from widgets.safe import plain

from .base import BACK, DeskScreenBase, db_work
from .messages import ReportLoaded
from .modals import Prompt

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
        Binding("e", "export", "Export day", id="export"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #report { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.day: date = self.desk.today()
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        with ReportView(id="report"):
            yield Static("", id="report-text")
        yield KeyBar()

    @db_work("report")
    def reload(self) -> None:
        self.post_message(ReportLoaded(day_summary(self.desk, self.day)))

    @on(ReportLoaded)
    def _loaded(self, message: ReportLoaded) -> None:
        self._show(message.summary)

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
        self.day += timedelta(days=step)
        self.reload()

    def action_today(self) -> None:
        self.day = self.desk.today()
        self.reload()

    def action_export(self) -> None:
        documents = platformdirs.user_documents_path()
        folder = documents if documents.is_dir() else Path.home()
        suggestion = folder / f"frontdesk-calls-{self.day.isoformat()}.csv"

        def check(value: str) -> str:
            path = Path(value).expanduser()
            if path.suffix.lower() not in (".csv", ".json", ".md"):
                return "end the name with .csv, .json or .md"
            # Nothing is replaced from here: not yesterday's export, not a link, not a device
            # (export_calls refuses them too, should one appear before the file is written).
            if os.path.lexists(path):
                return f"{path.name} already exists; choose another name"
            if not path.parent.is_dir():
                return f"no such folder: {path.parent}"
            return ""

        self.app.push_screen(Prompt("Export this day's calls to (.csv, .json or .md):",
                                    value=str(suggestion), check=check), self._export)

    def _export(self, value: str | None) -> None:
        if not value:
            return
        from frontdesk.export import export_calls

        path = Path(value).expanduser()
        fmt = path.suffix.lower().lstrip(".")
        day = self.day
        self.run_service(lambda: export_calls(self.desk, day, day, fmt, path),
                         done=lambda rows: self.notify(Text(f"Exported {rows} calls to {path}"), timeout=10))

