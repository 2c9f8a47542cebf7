"""RowTable: FrontDesk's own list widget. Rows of cells under a header, a row cursor, and only
the lines on screen drawn.

It is not Textual's DataTable and does not pretend to be: there is one kind of cursor (a row),
rows are keyed by a string the screen chooses (a call's or a callback's id), and columns have a
width and a share of any room the terminal has beyond them. What users rely on in a list is
kept: the cursor keys, Enter or a click on the highlighted row to open it, a hover highlight,
and a tooltip with the whole text of a cell that was cut to fit. Drawn rows are cached, at most
CACHE_ROWS of them (docs/performance.md says why a cache at all)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1  # a space either side of each cell
CACHE_ROWS = 512  # drawn rows kept; a screen shows at most a few dozen at a time


class RowKey(NamedTuple):
    value: str

    def __str__(self) -> str:
        return self.value


class Column(NamedTuple):
    key: str
    label: str
    width: int  # the width at 80 columns
    grow: int  # its share of the room beyond the widths (0: fixed)


class RowMessage(Message):
    """Something happened to a row of a RowTable: which table, which row, its key."""

    def __init__(self, table: RowTable, cursor_row: int, row_key: RowKey) -> None:
        super().__init__()
        self.table = table
        self.cursor_row = cursor_row
        self.row_key = row_key

    @property
    def control(self) -> RowTable:
        return self.table

    @property
    def key(self) -> str:
        return self.row_key.value


def _fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "\u2026"


class RowTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .row-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .row-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .row-table--hover {
            background: $block-hover-background;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-table--header", "row-table--cursor", "row-table--hover"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
    ]

    class RowHighlighted(RowMessage):
        """The cursor moved onto a row."""

    class Chosen(RowMessage):
        """Enter, or a click on the highlighted row, opened a row. Subclasses name it for what
        their rows are (CallTable.Chosen has a call_id)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: dict[str, Column] = {}
        self.widths: dict[str, int] = {}  # as drawn now: the width, plus a share of spare room
        self.rows: dict[RowKey, list[Text]] = {}
        self._order: list[RowKey] = []
        self._index: dict[str, int] = {}
        self._drawn: LRUCache[RowKey, Strip] = LRUCache(CACHE_ROWS)
        self._header: Strip | None = None
        self.cursor_row = 0
        self.hover_row: int | None = None

    # -- building ---------------------------------------------------------------------------
    def add_column(self, label: str, *, key: str | None = None, width: int = 10, grow: int = 0) -> str:
        key = key or label
        self.columns[key] = Column(key, label, width, grow)
        self._layout_columns()
        return key

    def add_row(self, *cells: Text | str, key: str | None = None) -> RowKey:
        row_key = self._add(cells, key)
        self._added(len(self._order) == 1)
        return row_key

    def add_rows(self, rows: Iterable[tuple[Sequence[Text | str], str | None]]) -> None:
        """Many (cells, key) rows at once: one resize and one repaint for the lot."""
        empty = not self._order
        for cells, key in rows:
            self._add(cells, key)
        self._added(empty and bool(self._order))

    def _add(self, cells: Sequence[Text | str], key: str | None) -> RowKey:
        row_key = RowKey(key if key is not None else str(len(self._order)))
        if row_key.value in self._index:
            raise ValueError(f"row key {row_key.value!r} is already in the table")
        self.rows[row_key] = [cell if isinstance(cell, Text) else Text(str(cell)) for cell in cells]
        self._index[row_key.value] = len(self._order)
        self._order.append(row_key)
        return row_key

    def _added(self, first: bool) -> None:
        self._resized()
        if first:
            self._highlight(0)

    def clear(self) -> RowTable:
        self.rows.clear()
        self._order.clear()
        self._index.clear()
        self._drawn.clear()
        self.cursor_row = 0
        self.hover_row = None
        self.scroll_to(y=0, animate=False, immediate=True)
        self._resized()
        return self

    def update_cell(self, row_key: str, column_key: str, value: Text | str) -> None:
        key = RowKey(row_key)
        column = list(self.columns).index(column_key)
        self.rows[key][column] = value if isinstance(value, Text) else Text(str(value))
        self._drawn.discard(key)
        self.refresh_row(self._index[key.value])

    # -- reading ----------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._order)

    def get_row(self, row_key: str | RowKey) -> list[Text]:
        return list(self.rows[row_key if isinstance(row_key, RowKey) else RowKey(row_key)])

    def get_row_index(self, row_key: str) -> int:
        return self._index[row_key]

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor (what Enter opens), None when there are no rows."""
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)].value

    @property
    def selected_id(self) -> int | None:
        """The selected key as a number: FrontDesk's lists are keyed by record ids."""
        key = self.selected_key
        return int(key) if key is not None and key.isdigit() else None

    # -- cursor -----------------------------------------------------------------------------
    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        if self._order:
            self._highlight(max(0, min(row, len(self._order) - 1)), scroll=scroll)

    def _highlight(self, row: int, scroll: bool = True) -> None:
        old = self.cursor_row
        self.cursor_row = row
        if old != row:
            self.refresh_row(old)
        self.refresh_row(row)
        if scroll:
            self._scroll_to_row(row)
        if self._order:
            self.post_message(self.RowHighlighted(self, row, self._order[row]))

    def _scroll_to_row(self, row: int) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)  # less the header line
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        if self._order and self.cursor_row > 0:
            self._highlight(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        if self._order and self.cursor_row < len(self._order) - 1:
            self._highlight(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + max(self.scrollable_content_region.height - 1, 1))

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    def action_select_cursor(self) -> None:
        if self._order:
            self.post_message(self.Chosen(self, self.cursor_row, self._order[self.cursor_row]))

    # -- mouse ------------------------------------------------------------------------------
    def _row_at(self, y: int) -> int | None:
        row = int(self.scroll_offset.y) + y - 1
        return row if y >= 1 and 0 <= row < len(self._order) else None

    def _on_click(self, event: events.Click) -> None:
        row = self._row_at(event.y)
        if row is None:
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self._highlight(row, scroll=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = self._row_at(event.y)
        if row != self.hover_row:
            old, self.hover_row = self.hover_row, row
            for changed in (old, row):
                if changed is not None:
                    self.refresh_row(changed)
        self.tooltip = self._cut_text_at(row, event.x + int(self.scroll_offset.x))

    def on_leave(self, _event: events.Leave) -> None:
        if self.hover_row is not None:
            old, self.hover_row = self.hover_row, None
            self.refresh_row(old)
        self.tooltip = None

    def _cut_text_at(self, row: int | None, x: int) -> str | None:
        """The whole text of the cell at x on `row` when it was cut to fit, else None."""
        if row is None:
            return None
        left = 0
        for index, key in enumerate(self.columns):
            right = left + self.widths[key] + 2 * CELL_PADDING
            if left <= x < right:
                cells = self.rows[self._order[row]]
                if index < len(cells) and cell_len(cells[index].plain) > self.widths[key]:
                    return cells[index].plain
                return None
            left = right
        return None

    # -- focus ------------------------------------------------------------------------------
    def on_focus(self) -> None:
        self._drawn_cursor_changed()

    def on_blur(self) -> None:
        self._drawn_cursor_changed()

    def _drawn_cursor_changed(self) -> None:
        if self._order:
            self.refresh_row(self.cursor_row)

    # -- drawing ----------------------------------------------------------------------------
    def on_resize(self, _event: events.Resize) -> None:
        self._layout_columns()

    def _layout_columns(self) -> None:
        """Each column's width now: its own, plus a share of the room the table has beyond the
        sum of them (a 160-column terminal shows names and topics whole)."""
        base = sum(c.width + 2 * CELL_PADDING for c in self.columns.values())
        spare = max(0, self.scrollable_content_region.width - base) if self.size.width else 0
        shares = sum(c.grow for c in self.columns.values())
        widths, given = {}, 0
        for column in self.columns.values():
            extra = spare * column.grow // shares if shares else 0
            widths[column.key] = column.width + extra
            given += extra
        if shares and given < spare:  # the remainder of the division goes to the first grower
            first = [c.key for c in self.columns.values() if c.grow][0]
            widths[first] += spare - given
        if widths != self.widths:  # a resize that changes no width repaints nothing
            self.widths = widths
            self._drawn.clear()
            self._header = None
            self._resized()

    def _resized(self) -> None:
        width = sum(w + 2 * CELL_PADDING for w in self.widths.values())
        self.virtual_size = Size(width, len(self._order) + 1)
        self.refresh()

    def refresh_row(self, row: int) -> None:
        """Repaint the line showing `row`. Lines are in content coordinates (the header is line
        0): ScrollView.refresh_lines itself takes the scroll offset off, so it is not taken off
        here a second time (that drew the cursor on the wrong line after scrolling)."""
        self.refresh_lines(row + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()
        self._header = None

    def _strip(self, cells: list[Text], base: Style) -> Strip:
        """One row as segments: each cell cut (with an ellipsis) or padded to its column's width.
        A cell of one style (nearly all of them) is placed directly; one with styled parts is
        laid out by Rich."""
        pad = Segment(" " * CELL_PADDING, base)
        segments: list[Segment] = []
        for column, cell in zip(self.columns.values(), cells, strict=False):
            width = self.widths[column.key]
            segments.append(pad)
            if cell.spans:
                shown = cell.copy()
                shown.no_wrap = True
                shown.truncate(width, overflow="ellipsis", pad=True)
                segments.extend(Segment.apply_style(shown.render(self.app.console), base))
            else:
                style = base + Style.parse(cell.style) if isinstance(cell.style, str) and cell.style else (
                    base + cell.style if isinstance(cell.style, Style) else base)
                segments.append(Segment(_fit(cell.plain, width), style))
            segments.append(pad)
        return Strip(segments, sum(w + 2 * CELL_PADDING for w in self.widths.values()))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = (int(v) for v in self.scroll_offset)
        base = self.rich_style
        if y == 0:
            if self._header is None:
                header = [Text(c.label) for c in self.columns.values()]
                self._header = self._strip(header, base + self.get_component_rich_style("row-table--header"))
            return self._header.crop_extend(scroll_x, scroll_x + width, base)
        row = scroll_y + y - 1
        if not 0 <= row < len(self._order):
            return Strip.blank(width, base)
        key = self._order[row]
        strip = self._drawn.get(key)
        if strip is None:
            strip = self._strip(self.rows[key], base)
            self._drawn.set(key, strip)
        over = ("row-table--cursor" if row == self.cursor_row else
                "row-table--hover" if row == self.hover_row else None)
        if over is not None:  # the cursor's (or hover's) colours over the row's own
            style = self.get_component_rich_style(over)
            strip = Strip(Segment.apply_style(list(strip), post_style=style), strip.cell_length)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
