"""Import contacts: a file (the path completes as it is typed), a dry-run preview of what the
import would do (counts and the first problems), then the import itself with a progress bar.
The work is the core's (frontdesk.contacts.importer), run in a worker; new customers show on
this desk at once and on every other desk within the poll (they reload on data_version)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static

from widgets.key_bar import KeyBar
from widgets.tick_box import TickBox

from .base import BACK, DeskScreenBase

SHOWN_PROBLEMS = 8
CONTACT_FILES = (".vcf", ".vcard", ".csv", ".txt")


class PathSuggester(Suggester):
    """Completes a file path from what is on disk: directories first (with a trailing /), then
    contact files, then anything else; `~` is the home directory. Right arrow takes it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    if not value:
        return None
    expanded = os.path.expanduser(value)
    folder, _, start = expanded.rpartition(os.sep)
    folder = folder or ("/" if expanded.startswith(os.sep) else ".")
    try:
        entries = sorted(os.scandir(folder), key=lambda e: (not e.is_dir(), not e.name.lower().endswith(CONTACT_FILES),
                                                            e.name))
    except OSError:
        return None
    for entry in entries:
        if entry.name.startswith(start) and entry.name != start and (start.startswith(".") or not entry.name.startswith(".")):
            return value + entry.name[len(start):] + (os.sep if entry.is_dir() else "")
    return None


@dataclass
class ImportProgress(Message):
    """Sent from the import's worker thread: how far it is."""

    phase: str
    done: int
    total: int | None


class ImportContactsScreen(DeskScreenBase):
    TITLE_TEXT = "import contacts"
    FORM = True
    BINDINGS = [
        Binding("ctrl+r", "preview", "Preview", id="preview"),
        Binding("ctrl+s", "run_import", "Import", id="run_import"),
        BACK,
    ]
    DEFAULT_CSS = """
    ImportContactsScreen #import-path-row { height: 1; }
    ImportContactsScreen #import-path-row > Label { width: 6; padding: 0 1 0 0; text-align: right; }
    ImportContactsScreen #import-path { width: 1fr; height: 1; border: none; padding: 0 1; background: $boost; }
    ImportContactsScreen #import-path:focus { background: $accent 30%; }
    ImportContactsScreen Checkbox { border: none; height: 1; padding: 0 1; background: transparent; }
    ImportContactsScreen ProgressBar { height: 1; padding: 0 1; }
    ImportContactsScreen #import-result { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.previewed: tuple[str, bool] | None = None  # (path, keep) a preview was shown for
        self.running = False

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        with VerticalScroll():
            yield Static(Text("A vCard (.vcf) or CSV file from a phone, Google, Outlook or a spreadsheet. "
                              "Enter shows what the import would do; ctrl+s imports.", style="dim"))
            yield Horizontal(Label("File"), Input(placeholder="~/contacts.vcf  (right arrow completes)",
                                                  id="import-path", suggester=PathSuggester()),
                             id="import-path-row")
            yield TickBox("Also contacts without a phone number", id="import-keep")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static("", id="import-result")
            yield Static("", classes="error", id="import-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    def _choice(self) -> tuple[str, bool]:
        return self.query_one("#import-path", Input).value.strip(), self.query_one("#import-keep", Checkbox).value

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "run_import":
            return self.previewed is not None and self.previewed == self._choice() and not self.running
        if action == "preview":
            return not self.running
        return True

    @on(Input.Changed, "#import-path")
    @on(Checkbox.Changed, "#import-keep")
    def _choice_changed(self) -> None:
        self.refresh_bindings()

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_preview()

    def action_preview(self) -> None:
        self._start(dry_run=True)

    def action_run_import(self) -> None:
        if self.previewed is None or self.previewed != self._choice():
            self._start(dry_run=True)
            return
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        text, keep = self._choice()
        error = self.query_one("#import-error", Static)
        if not text:
            error.update(Text("Type the path of a contact file first."))
            return
        if self.running:
            return
        path = Path(os.path.expanduser(text))
        self.running = True
        self.refresh_bindings()
        error.update("")
        self.query_one("#import-result", Static).update(Text("previewing..." if dry_run else "importing..."))
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

        def job():
            from frontdesk.contacts.importer import import_contacts

            return import_contacts(self.desk, [path], dry_run=dry_run, keep_without_phone=keep,
                                   progress=lambda phase, done, total: self.post_message(
                                       ImportProgress(phase, done, total)))

        self.run_service(job, done=lambda summary: self._finished(summary, (text, keep)),
                         failed=self._failed, changes=not dry_run)

    @on(ImportProgress)
    def _progress(self, message: ImportProgress) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        if message.total:
            bar.update(total=message.total, progress=message.done)

    def _finished(self, summary, choice: tuple[str, bool]) -> None:
        self.running = False
        self.query_one("#import-progress").display = False
        lines = summary.lines()
        problems_at = next((i for i, line in enumerate(lines) if line.strip() == "first problems:"), None)
        if problems_at is not None:  # the first few problems here; all of them in a --report
            after = lines[problems_at + 1:]
            problems = [line for line in after if line.startswith("    ")]
            rest = [line for line in after if not line.startswith("    ")]
            more = len(summary.problems) - SHOWN_PROBLEMS
            lines = lines[:problems_at + 1] + problems[:SHOWN_PROBLEMS] + (
                ["    ...and more: `frontdesk import --dry-run --report FILE` lists every contact"]
                if more > 0 else []) + rest
        text = Text("\n".join(lines))
        if summary.dry_run:
            self.previewed = choice
            text.append("\n\nctrl+s imports these contacts.", style="bold")
        else:
            self.previewed = None
            self.notify(f"Contacts imported: {summary.created:,} new, {summary.updated:,} updated", timeout=5)
        self.query_one("#import-result", Static).update(text)
        self.refresh_bindings()

    def _failed(self, message: str) -> None:
        self.running = False
        self.previewed = None
        self.query_one("#import-progress").display = False
        self.query_one("#import-result", Static).update("")
        self.query_one("#import-error", Static).update(Text(f"Nothing was imported: {message}"))
        self.refresh_bindings()
