"""RingingStrip: the phone ringing, shown over whatever screen is in front (forms and dialogs
too), one line per ringing call, stacked: who is calling (name and company, else the number in
national format and 'unknown number'), their open promises and last topic. A call someone
answered stays a moment as 'Answered by Raj: Maria Lopez', then goes; a call that ended goes.

It never takes focus and never touches the screen under it: it lies on a layer of its own
(`ringing`, declared for every screen in frontdesk.tcss), docked over the top lines, so no
field moves and nothing typed changes. The app (frontdesk/app.py) mounts one on each screen
that comes to the front while something rings and gives it the calls; the widget reads no
database. A click on a line posts `Take` with that call (the key does the same for the newest).
Everything a phone system sends is untrusted: shown as text, cleaned of control characters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from frontdesk.phone.models import RingingCall
from frontdesk.text import one_line

SEP = " · "
MAX_LINES = 4  # over an 80x24 form: more would hide the fields being typed


@dataclass(frozen=True)
class Answered:
    """A call that stopped ringing because someone answered: `by` as the phone system named
    them ('' when it did not)."""

    call: RingingCall
    by: str


def caller_words(call: RingingCall) -> tuple[str, str]:
    """(who, what the desk knows): ('Maria Lopez (Acme)', '2 open promises · last: Invoice 1042'),
    ('(404) 555-0134', 'unknown number'), ('withheld number', '')."""
    who = one_line(call.caller)
    if call.customer_id is not None:
        known = []
        if call.open_promises:
            known.append(f"{call.open_promises} open promise{'s' if call.open_promises != 1 else ''}")
        if call.last_topic:
            known.append(f"last: {one_line(call.last_topic)}")
        return who, SEP.join(known)
    if call.withheld or not call.number:
        return who, ""
    return who, "unknown number"


class RingingStrip(Widget):
    DEFAULT_CSS = """
    RingingStrip {
        layer: ringing;
        dock: top;
        width: 100%;
        height: auto;
        background: $warning;
        color: $text;
        display: none;
    }
    RingingStrip > .ringing-strip--label {
        text-style: bold reverse;
    }
    RingingStrip > .ringing-strip--answered {
        text-style: italic;
    }
    RingingStrip > .ringing-strip--key {
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"ringing-strip--label", "ringing-strip--answered", "ringing-strip--key"}
    can_focus = False

    class Take(Message):
        """A line of the strip was clicked: open the new-call form for that call."""

        def __init__(self, phone_call_id: int) -> None:
            super().__init__()
            self.phone_call_id = phone_call_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ringing: tuple[RingingCall, ...] = ()
        self.answered: tuple[Answered, ...] = ()
        self.key = ""  # the take-call key as the key bar writes it ("^t")
        self.newest: int | None = None  # the call the key takes

    @property
    def lines(self) -> int:
        return len(self._rows())

    def _rows(self) -> list[RingingCall | Answered | tuple[int, int]]:
        """What each line shows, at most MAX_LINES: every call when they fit; else a line saying
        how many more ((ringing, answered) not shown) and the newest ringing calls (the key takes
        the last of them), then answered ones while room is left."""
        rows: list[RingingCall | Answered | tuple[int, int]] = [*self.ringing, *self.answered]
        if len(rows) <= MAX_LINES:
            return rows
        room = MAX_LINES - 1
        ringing = list(self.ringing[-room:])
        answered = list(self.answered[:room - len(ringing)])
        hidden = (len(self.ringing) - len(ringing), len(self.answered) - len(answered))
        return [hidden, *ringing, *answered]

    def show(self, ringing: Sequence[RingingCall], answered: Sequence[Answered] = (), *, key: str = "",
             newest: int | None = None) -> None:
        """The calls ringing now (in the order they rang), those just answered; `newest` is the
        phone call the key takes, marked with `key`."""
        state = (tuple(ringing), tuple(answered), key, newest)
        if state == (self.ringing, self.answered, self.key, self.newest):
            return  # nothing new: no layout, no repaint
        self.ringing, self.answered, self.key, self.newest = state
        self.display = bool(self.ringing or self.answered)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return self.lines

    def render(self) -> Text:
        width = max(self.size.width, 20)
        out = Text(no_wrap=True, overflow="ellipsis", end="")
        rows = [self._more_line(row, width) if isinstance(row, tuple)
                else self._answered_line(row, width) if isinstance(row, Answered)
                else self._ringing_line(row, width) for row in self._rows()]
        for n, row in enumerate(rows):
            if n:
                out.append("\n")
            out.append_text(row)
        return out

    def _ringing_line(self, call: RingingCall, width: int) -> Text:
        who, known = caller_words(call)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(" Ringing ", style=self.get_component_rich_style("ringing-strip--label"))
        line.append(" ")
        right = Text(no_wrap=True, end="")
        if self.key and call.phone_call_id == self.newest:
            right.append(f" {self.key}", style=self.get_component_rich_style("ringing-strip--key"))
            right.append(" Take call ")
        room = width - line.cell_len - right.cell_len
        body = Text(who, style="bold", no_wrap=True, end="")
        if known:
            body.append(SEP + known)
        body.truncate(max(room, 1), overflow="ellipsis")
        line.append_text(body)
        line.append(" " * max(room - body.cell_len, 0))
        line.append_text(right)
        line.truncate(width)
        return line

    def _answered_line(self, done: Answered, width: int) -> Text:
        who, _known = caller_words(done.call)
        by = one_line(done.by)
        line = Text(no_wrap=True, overflow="ellipsis", end="",
                    style=self.get_component_rich_style("ringing-strip--answered"))
        line.append(f" Answered by {by}: " if by else " Answered: ")
        line.append(who)
        line.truncate(width, overflow="ellipsis")
        line.append(" " * max(width - cell_len(line.plain), 0))
        return line

    def on_click(self, event: events.Click) -> None:
        event.stop()
        rows = self._rows()
        if 0 <= event.y < len(rows) and isinstance(row := rows[event.y], RingingCall):
            self.post_message(self.Take(row.phone_call_id))

    def _more_line(self, hidden: tuple[int, int], width: int) -> Text:
        ringing, answered = hidden
        words = [f"{ringing} more ringing (ctrl+p: Take call lists them)"] if ringing else []
        words += [f"{answered} more answered"] if answered else []
        line = Text(no_wrap=True, overflow="ellipsis", end="",
                    style=self.get_component_rich_style("ringing-strip--answered"))
        line.append(" ... and " + ", ".join(words))
        line.truncate(width, overflow="ellipsis")
        line.append(" " * max(width - cell_len(line.plain), 0))
        return line
