"""Who is calling: name, numbers, notes, last calls and open promises, at a glance."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from frontdesk.formatting import day_time, time_left
from frontdesk.models import CallerCard, Customer

from .safe import plain


class CallerCardView(Static):
    DEFAULT_CSS = """
    CallerCardView { border: round $accent; padding: 0 1; height: auto; }
    """

    customer: Customer | None = None  # whose card is shown (None: a new caller)

    def show_card(self, card: CallerCard | None, zone: ZoneInfo, now: datetime,
                  national=lambda e164, ext="": e164, caller_time: str = "") -> None:
        self.customer = card.customer if card is not None else None
        if card is None:
            self.border_title = "New caller"
            self.update(Text("No customer chosen: a new one is made on save.", style="italic"))
            return
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
        if caller_time:
            text.append(f"\ntheir time: {caller_time}", style="italic")
        if customer.notes:
            text.append("\n")
            text.append_text(plain(customer.notes, 120, style="italic"))
        if card.open_callbacks:
            text.append("\nOpen promises:", style="bold")
            for cb in card.open_callbacks[:3]:
                mark = "!!" if cb.due_at <= now else " -"
                text.append(f"\n{mark} {time_left(cb.due_at, now)} ", style="bold" if mark == "!!" else "")
                text.append_text(plain(cb.topic, 24))
        text.append(f"\n{card.call_count} call{'s' if card.call_count != 1 else ''}", style="bold")
        for call in card.recent_calls:
            text.append(f"\n {day_time(call.at, zone, now)} {call.outcome_label}: ")
            text.append_text(plain(call.topic or call.note, 30))
        self.update(text)
