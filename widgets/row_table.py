"""A light table of rows with a row cursor: what FrontDesk's lists need of Textual's DataTable,
and no more.

DataTable measures and renders every row it holds, keeps per-cell state and carries a large
stylesheet; mounting one and drawing its first page cost ~25 ms on each start of the desk and
on each customer page. Here rows are a list of cells with fixed column widths, and only the
lines on screen are drawn (each drawn row is kept until it changes). The API follows the part
of DataTable the screens use, so the code reads the same: add_column, add_row, clear, rows,
row_count, get_row, get_row_index, move_cursor, cursor_row, cursor_coordinate,
coordinate_to_cell_key, update_cell, and the RowHighlighted and RowSelected messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


# Named tuples, not dataclasses: they are made at import, and a dataclass costs ~0.5 ms of
# every start to build.
class RowKey(NamedTuple):
    value: str | None

    def __str__(self) -> str:
        return str(self.value)


class CellKey(NamedTuple):
    row_key: RowKey
    column_key: str


class Column(NamedTuple):
    key: str
    label: str
    width: int


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


CELL_PADDING = 1  # a space either side of each cell, as DataTable draws them


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
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-table--header", "row-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
    ]

    class RowHighlighted(RowMessage):
        """The cursor moved onto a row."""

    class RowSelected(RowMessage):
        """Enter (or a click on the highlighted row) chose a row."""

    def __init__(self, *, cursor_type: str = "row", zebra_stripes: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cursor_type = cursor_type  # rows only; kept so callers read as they did
        self.columns: dict[str, Column] = {}
        self.rows: dict[RowKey, list[Text]] = {}
        self._order: list[RowKey] = []
        self._index: dict[str, int] = {}
        self._drawn: dict[RowKey, Strip] = {}  # rows drawn once, until they change
        self._header: Strip | None = None
        self.cursor_row = 0

    # -- building ---------------------------------------------------------------------------
    def add_column(self, label: str, *, key: str | None = None, width: int = 10) -> str:
        key = key or label
        self.columns[key] = Column(key, label, width)
        self._header = None
        self._resized()
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
        self._index[str(row_key.value)] = len(self._order)
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
        self.scroll_to(y=0, animate=False, immediate=True)
        self._resized()
        return self

    def update_cell(self, row_key: str | RowKey, column_key: str, value: Text | str) -> None:
        key = row_key if isinstance(row_key, RowKey) else RowKey(row_key)
        column = list(self.columns).index(column_key)
        self.rows[key][column] = value if isinstance(value, Text) else Text(str(value))
        self._drawn.pop(key, None)
        self.refresh_line(self._index[str(key.value)])

    # -- reading ----------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def ordered_rows(self) -> list[RowKey]:
        return list(self._order)

    def get_row(self, row_key: str | RowKey) -> list[Text]:
        key = row_key if isinstance(row_key, RowKey) else RowKey(row_key)
        return list(self.rows[key])

    def get_row_index(self, row_key: str | RowKey) -> int:
        value = row_key.value if isinstance(row_key, RowKey) else row_key
        return self._index[str(value)]

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self.cursor_row, 0)

    def coordinate_to_cell_key(self, coordinate: Coordinate) -> CellKey:
        if not 0 <= coordinate.row < len(self._order):
            raise IndexError(f"no row {coordinate.row}")
        return CellKey(self._order[coordinate.row], list(self.columns)[coordinate.column])

    # -- cursor -----------------------------------------------------------------------------
    def move_cursor(self, *, row: int | None = None, column: int | None = None, animate: bool = False,
                    scroll: bool = True) -> None:
        if row is not None and self._order:
            self._highlight(max(0, min(row, len(self._order) - 1)), scroll=scroll)

    def _highlight(self, row: int, scroll: bool = True) -> None:
        old = self.cursor_row
        self.cursor_row = row
        if old != row:
            self.refresh_line(old)
        self.refresh_line(row)
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
            self.post_message(self.RowSelected(self, self.cursor_row, self._order[self.cursor_row]))

    def _on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._order):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self._highlight(row, scroll=False)

    def on_focus(self) -> None:
        self._drawn_cursor_changed()

    def on_blur(self) -> None:
        self._drawn_cursor_changed()

    def _drawn_cursor_changed(self) -> None:
        if self._order:
            self.refresh_line(self.cursor_row)

    # -- drawing ----------------------------------------------------------------------------
    def _resized(self) -> None:
        width = sum(c.width + 2 * CELL_PADDING for c in self.columns.values())
        self.virtual_size = Size(width, len(self._order) + 1)
        self.refresh()

    def refresh_line(self, row: int) -> None:
        """Repaint the line showing `row`, if it is on screen."""
        y = row - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh_lines(y)

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
            segments.append(pad)
            if cell.spans:
                shown = cell.copy()
                shown.no_wrap = True
                shown.truncate(column.width, overflow="ellipsis", pad=True)
                segments.extend(Segment.apply_style(shown.render(self.app.console), base))
            else:
                style = base + Style.parse(cell.style) if isinstance(cell.style, str) and cell.style else (
                    base + cell.style if isinstance(cell.style, Style) else base)
                segments.append(Segment(_fit(cell.plain, column.width), style))
            segments.append(pad)
        width = sum(c.width + 2 * CELL_PADDING for c in self.columns.values())
        return Strip(segments, width)

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
            strip = self._drawn[key] = self._strip(self.rows[key], base)
        if row == self.cursor_row:  # the cursor's colours over the row's own
            cursor = self.get_component_rich_style("row-table--cursor")
            strip = Strip(Segment.apply_style(list(strip), post_style=cursor), strip.cell_length)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
