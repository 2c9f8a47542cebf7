"""The day's (or a range's) summary figures, computed by SQL aggregates over the store.

Definitions (the same on the reports screen and in `frontdesk export --format md`):

- calls in / out: calls whose time falls in the period (desk-local days, inclusive).
- distinct callers: different customers with an inbound call in the period.
- new customers: customer records created in the period (not counting merged-away ones).
- callbacks: those *promised on the period's calls*, by what became of them as of now:
  kept on time + late + cancelled + still open = promised; overdue is the part of still open
  whose due time has passed (relative to the desk's clock).
- median minutes to callback: over the kept and late ones (promise to returned call).
- per person: calls taken and callbacks promised on them; kept / late / open / overdue
  count the period's callbacks *assigned* to that person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .errors import DeskError

TOP_TOPICS = 5
OVERDUE_LIST = 100


@dataclass(frozen=True)
class OperatorFigures:
    operator: str
    calls_in: int = 0
    calls_out: int = 0
    promised: int = 0
    kept: int = 0
    late: int = 0
    still_open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class OverduePromise:
    callback_id: int
    call_id: int
    caller: str
    phone: str  # E.164
    phone_national: str
    assignee: str
    topic: str
    promised_at: datetime
    due_at: datetime
    attempts: int


@dataclass(frozen=True)
class Summary:
    first_day: date
    last_day: date
    timezone: str
    desk_name: str
    now: datetime
    calls_in: int
    calls_out: int
    distinct_callers: int
    new_customers: int
    promised: int
    kept: int
    late: int
    cancelled: int
    still_open: int
    overdue: int
    median_minutes_to_callback: float | None
    operators: tuple[OperatorFigures, ...] = ()
    top_topics: tuple[tuple[str, int], ...] = ()
    overdue_promises: tuple[OverduePromise, ...] = ()  # the first OVERDUE_LIST, oldest due first

    @property
    def calls(self) -> int:
        return self.calls_in + self.calls_out

    @property
    def kept_share(self) -> float | None:
        """Kept on time among the returned callbacks (0..1), None when none was returned."""
        returned = self.kept + self.late
        return self.kept / returned if returned else None


def day_summary(desk, first_day: date, last_day: date | None = None, *,
                top: int = TOP_TOPICS, overdue_limit: int = OVERDUE_LIST) -> Summary:
    """The figures for the desk-local days first_day..last_day (inclusive), as of desk.clock.now()."""
    last_day = last_day or first_day
    if last_day < first_day:
        raise DeskError(f"the range is empty: {last_day} is before {first_day}")
    store, now = desk.store.reports, desk.clock.now()
    start, end = desk.day_bounds(first_day, last_day)
    calls = store.call_figures(start, end)
    promises = store.promise_figures(start, end, now)
    operators = tuple(
        OperatorFigures(
            operator=row["who"], calls_in=row["calls_in"], calls_out=row["calls_out"],
            promised=row["promised"], kept=row["kept"], late=row["late"],
            still_open=row["still_open"], overdue=row["overdue"],
        )
        for row in store.operator_figures(start, end, now)
    )
    overdue = tuple(
        OverduePromise(
            callback_id=cb.id, call_id=cb.call_id, caller=cb.caller, phone=cb.e164,
            phone_national=desk.national(cb.e164), assignee=cb.assignee, topic=cb.topic,
            promised_at=cb.promised_at, due_at=cb.due_at, attempts=cb.attempts,
        )
        for cb in store.overdue_promises(start, end, now, overdue_limit)
    )
    median = promises["median_wait"]
    return Summary(
        first_day=first_day, last_day=last_day, timezone=desk.settings.tz,
        desk_name=desk.settings.desk_name, now=now,
        calls_in=calls["calls_in"], calls_out=calls["calls_out"],
        distinct_callers=calls["distinct_callers"],
        new_customers=store.count_new_customers(start, end),
        promised=promises["promised"], kept=promises["kept"], late=promises["late"],
        cancelled=promises["cancelled"], still_open=promises["still_open"],
        overdue=promises["overdue"],
        median_minutes_to_callback=None if median is None else float(median),
        operators=operators, top_topics=tuple(store.top_topics(start, end, top)),
        overdue_promises=overdue,
    )
