"""Messages taken for someone, newest first: when, caller, for whom, the boxes ticked, the text
and who took it. An unread message is marked '*' and bold (it reads without colour); an urgent
one says URGENT first in its boxes. Rows are keyed by message id; Enter opens one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from frontdesk.formatting import short_when
from frontdesk.models import BOXES, TakenMessage

from .row_table import RowTable
from .safe import plain

TEXT_SHOWN = 500  # characters of a message a row holds (the tooltip shows them; opening it all)
SHORT_BOXES = {"please_call": "call back", "will_call": "will call", "returned": "returned",
               "wants_to_see": "see you", "urgent": "URGENT"}


def boxes_cell(message: TakenMessage) -> Text:
    """'URGENT, call back': urgent first, then the other boxes in the pad's order."""
    codes = sorted(message.boxes, key=lambda code: (code != "urgent", list(BOXES).index(code)))
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, code in enumerate(codes):
        text.append(", " if i else "")
        text.append(SHORT_BOXES[code], style="bold reverse" if code == "urgent" else "")
    return text


class MessageTable(RowTable):
    """Shows the messages it is given; posts Chosen (a message id) on Enter or a click."""

    DEFAULT_CSS = """
    MessageTable { height: 1fr; }
    """

    class Chosen(RowTable.Chosen):
        """A message was opened."""

        @property
        def message_id(self) -> int:
            return int(self.key)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.messages: dict[int, TakenMessage] = {}

    def on_mount(self) -> None:
        self.add_column("", key="mark", width=1)
        self.add_column("when", key="when", width=12)
        self.add_column("caller", key="caller", width=14, grow=2)
        self.add_column("for", key="for", width=7, grow=1)
        self.add_column("boxes", key="boxes", width=11, grow=1)
        self.add_column("message", key="text", width=12, grow=4)
        self.add_column("by", key="by", width=5, grow=1)

    def show(self, messages: list[TakenMessage], zone: ZoneInfo, now: datetime) -> None:
        """Replace the rows, keeping the cursor on the same message when it is still there."""
        if list(self.messages.values()) == messages and self.row_count == len(messages):
            return
        selected = self.selected_id
        self.messages = {m.id: m for m in messages}
        with self.app.batch_update():
            self.clear()
            self.add_rows((self._cells(m, zone, now), str(m.id)) for m in messages)
            if selected is not None and selected in self.messages:
                self.move_cursor(row=self.get_row_index(str(selected)))

    def _cells(self, m: TakenMessage, zone: ZoneInfo, now: datetime) -> list[Text]:
        style = "bold" if m.unread else ""
        return [
            Text("*" if m.unread else " ", style=style),
            Text(short_when(m.taken_at, zone, now), style=style),
            plain(m.caller, style=style),
            plain(m.for_name),
            boxes_cell(m),
            plain(m.text, TEXT_SHOWN) if m.text else Text("(no text)", style="dim"),
            plain(m.taken_by),
        ]
