"""The command line: `frontdesk` opens the app; log, due, export, demo and backup serve scripts.

Textual is imported only when the app is opened, so script commands start fast."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .cli_messages import message_options, message_request, messages
from .cli_offices import due_across, export_across, office_option
from .cli_phone import listen, ring
from .clock import Clock, SystemClock
from .db import open_database
from .errors import DeskError, describe_failure
from .formatting import day_time, time_left
from .hours import parse_duration
from .models import OUTCOMES
from .paths import default_db_path, operator_name
from .store import Store
from .text import one_line

if TYPE_CHECKING:
    from .services import Desk
from .when import bare_clock_time, parse_day

# Exit statuses (README "Exit status"): scripts and cron jobs rely on them.
OK, OVERDUE, ERROR, INTERRUPTED = 0, 1, 2, 130


@dataclass
class Context:
    db_path: Path | None  # None until the group has read --db; main() reads it to word errors
    operator: str
    clock: Clock
    # Stores a command opened: main() closes them when the command ends, so a command run in a
    # process that goes on (a test, a script importing main) leaves no connection behind for the
    # garbage collector to close later (the last close folds the WAL into the file).
    opened: list[Store] = field(default_factory=list)

    def close(self) -> None:
        while self.opened:
            with contextlib.suppress(Exception):
                self.opened.pop().close()

    def database(self) -> Path:
        """The database file; commands run after the group has read --db."""
        if self.db_path is None:
            raise RuntimeError("a command ran before the group chose the database")
        return self.db_path

    def desk(self) -> Desk:
        from .services import Desk

        path = self.database()
        if not path.parent.exists() and path != default_db_path():
            raise DeskError(f"no such directory: {path.parent}")
        store = Store(open_database(path))
        self.opened.append(store)
        return Desk(store, self.clock, self.operator)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Database file (default: $FRONTDESK_DB or the user data directory).")
@click.option("--operator", default=None, help="Who is at the keyboard (default: $FRONTDESK_OPERATOR or the login user).")
@click.version_option(__version__, prog_name="frontdesk")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, operator: str | None) -> None:
    """FrontDesk: log calls, see caller history, keep every callback promise."""
    # `~` is expanded as the direct app path (launch.py) does, so `--db='~/desk.db'` names one
    # file whether it opens the app or runs a script command.
    run = ctx.obj if isinstance(ctx.obj, Context) else Context(None, "", SystemClock())  # main() passes one
    run.db_path = db_path.expanduser() if db_path else default_db_path()
    run.operator = operator_name(operator)
    ctx.obj = run
    if ctx.invoked_subcommand is None:  # launch.py opens the app without click; kept for cli.main()
        from .opening import open_app

        open_app(str(ctx.obj.db_path), ctx.obj.operator)


def _operator(ctx: Context, value: str | None) -> None:
    if value:
        ctx.operator = operator_name(value)


@cli.command()
@click.option("--phone", default=None, help="The caller's number, any format ('anonymous' for a withheld one).")
@click.option("--anonymous", is_flag=True, help="The caller withheld their number (then --phone is not needed).")
@click.option("--name", default="", help="Caller's name (creates or picks the customer).")
@click.option("--company", default="")
@click.option("--note", default="")
@click.option("--topic", default="")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in")
@click.option("--outcome", type=click.Choice(list(OUTCOMES)), default=None,
              help="Default: resolved, or callback when a callback is asked for.")
@click.option("--at", "at_text", default=None,
              help="When the call happened: 14:30, 2pm, yesterday 16:00, thu 10am, 2h ago, ISO (default now).")
@click.option("--callback-in", default=None, help="Promise a callback after a duration: 30m, 1h, 2bh.")
@click.option("--callback-at", default=None,
              help="Promise a callback at a time: 2pm, tomorrow 9, thu 10am, in 2h, 2bh, 12/03 10:00, ISO.")
@click.option("--assignee", default="", help="Who calls back (default: the operator).")
@click.option("--operator", "op", default=None, help="Who took the call.")
@click.option("--uid", default="", help="A unique key: retrying with the same key never logs twice.")
@click.option("--complaint", is_flag=True, help="The call is a complaint: open until resolved, then followed up.")
@message_options
@click.pass_obj
def log(ctx: Context, /, phone, anonymous, name, company, note, topic, direction, outcome, at_text,
        callback_in, callback_at, assignee, op, uid, complaint, **message) -> None:
    """Log a call from a script; prints the new call's id."""
    from .services import NewCall

    if phone is None and not anonymous:
        raise click.UsageError("--phone is needed (or --anonymous for a caller who withheld their number)")
    if phone and anonymous:
        raise click.UsageError("give --phone or --anonymous, not both")
    if callback_in and callback_at:
        raise click.UsageError("give --callback-in or --callback-at, not both")
    outcome, message = message_request(outcome, message)  # --for NAME and the pad's boxes (cli_messages.py)
    if outcome and outcome != "callback" and (callback_in or callback_at):
        raise click.UsageError(f"--outcome {outcome} cannot promise a callback; leave --outcome out "
                               "or use --outcome callback")
    _operator(ctx, op)
    desk = ctx.desk()
    now = ctx.clock.now()
    at = desk.when(at_text, purpose="call") if at_text else now
    due = None
    if callback_in:
        due = parse_duration(callback_in).apply(desk.settings.hours, at)
    elif callback_at:
        due = desk.when(callback_at, purpose="callback", start=at)  # durations count from the call
    request = NewCall(
        phone=phone or "", anonymous=anonymous, name=name, company=company, note=note, topic=topic, direction=direction,
        outcome=outcome or ("callback" if due else "resolved"), at=at, callback_due=due,
        assignee=assignee, uid=uid, complaint=complaint, **message,
    )
    logged = desk.log_call(request)
    for option, value in (("--name", name), ("--company", company), ("--note", note), ("--topic", topic),
                          ("--assignee", assignee)):
        if value != value.encode("utf-8", "replace").decode("utf-8"):  # bytes that were not UTF-8
            click.echo(f"frontdesk: {option} was not valid UTF-8; the bytes that were not are stored as \ufffd",
                       err=True)
    if at_text and bare_clock_time(at_text) and at.astimezone(desk.zone).date() != desk.today():
        # On stderr, so a script reading the id from stdout is not disturbed.
        click.echo(f"frontdesk: --at {at_text.strip()} taken as yesterday, "
                   f"{at.astimezone(desk.zone):%Y-%m-%d %H:%M %Z}", err=True)
    click.echo(logged.call.id)


def _callback_json(desk, cb, now) -> dict:
    return {
        "id": cb.id, "customer_id": cb.customer_id, "caller": cb.caller, "phone": cb.e164,
        "phone_national": desk.national(cb.e164), "topic": cb.topic, "assignee": cb.assignee,
        "due_at": cb.due_at.astimezone(desk.zone).isoformat(), "overdue": cb.due_at <= now,
        "minutes_left": int((cb.due_at - now).total_seconds() // 60), "time_left": time_left(cb.due_at, now),
        "attempts": cb.attempts, "call_id": cb.call_id,
    }


@cli.command()
@click.option("--within", default=None, help="Window ahead of now (default: the lead time), e.g. 30m, 2h.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@office_option
@click.pass_obj
def due(ctx: Context, within: str | None, fmt: str, offices: tuple[str, ...]) -> None:
    """Open callbacks overdue or due soon; exit status 1 when any is overdue."""
    window = None
    if within:
        duration = parse_duration(within)
        if duration.business:
            raise click.UsageError("--within takes wall-clock time (30m, 2h), not business hours")
        window = timedelta(minutes=duration.minutes)
    if offices:
        sys.exit(due_across(ctx, offices, window, fmt))
    desk = ctx.desk()
    now = ctx.clock.now()
    with contextlib.suppress(sqlite3.Error):  # a read-only file still answers
        desk.phone.sweep(now)  # calls whose hang-up was lost are missed calls, and promises
    items = desk.callbacks.due(window)
    if fmt == "json":
        click.echo(json.dumps({"now": now.astimezone(desk.zone).isoformat(timespec="seconds"),
                               "callbacks": [_callback_json(desk, cb, now) for cb in items]}, indent=2))
    elif not items:
        click.echo("nothing due")
    else:
        for cb in items:
            mark = "OVERDUE" if cb.due_at <= now else "due"
            click.echo(f"{mark:7} {day_time(cb.due_at, desk.zone, now):>16}  {time_left(cb.due_at, now):>16}  "
                       f"{cb.caller}  {desk.national(cb.e164)}  [{cb.assignee}] {cb.topic}")
    sys.exit(OVERDUE if any(cb.due_at <= now for cb in items) else OK)


@cli.command()
@click.option("--date", "day", default=None, help="A day: YYYY-MM-DD, today (default) or yesterday.")
@click.option("--from", "first", default=None, help="First day of a range (with --to).")
@click.option("--to", "last", default=None, help="Last day of a range, inclusive.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "ndjson", "md"]), default="csv")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--follow-symlinks", is_flag=True,
              help="If the output is a symbolic link, replace the file it names.")
@office_option
@click.pass_obj
def export(ctx: Context, day, first, last, fmt, output, force, follow_symlinks, offices) -> None:
    """Write the call log of a day or a range as CSV, JSON or a Markdown summary."""
    from .export import export_calls

    if day and (first or last):
        raise click.UsageError("give --date or --from/--to, not both")
    if bool(first) != bool(last):
        raise click.UsageError("--from and --to go together")
    if offices:
        export_across(ctx, offices, day, first, last, fmt, output, force, follow_symlinks)
        return
    desk = ctx.desk()
    now = ctx.clock.now()
    start = parse_day(first or day or "today", now, desk.zone)
    end = parse_day(last, now, desk.zone) if last else start
    if end < start:
        raise click.UsageError(f"the range is empty: {end} is before {start}")
    export_calls(desk, start, end, fmt, output, force=force, follow_symlinks=follow_symlinks)
    if output:
        click.echo(f"wrote {output}", err=True)


@cli.command()
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed makes the same desk.")
@click.option("--customers", default=None, type=click.IntRange(1), help="How many customers (default: a small desk).")
@click.option("--calls", default=None, type=click.IntRange(0), help="How many calls (default: a week of a small desk).")
@click.option("--force", is_flag=True, help="Add the demo even to a desk that already holds customers or calls.")
@click.pass_obj
def demo(ctx: Context, seed: int, customers: int | None, calls: int | None, force: bool) -> None:
    """Fill an empty database with a realistic demo desk."""
    from .demo import fill_demo

    desk = ctx.desk()
    summary = fill_demo(desk, seed=seed, customers=customers, calls=calls, force=force)
    click.echo(summary)


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists (an older backup).")
@click.option("--follow-symlinks", is_flag=True,
              help="If TARGET is a symbolic link, replace the file it names.")
@click.pass_obj
def backup(ctx: Context, target: Path, force: bool, follow_symlinks: bool) -> None:
    """A consistent copy of the live database, safe while others use it."""
    from .backup import backup_database

    source = ctx.database()
    if not source.exists():
        raise DeskError(f"no database at {source}")
    result = backup_database(source, target, force=force, follow_symlinks=follow_symlinks)
    click.echo(result)


from .cli_contacts import COMMANDS as _CONTACT_COMMANDS  # noqa: E402 - import, contacts

for _command in _CONTACT_COMMANDS:
    cli.add_command(_command)
cli.add_command(ring)  # frontdesk/cli_phone.py: phone events from scripts and phone systems
cli.add_command(listen)
from . import cli_week  # noqa: E402, F401, I001 - registers `complaints` and `report` on the group
cli.add_command(messages)


def main(argv: list[str] | None = None, clock: Clock | None = None) -> int:
    """Entry point: every failure is one line on stderr and exit status 2 (130 when interrupted),
    never a traceback; `due` alone exits 1, for "something is overdue". `clock` is for tests (a
    FixedClock); the command line uses the system clock."""
    args = sys.argv[1:] if argv is None else list(argv)
    run = Context(None, "", clock or SystemClock())
    try:
        cli.main(args=args, prog_name="frontdesk", standalone_mode=False, obj=run)
    except click.exceptions.Abort:
        return _fail("aborted", INTERRUPTED)
    except click.ClickException as exc:  # usage errors; click's own codes differ (1 for some)
        return _fail(exc.format_message())
    except SystemExit as exc:  # `due` exits 1 when something is overdue
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or OK
        return _fail(str(exc.code))
    except KeyboardInterrupt:
        return INTERRUPTED
    except UnicodeEncodeError as exc:  # a text argument with bytes that were not UTF-8
        return _fail(_undecodable_argument(args) or describe_failure(exc, run.db_path))
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, whatever went wrong
        return _fail(describe_failure(exc, run.db_path))
    finally:
        run.close()
    return OK


def _fail(message: str, status: int = ERROR) -> int:
    try:
        click.echo(f"frontdesk: {one_line(message)}", err=True)
    except OSError:  # stderr itself is gone: the status still tells
        pass
    return status


def _undecodable_argument(args: list[str]) -> str:
    """Name the argument that held bytes that are not UTF-8 (Python keeps them as surrogates)."""
    for i, arg in enumerate(args):
        if arg != arg.encode("utf-8", "replace").decode("utf-8"):
            option = arg.partition("=")[0] if arg.startswith("--") else (args[i - 1] if i else "")
            named = f"the value of {option}" if option.startswith("-") else f"the argument {i + 1}"
            return f"{named} is not valid UTF-8 text"
    return ""


from .cli_offices import register as _register_offices  # noqa: E402 - commands of their own modules
from .cli_replica import register as _register_replica  # noqa: E402

_register_replica(cli)
_register_offices(cli)

if __name__ == "__main__":
    sys.exit(main())
