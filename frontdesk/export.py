"""The owner's call log: a day's (or a range's) calls as CSV, JSON, NDJSON or a Markdown summary.

One row per call, oldest first, in this stable order (JSON key / CSV header):

    id / Call ID                 topic / Topic
    date / Date (local)          outcome / Outcome (code: resolved, callback, no_answer, ...)
    time / Time (local)          note / Note
    direction / Direction        callback_due / Callback due
    operator / Operator          callback_state / Callback state (open, done, cancelled)
    customer / Customer          callback_done_at / Callback done at
    company / Company            kept_on_time / Kept on time
    phone / Phone (E.164)        minutes_waited / Minutes waited
    phone_national / Phone (national)   rang_at / Rang at
    answered_at / Answered at    ended_at / Ended at
    talk_seconds / Talk seconds

and at the end (added later; the columns before keep their places):

    message_for / Message for    boxes / Boxes (codes: please_call,urgent, ...)    read_at / Read at

Days are desk-local; times are ISO 8601 with the desk's UTC offset (`09:05:00-05:00`,
`2026-11-23T10:40:00-05:00`), so the hour repeated when clocks go back stays unambiguous.
The callback columns describe the callback promised on that call; calls without one leave
them empty (null in JSON). The last four come from the phone system, for a call logged from
a phone event (or a missed call, logged by itself): when it rang, was answered and ended, and
the seconds between answer and hang-up; empty for other calls.
them empty (null in JSON). The message columns describe the message taken on that call (the
outcome 'message'): for whom, the pad's boxes ticked (comma-separated codes, '' for none), and
when it was first read (empty while unread); other calls leave them empty (null in JSON).

CSV follows RFC 4180 (quoted fields, CRLF line ends) and is UTF-8 with a byte-order mark, so
Excel and LibreOffice open accents correctly (read it back with encoding="utf-8-sig").
No cell runs as a spreadsheet formula: text starting with `=`, `+`, `-`, `@`, tab, CR or LF,
also after leading spaces, quotes, other whitespace or invisible format characters (zero-width
spaces, BOM, soft hyphen, bidi marks: Unicode category Cf), gets a leading `'` (OWASP's
CSV-injection advice); genuine numbers such as `-5` or `12.5` pass unchanged. E.164 numbers
therefore read `'+14045550101`; spreadsheet users should prefer the national column. JSON and
NDJSON carry the values as they are (booleans, numbers and nulls typed); Markdown escapes table
syntax.

Rows are streamed in batches (constant memory for a year of calls). With a file, output goes
to a temporary file in the same directory that replaces the target only when complete; the
target must be a regular file, replaced only when forced, never reached through a symbolic link
unless asked (files.check_target).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import operator
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from .errors import DeskError
from .files import check_target, fsync_directory, is_live_database, replace_file, temp_beside
from .formatting import day_time, time_left
from .models import Call, Callback
from .phone.models import PhoneCall
from .phones import national_formatter
from .report import Summary, day_summary
from .text import one_line

BATCH = 1000
NATIONAL_CACHE = 1 << 17
FORMATS = ("csv", "json", "ndjson", "md")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Call ID"),
    ("date", "Date"),
    ("time", "Time"),
    ("direction", "Direction"),
    ("operator", "Operator"),
    ("customer", "Customer"),
    ("company", "Company"),
    ("phone", "Phone (E.164)"),
    ("phone_national", "Phone (national)"),
    ("topic", "Topic"),
    ("outcome", "Outcome"),
    ("note", "Note"),
    ("callback_due", "Callback due"),
    ("callback_state", "Callback state"),
    ("callback_done_at", "Callback done at"),
    ("kept_on_time", "Kept on time"),
    ("minutes_waited", "Minutes waited"),
    ("rang_at", "Rang at"),
    ("answered_at", "Answered at"),
    ("ended_at", "Ended at"),
    ("talk_seconds", "Talk seconds"),
    ("message_for", "Message for"),
    ("boxes", "Boxes"),
    ("read_at", "Read at"),
)
FIELDS = tuple(key for key, _ in COLUMNS)
HEADERS = tuple(header for _, header in COLUMNS)


# -- rows ------------------------------------------------------------------------------------
def _iso(at: datetime | None, zone: ZoneInfo) -> str | None:
    return at.astimezone(zone).isoformat(timespec="seconds") if at else None


def call_row(desk, call: Call, promise: Callback | None,
             national: Callable[[str, str], str] | None = None,
             zone: ZoneInfo | None = None, phone: PhoneCall | None = None) -> dict[str, Any]:
    """One call as an export row (keys in FIELDS order)."""
    zone = zone or desk.zone
    national = national or desk.national
    local = call.at.astimezone(zone).isoformat(timespec="seconds")  # a call always has a time
    message = call.message
    return {
        "id": call.id,
        "date": local[:10],
        "time": local[11:],
        "direction": call.direction,
        "operator": call.operator,
        "customer": call.customer_name,
        "company": call.company,
        "phone": call.e164,
        "phone_national": national(call.e164, call.ext),
        "topic": call.topic,
        "outcome": call.outcome,
        "note": call.note,
        "callback_due": _iso(promise.due_at, zone) if promise else None,
        "callback_state": promise.state if promise else None,
        "callback_done_at": _iso(promise.done_at, zone) if promise else None,
        "kept_on_time": promise.kept_on_time if promise else None,
        "minutes_waited": promise.waited_min if promise else None,
        "rang_at": _iso(phone.rang_at, zone) if phone else None,
        "answered_at": _iso(phone.answered_at, zone) if phone else None,
        "ended_at": _iso(phone.ended_at, zone) if phone else None,
        "talk_seconds": phone.talk_seconds if phone else None,
        "message_for": message.for_name if message else None,
        "boxes": ",".join(message.boxes) if message else None,
        "read_at": _iso(message.read_at, zone) if message else None,
    }


def iter_rows(desk, first_day: date, last_day: date, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Export rows of the desk-local days first_day..last_day, fetched `batch` calls at a time."""
    start, end = desk.day_bounds(first_day, last_day)
    # Callers call again and again: a year of a busy desk has ~100k distinct numbers in 1M calls,
    # and formatting one costs ~20-90 us: phones.national_formatter formats each once (bounded
    # cache) and North American numbers once per first seven digits.
    national = national_formatter(desk.region)
    zone = desk.zone

    pairs = desk.store.reports.iter_calls_with_promises(start, end, batch)
    while chunk := list(islice(pairs, batch)):
        heard = desk.store.phone.for_calls(call.id for call, _ in chunk)
        for call, promise in chunk:
            yield call_row(desk, call, promise, national, zone, heard.get(call.id))


# -- CSV -------------------------------------------------------------------------------------
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA_FIRST = frozenset("=+-@\t\r\n")
# What a spreadsheet may skip before it reads a formula: spaces, quotes and the ASCII
# separators str.isspace() knows (tab, CR and LF are formula starts themselves).
_SKIPPED_ASCII = frozenset(" \"'\x0b\x0c\x1c\x1d\x1e\x1f")
# First characters known to make a cell harmless: every other ASCII character to begin with;
# neutralise() adds each non-ASCII one it meets that is neither invisible nor whitespace, so
# the common cases (accents, Hebrew, emoji) are a set lookup from the second time on.
_SAFE_FIRST = set(map(chr, range(128))) - _FORMULA_FIRST - _SKIPPED_ASCII


def _skipped(char: str) -> bool:
    """Whether a spreadsheet may skip `char` before a formula: a space or quote, any other
    whitespace (no-break, ideographic, line separators) or an invisible format character
    (category Cf: zero-width spaces and joiners, word joiner, BOM, soft hyphen, Mongolian vowel
    separator, Arabic letter mark, bidi marks, embeddings and isolates)."""
    if char in _SKIPPED_ASCII:
        return True
    return char >= "\x80" and (char.isspace() or unicodedata.category(char) == "Cf")


def neutralise(value: str) -> str:
    """A cell no spreadsheet runs as a formula: a leading `'` when the text starts with a
    formula character (also after spaces, quotes, other whitespace or invisible characters);
    genuine numbers pass unchanged."""
    if not value or value[0] in _SAFE_FIRST:  # most cells: nothing to look at further
        return value
    first = value[0]
    if first not in _FORMULA_FIRST and not _skipped(first):
        _SAFE_FIRST.add(first)  # a visible, non-formula first character: always harmless
        return value
    if _NUMBER.fullmatch(value):
        return value
    for char in value:
        if char in _FORMULA_FIRST:
            return "'" + value
        if not _skipped(char):
            return value
    return value


def csv_cell(value: Any) -> str:
    # Called for every cell of a year's export (17M times for 1M calls): the common cases first.
    if value.__class__ is str:
        return value if not value or value[0] in _SAFE_FIRST else neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value.__class__ is int:  # ids and minutes: a number is never a formula
        return str(value)
    return neutralise(str(value))


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO,
              columns: tuple[tuple[str, str], ...] = COLUMNS) -> int:
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header for _, header in columns)
    counted = [0]
    cells, safe, cell = operator.itemgetter(*(key for key, _ in columns)), _SAFE_FIRST, csv_cell

    def lines():
        for count, row in enumerate(rows, 1):
            counted[0] = count
            # csv_cell() inlined for the common cases (plain text, empty): 17 cells a call.
            yield [v if v.__class__ is str and (not v or v[0] in safe) else "" if v is None else cell(v)
                   for v in cells(row)]

    writer.writerows(lines())
    return counted[0]


def local_times(zone: ZoneInfo) -> Callable[[str], str]:
    """A stored UTC time ('2026-11-23T14:05:00Z') as the export writes it: ISO 8601 in the
    desk's time with its offset ('2026-11-23T09:05:00-05:00'), the same text as
    datetime.astimezone(zone).isoformat(). The offset is looked up once per UTC hour (kept when
    it is the same at the hour's first and last second, so a change of offset inside an hour is
    still exact). With a whole-hour offset the local date and hour are the same for the whole
    UTC hour too, so a year of calls is mostly one dictionary lookup and a concatenation."""
    hours: dict[str, tuple[str, str] | tuple[timedelta, str] | None] = {}
    utc = ZoneInfo("UTC")

    def exact(text: str) -> str:
        return datetime.fromisoformat(text).astimezone(zone).isoformat(timespec="seconds")

    def learn(hour: str) -> tuple[str, str] | tuple[timedelta, str] | None:
        found: tuple[str, str] | tuple[timedelta, str] | None
        first = datetime.fromisoformat(hour + ":00:00").replace(tzinfo=utc)
        before, after = first.astimezone(zone), (first + timedelta(minutes=59, seconds=59)).astimezone(zone)
        offset = before.utcoffset()
        if offset is None or offset != after.utcoffset():
            found = None  # the offset changes inside this hour: each time exactly
        elif offset % timedelta(hours=1) == timedelta(0):
            shown = before.isoformat()
            found = (shown[:13], shown[19:])  # the local 'YYYY-MM-DDTHH' and the offset
        else:
            found = (offset, before.isoformat()[19:])
        hours[hour] = found
        return found

    def local(text: str) -> str:
        if len(text) != 20 or text[19] != "Z":
            return exact(text)
        found = hours.get(text[:13], False)
        if found is False:
            found = learn(text[:13])
        if found is None:
            return exact(text)
        head, suffix = found  # type: ignore[misc]
        if isinstance(head, str):
            return head + text[13:19] + suffix
        return (datetime.fromisoformat(text[:19]) + head).isoformat() + suffix

    return local


def csv_lines(desk, first_day: date, last_day: date, batch: int = BATCH) -> Iterator[list]:
    """The CSV rows of the desk-local days first_day..last_day, straight from the export query:
    the same cells as iter_rows() through write_csv(), without a record or a dict per call (a
    year's export writes about as fast as the database reads it)."""
    start, end = desk.day_bounds(first_day, last_day)
    national = national_formatter(desk.region)
    local = local_times(desk.zone)
    safe, cell = _SAFE_FIRST, neutralise

    def text(v: str | None) -> str:
        return "" if not v else v if v[0] in safe else cell(v)

    phone_cells: dict[str, tuple[str, str]] = {}  # E.164 -> its two cells (bounded below)
    for (id_, at, direction, operator_, name, company, e164, ext, topic, outcome, note,
         due, state, done, kept, waited, rang, answered, ended, talk,
         message_for, boxes, read) in desk.store.reports.iter_export_rows(
            start, end, batch):
        when = local(at)
        phone = None if ext else phone_cells.get(e164)
        if phone is None:
            phone = (text(e164), text(national(e164, ext)))
            if not ext and len(phone_cells) < NATIONAL_CACHE:
                phone_cells[e164] = phone
        # Direction, outcome and state are codes the schema allows (never a formula).
        # text() inlined for the common cases (17 cells a call, 1M calls a year).
        yield [id_, when[:10], when[11:], direction,
               (operator_ if operator_[0] in safe else cell(operator_)) if operator_ else "",
               (name if name[0] in safe else cell(name)) if name else "",
               (company if company[0] in safe else cell(company)) if company else "",
               phone[0], phone[1], (topic if topic[0] in safe else cell(topic)) if topic else "", outcome,
               (note if note[0] in safe else cell(note)) if note else "",
               local(due) if due else "", state, local(done) if done else "", kept, waited,
               local(rang) if rang else "", local(answered) if answered else "", local(ended) if ended else "",
               talk, text(message_for), boxes, local(read) if read else ""]


def write_csv_lines(lines: Iterable[list], out: TextIO) -> int:
    """CSV of rows already made cells (csv_lines)."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    counted = [0]

    def counting():
        for count, line in enumerate(lines, 1):
            counted[0] = count
            yield line

    writer.writerows(counting())
    return counted[0]


# -- JSON ------------------------------------------------------------------------------------
def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_json(rows: Iterable[dict[str, Any]], out: TextIO, head: dict[str, Any]) -> int:
    """One document: the head's keys, then "calls" written element by element."""
    out.write("{" + "".join(f"{_json(k)}: {_json(v)}, " for k, v in head.items()) + '"calls": [')
    count = 0
    for row in rows:
        out.write(("\n  " if count == 0 else ",\n  ") + _json(row))
        count += 1
    out.write("\n]}\n" if count else "]}\n")
    return count


def write_ndjson(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line, one line per call."""
    count = 0
    for row in rows:
        out.write(_json(row) + "\n")
        count += 1
    return count


# -- Markdown --------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")


def md_text(value: str | None, limit: int | None = 80) -> str:
    """Untrusted text as one inert Markdown line: newlines folded, table and markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value, limit))


def _period(summary: Summary) -> str:
    if summary.first_day == summary.last_day:
        return f"calls on {summary.first_day:%A %d %B %Y}"
    return f"calls from {summary.first_day.isoformat()} to {summary.last_day.isoformat()}"


def _minutes(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _table(headers: tuple[str, ...], align: str, rows: Iterable[Iterable[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def markdown_lines(summary: Summary) -> list[str]:
    """The printable summary, line by line (same figures as the reports screen)."""
    zone, now = ZoneInfo(summary.timezone), summary.now
    kept_share = summary.kept_share
    kept = f"{summary.kept}" + (f" ({kept_share:.0%} of returned)" if kept_share is not None else "")
    lines = [
        f"# {md_text(summary.desk_name)}: {_period(summary)}",
        "",
        f"As of {now.astimezone(zone):%Y-%m-%d %H:%M} ({summary.timezone}).",
        "",
        "## Calls",
        "",
        f"- Calls in: {summary.calls_in}",
        f"- Calls out: {summary.calls_out}",
        f"- Distinct callers: {summary.distinct_callers}",
        f"- New customers: {summary.new_customers}",
        "",
        "## Callbacks promised on these calls",
        "",
        f"- Promised: {summary.promised}",
        f"- Kept on time: {kept}",
        f"- Late: {summary.late}",
        f"- Cancelled: {summary.cancelled}",
        f"- Still open: {summary.still_open}",
        f"- Overdue now: {summary.overdue}",
        f"- Median minutes to callback: {_minutes(summary.median_minutes_to_callback)}",
        "",
        "## By operator",
        "",
        "Calls and *Promised* count the calls each person took; *Kept on time*, *Late*, *Open* and",
        "*Overdue* count the callbacks assigned to them.",
        "",
    ]
    if summary.operators:
        lines += _table(
            ("Operator", "Calls in", "Calls out", "Promised", "Kept on time", "Late", "Open", "Overdue"),
            "lrrrrrrr",
            ((md_text(o.operator, 40), o.calls_in, o.calls_out, o.promised, o.kept, o.late,
              o.still_open, o.overdue) for o in summary.operators),
        )
    else:
        lines.append("No calls.")
    lines += ["", "## Top topics", ""]
    if summary.top_topics:
        lines += _table(("Topic", "Calls"), "lr", ((md_text(t), n) for t, n in summary.top_topics))
    else:
        lines.append("No topics recorded.")
    lines += ["", "## Overdue promises", ""]
    if summary.overdue_promises:
        lines += _table(
            ("Due", "Overdue by", "Caller", "Phone", "Assigned to", "Topic"), "llllll",
            ((day_time(p.due_at, zone, now), time_left(p.due_at, now).removesuffix(" overdue"),
              md_text(p.caller, 60), md_text(p.phone_national or p.phone, 30),
              md_text(p.assignee, 40), md_text(p.topic)) for p in summary.overdue_promises),
        )
        if summary.overdue > len(summary.overdue_promises):
            lines += ["", f"…and {summary.overdue - len(summary.overdue_promises)} more."]
    else:
        lines.append("None.")
    return lines


def write_markdown(summary: Summary, out: TextIO) -> int:
    out.write("\n".join(markdown_lines(summary)) + "\n")
    return summary.calls


# -- where it goes ---------------------------------------------------------------------------
def _to_stdout(write: Callable[[TextIO], int]) -> int:
    """Write UTF-8 with the writer's own line ends (no newline translation) to standard output."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return write(sys.stdout)
    sys.stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        count = write(out)
        out.flush()
        return count
    except BrokenPipeError:  # `frontdesk export | head`: the reader has had enough
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        with contextlib.suppress(OSError, ValueError):
            out.detach()


def _to_file(path: Path, write: Callable[[TextIO], int], database: str = "", *,
             force: bool = False, follow_symlinks: bool = False) -> int:
    """Write through a temporary file next to the file to replace, renamed over it when
    complete; files.check_target decides what may be replaced."""
    if database and is_live_database(path, database):
        raise DeskError(f"refusing to overwrite the database itself with an export: {path}")
    final = check_target(path, force=force, follow_symlinks=follow_symlinks)
    fd, tmp = temp_beside(final, path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):  # a replaced file keeps its permissions
            os.chmod(tmp, stat.S_IMODE(final.stat().st_mode))
        replace_file(tmp, final, path, force=force)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise DeskError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(final.parent)
    return count


# With --office, each row also names its office, in a column after all the others: the columns
# of a one-desk export keep their places (and a one-desk export has no office column at all).
OFFICE_COLUMN = ("office", "Office")
OFFICE_COLUMNS = (*COLUMNS, OFFICE_COLUMN)


def export_offices(offices: list[tuple[str, Any, date, date]], fmt: str, output: Path | None, *,
                   batch: int = BATCH, force: bool = False, follow_symlinks: bool = False) -> int:
    """The call log of several offices, `(name, desk, first_day, last_day)` each (days in that
    office's own timezone), one office after another, every row with an "office" column at the
    end; `md` gives the combined summary first, then each office's."""
    if fmt not in FORMATS:
        raise DeskError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    if output is not None:
        for _, desk, _, _ in offices:
            if is_live_database(output, desk.store.path):
                raise DeskError(f"refusing to overwrite an office's database with an export: {output}")

    def rows() -> Iterator[dict[str, Any]]:
        for name, desk, first, last in offices:
            for row in iter_rows(desk, first, last, batch):
                row["office"] = name
                yield row

    def write(out: TextIO) -> int:
        if fmt == "md":
            from .offices import combine_summaries

            summaries = [(name, day_summary(desk, first, last)) for name, desk, first, last in offices]
            lines = markdown_lines(combine_summaries(summaries))
            for name, summary in summaries:
                lines += ["", *markdown_lines(replace(summary, desk_name=f"{name}: {summary.desk_name}"))]
            out.write("\n".join(lines) + "\n")
            return sum(s.calls for _, s in summaries)
        if fmt == "csv":
            return write_csv(rows(), out, OFFICE_COLUMNS)
        if fmt == "ndjson":
            return write_ndjson(rows(), out)
        head = {"offices": [{"office": name, "from": first.isoformat(), "to": last.isoformat(),
                             "timezone": desk.settings.tz} for name, desk, first, last in offices]}
        return write_json(rows(), out, head)

    if output is None:
        return _to_stdout(write)
    return _to_file(Path(output), write, "", force=force, follow_symlinks=follow_symlinks)


def export_calls(desk, first_day: date, last_day: date, fmt: str, output: Path | None, *,
                 batch: int = BATCH, force: bool = False, follow_symlinks: bool = False) -> int:
    """Write the calls of the desk-local days first_day..last_day (inclusive) as `fmt` to
    `output` (None: standard output). Returns the number of calls written (for `md`, the
    number of calls summarised). An empty day is not an error.

    `output` must be a regular file: an existing one is replaced only with `force`, a symbolic
    link is followed only with `follow_symlinks` (files.check_target)."""
    if fmt not in FORMATS:
        raise DeskError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    if last_day < first_day:
        raise DeskError(f"the range is empty: {last_day} is before {first_day}")

    def write(out: TextIO) -> int:
        if fmt == "md":
            return write_markdown(day_summary(desk, first_day, last_day), out)
        if fmt == "csv":
            return write_csv_lines(csv_lines(desk, first_day, last_day, batch), out)
        rows = iter_rows(desk, first_day, last_day, batch)
        if fmt == "ndjson":
            return write_ndjson(rows, out)
        head = {"from": first_day.isoformat(), "to": last_day.isoformat(), "timezone": desk.settings.tz}
        return write_json(rows, out, head)

    if output is None:
        return _to_stdout(write)
    return _to_file(Path(output), write, desk.store.path, force=force,
                    follow_symlinks=follow_symlinks)
