"""The bare minimum that each FrontDesk figure is compared with: Textual apps that do the same
visible work with raw SQL through the sqlite3 module and nothing else.

Run as a script, it is the bare Textual app showing one label (the start-up baseline)."""

from __future__ import annotations

import sqlite3

from textual import work
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, OptionList

READY = "bare textual app ready"

LOOKUP_SQL = """SELECT c.id, c.name, c.company FROM
      (SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT 1000) AS hit
    JOIN customers AS c ON c.id = hit.rowid
    ORDER BY c.last_call_at IS NULL, c.last_call_at DESC, c.name LIMIT 8"""

HISTORY_SQL = """SELECT calls.at, calls.direction, calls.topic, calls.outcome, calls.operator, calls.note
    FROM calls WHERE calls.customer_id = ? ORDER BY calls.at DESC, calls.id DESC LIMIT 200"""


def raw_connection(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def fts_target(text: str) -> str:
    """The FTS5 query the bare lookup runs: digits in the numbers column, else name/company."""
    column = "numbers" if text.isdigit() else "{name company}"
    return f'{column}: "' + text.replace('"', '""') + '"'


class BareLabel(App):
    def compose(self) -> ComposeResult:
        yield Label(READY)


class BareLookup(App):
    """A phone field and a suggestion list filled by one raw FTS query per keystroke."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.conn = raw_connection(path)
        self.shown_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(id="phone")
        yield OptionList(id="matches")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.lookup(event.value)

    @work(thread=True, exclusive=True)
    def lookup(self, text: str) -> None:
        rows = self.conn.execute(LOOKUP_SQL, [fts_target(text)]).fetchall() if len(text) >= 3 else []
        self.call_from_thread(self.show, text, rows)

    def show(self, text: str, rows) -> None:
        options = self.query_one("#matches", OptionList)
        options.clear_options()
        options.add_options([f"{name or company}" for _, name, company in rows])
        self.shown_for = text


class BareHistory(Screen):
    """One customer's 200 newest calls in a DataTable, fetched by one raw query."""

    def __init__(self, conn: sqlite3.Connection, customer_id: int) -> None:
        super().__init__()
        self.conn, self.customer_id = conn, customer_id

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Label("history", id="history-title")
        yield DataTable(id="history")

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns("when", "dir", "topic", "outcome", "by", "note")
        self.load()

    @work(thread=True)
    def load(self) -> None:
        rows = self.conn.execute(HISTORY_SQL, [self.customer_id]).fetchall()
        self.app.call_from_thread(self.show, rows)

    def show(self, rows) -> None:
        self.query_one("#history", DataTable).add_rows(rows)
        self.query_one("#history-title", Label).update(f"history ready: {len(rows)} rows")


class BareCustomerApp(App):
    """A home label; Enter pushes one customer's history (`customer_id`), Esc pops it."""

    BINDINGS = [("enter", "open", "Open")]

    def __init__(self, path: str, customer_id: int | None = None) -> None:
        super().__init__()
        self.conn = raw_connection(path)
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Label("bare home")

    def action_open(self) -> None:
        if self.customer_id is not None and len(self.screen_stack) == 1:
            self.push_screen(BareHistory(self.conn, self.customer_id))


class BareNewest(App):
    """The newest call's topic, read again whenever PRAGMA data_version says another connection
    committed, asked every 50 ms: how soon a bare Textual app can show another process's commit,
    whatever that costs it while idle (live_figures.py's baseline)."""

    SQL = "SELECT topic FROM calls ORDER BY id DESC LIMIT 1"

    def __init__(self, path: str, every: float = 0.05) -> None:
        super().__init__()
        self.conn = raw_connection(path)
        self.every = every
        self.version: int | None = None

    def compose(self) -> ComposeResult:
        yield Label("bare newest: -", id="newest")

    def on_mount(self) -> None:
        self.set_interval(self.every, self.check)

    def check(self) -> None:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self.version:
            self.version = version
            row = self.conn.execute(self.SQL).fetchone()
            self.query_one("#newest", Label).update(f"bare newest: {row[0] if row else '-'}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["customer"]:  # bare.py customer DB CUSTOMER_ID: the open-a-customer baseline
        BareCustomerApp(sys.argv[2], int(sys.argv[3])).run()
    elif sys.argv[1:2] == ["newest"]:  # bare.py newest DB [SQL]: the commit-to-screen baseline
        app = BareNewest(sys.argv[2])
        if sys.argv[3:4]:
            app.SQL = sys.argv[3]
        app.run()
    else:
        BareLabel().run()
