"""Who is calling: name, numbers, notes, last calls and open promises, at a glance.

The card is as wide as the screen gives it (34 columns at 80, wider from 120 columns on: see
frontdesk.tcss); topics are cut only where the card's line ends, and it is drawn again when
its width changes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from frontdesk.formatting import day_time, repeat_mark, span, time_left
from frontdesk.models import CallerCard, Customer

from .safe import plain

# The shortest a topic is cut to, however narrow the card: a longer one wraps onto the next line.
PROMISE_TOPIC, CALL_TOPIC = 24, 30


class CallerCardView(Static):
    DEFAULT_CSS = """
    CallerCardView { border: round $accent; padding: 0 1; height: auto; }
    """

    customer: Customer | None = None  # whose card is shown (None: a new caller)
    # The call being typed is one more inbound call of theirs (the new-call form, inbound): it
    # counts towards "3rd call this week".
    counts_this_call = False
    _shown: tuple | None = None  # what show_card was last given, drawn again on a new width
    _drawn_width = -1

    def show_card(self, card: CallerCard | None, zone: ZoneInfo, now: datetime,
                  national=lambda e164, ext="": e164, caller_time: str = "") -> None:
        self.customer = card.customer if card is not None else None
        self._shown = (card, zone, now, national, caller_time)
        self._draw()

    def on_resize(self) -> None:
        if self._shown is not None and self.content_size.width != self._drawn_width:
            self._draw()  # a new width (a new height, from the last drawing, needs none)

    def _draw(self) -> None:
        assert self._shown is not None
        card, zone, now, national, caller_time = self._shown
        if card is None:
            self.border_title = "New caller"
            self.update(Text("No customer chosen: a new one is made on save.", style="italic"))
            return
        line = self._drawn_width = self.content_size.width  # 0 before the first layout: the shortest cuts
        customer = card.customer
        self.border_title = f"Customer #{customer.id}"
        text = Text()
        text.append_text(plain(customer.name or "(no name)", style="bold"))
        if customer.company:
            text.append("\n")
            text.append_text(plain(customer.company))
        for phone in customer.phones:
            text.append("\n")
            text.append(national(phone.e164, phone.ext))
            if phone.label:
                text.append("  ")
                text.append_text(plain(phone.label, 12, style="dim"))
        mark = repeat_mark(card.week_calls + (1 if self.counts_this_call else 0))
        if mark:
            text.append(f"\n>> {mark}", style="bold reverse")
        for complaint in card.open_complaints[:2]:
            age = span(max(0, int((now - complaint.opened_at).total_seconds() // 60)))
            head = f"\n!! COMPLAINT open {age}: "
            text.append(head, style="bold")
            text.append_text(plain(complaint.topic or complaint.note or "(no topic)",
                                   max(PROMISE_TOPIC, line - len(head) + 1)))
        if len(card.open_complaints) > 2:
            text.append(f"\n!! and {len(card.open_complaints) - 2} more complaints open", style="bold")
        if caller_time:
            text.append(f"\ntheir time: {caller_time}", style="italic")
        if customer.notes:
            text.append("\n")
            text.append_text(plain(customer.notes, max(120, 3 * line), style="italic"))
        if card.open_callbacks:
            text.append("\nOpen promises:", style="bold")
            for cb in card.open_callbacks[:3]:
                mark = "!!" if cb.due_at <= now else " -"
                head = f"\n{mark} {time_left(cb.due_at, now)} "
                text.append(head, style="bold" if mark == "!!" else "")
                text.append_text(plain(cb.topic, max(PROMISE_TOPIC, line - len(head) + 1)))
        text.append(f"\n{card.call_count} call{'s' if card.call_count != 1 else ''}", style="bold")
        for call in card.recent_calls:
            head = f"\n {day_time(call.at, zone, now)} {call.outcome_label}: "
            text.append(head)
            text.append_text(plain(call.topic or call.note, max(CALL_TOPIC, line - len(head) + 1)))
        self.update(text)
