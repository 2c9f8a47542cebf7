"""The light table behind every list: keys, clicks, scrolling, and drawing only what is shown."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from widgets.row_table import RowTable


class TableApp(App):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.n = rows
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield RowTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.styles.height = 8  # a header and 7 rows on screen
        table.add_column("when", key="when", width=5)
        table.add_column("who", key="who", width=8)
        for i in range(self.n):
            table.add_row(Text(f"{i:02d}:00"), Text(f"[b]x{i}[/b] caller name"), key=str(100 + i))
        table.focus()

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key.value)

    def on_row_table_chosen(self, event: RowTable.Chosen) -> None:
        self.selected.append(event.row_key.value)


def line(table: RowTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_rows_are_drawn_in_fixed_columns_as_plain_text():
    app = TableApp(3)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        assert line(table, 0).startswith(" when   who      ")
        assert line(table, 1).startswith(" 00:00  [b]x0[/…")  # markup stays text; long cells end in …
        assert table.row_count == 3
        assert [key.value for key in table.rows] == ["100", "101", "102"]
        assert table.get_row_index("102") == 2
        assert str(table.get_row("101")[0]) == "01:00"
        table.add_row(Text("03:00", style="bold"), Text("山田花子さんの会社"), key="wide")
        from rich.cells import cell_len

        drawn = line(table, 4)
        assert drawn.startswith(" 03:00  山田花 … ") and cell_len(drawn) == 40  # wide letters are never split
        assert any(seg.style and seg.style.bold for seg in table.render_line(4))  # a cell's own style


async def test_keys_move_the_cursor_and_scroll_it_into_view():
    app = TableApp(30)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        assert table.cursor_row == 0
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        assert app.highlighted[-1] == "102"
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 29
        assert line(table, 7).startswith(" 29:00")  # the last row is on screen, at the bottom
        assert line(table, 0).startswith(" when")  # the header stays on top
        await pilot.press("pageup")
        assert table.cursor_row == 29 - 7
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0
        assert line(table, 1).startswith(" 00:00")
        await pilot.press("up")  # already at the top: stays
        assert table.cursor_row == 0


async def test_enter_and_a_click_on_the_highlighted_row_select_it():
    app = TableApp(5)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == ["101"]
        await pilot.click(RowTable, offset=(3, 4))  # the fourth row: highlighted, not chosen
        await pilot.pause()
        table = app.query_one(RowTable)
        assert table.cursor_row == 3 and app.selected == ["101"]
        await pilot.click(RowTable, offset=(3, 4))  # again: chosen
        await pilot.pause()
        assert app.selected == ["101", "103"]
        await pilot.click(RowTable, offset=(3, 0))  # the header: nothing
        await pilot.pause()
        assert table.cursor_row == 3 and app.selected == ["101", "103"]


async def test_update_cell_and_clear():
    app = TableApp(3)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        line(table, 2)  # drawn once and kept
        table.update_cell("101", "who", Text("changed"))
        assert "changed" in line(table, 2)
        table.move_cursor(row=2)
        table.clear()
        assert table.row_count == 0 and table.cursor_row == 0
        assert line(table, 1).strip() == ""
        table.add_row(Text("07:00"), Text("again"), key="100")  # keys are free again
        assert table.get_row_index("100") == 0
        table.clear()
        await pilot.pause()  # the messages posted so far arrive
        app.highlighted.clear()
        table.add_rows([([Text("08:00"), Text("a")], "200"), ([Text("09:00"), Text("b")], "201")])
        await pilot.pause()
        assert table.row_count == 2 and table.cursor_row == 0
        assert app.highlighted == ["200"]  # the first row of a filled table is highlighted, once
        assert "09:00" in line(table, 2)


async def test_only_the_lines_on_screen_are_drawn():
    app = TableApp(2000)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        assert table.row_count == 2000
        assert len(table._drawn) <= 8  # the rows on screen, not the 2,000 held


def on_screen(table: RowTable) -> list[str]:
    """The table's lines as the screen holds them (through Textual's cache of drawn lines)."""
    return ["".join(seg.text for seg in strip) for strip in table.render_lines(table.size.region)]


def cursor_lines(table: RowTable) -> list[int]:
    """Which screen lines carry the cursor's style."""
    cursor = table.get_component_rich_style("row-table--cursor")
    return [y for y, strip in enumerate(table.render_lines(table.size.region))
            if any(seg.style and seg.style.bgcolor == cursor.bgcolor for seg in strip if seg.text.strip())]


async def test_after_scrolling_the_highlighted_line_is_the_cursor_row():
    """Down x10 then Up x3 with 7 rows on screen: the line drawn highlighted is the cursor's row,
    and only that one (the cursor used to be drawn on the wrong line, Enter opening another)."""
    app = TableApp(30)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        for keys in (["down"] * 10, ["up"] * 3, ["down"] * 6, ["pagedown", "up", "up"]):
            await pilot.press(*keys)
            await pilot.pause()
            lines = on_screen(table)
            marked = cursor_lines(table)
            assert len(marked) == 1, (keys, marked, lines)
            assert lines[marked[0]].startswith(f" {table.cursor_row:02d}:00"), (keys, lines)
            assert table.selected_key == str(100 + table.cursor_row)


async def test_hover_and_a_tooltip_with_the_whole_of_a_cut_cell():
    app = TableApp(3)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        await pilot.hover(RowTable, offset=(10, 3))  # the "who" cell of the third row, cut
        await pilot.pause()
        assert table.hover_row == 2
        assert table.tooltip == "[b]x2[/b] caller name"
        await pilot.hover(RowTable, offset=(2, 3))  # its time, shown whole: no tooltip
        await pilot.pause()
        assert table.tooltip is None


async def test_columns_take_the_room_a_wide_terminal_has():
    app = TableApp(3)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        table.add_column("note", key="note", width=6, grow=1)
        await pilot.pause()
        assert table.widths["when"] == 5  # fixed
        assert sum(w + 2 for w in table.widths.values()) == table.scrollable_content_region.width


async def test_the_drawn_rows_cache_is_bounded():
    from widgets.row_table import CACHE_ROWS

    app = TableApp(CACHE_ROWS * 3)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        for _ in range(3 * CACHE_ROWS // 7 + 2):
            table.action_page_down()
            for y in range(1, 8):
                table.render_line(y)
        assert len(table._drawn) <= CACHE_ROWS
