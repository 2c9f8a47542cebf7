"""The owner's commands across offices: `--office NAME=PATH` on `due` and `export`, and
`frontdesk report` (the day's figures, or the week's with --week; one desk or several). offices.py opens the files
read-only; the figures are each office's and, combined, their sums."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import DeskError
from .formatting import day_time, time_left

if TYPE_CHECKING:  # offices.py is imported when an --office is given: `log` and `due` start without it
    from .cli import Context
    from .offices import OfficeDesk
    from .report import Summary

OK, OVERDUE = 0, 1

office_option = click.option(
    "--office", "offices", multiple=True, metavar="NAME=PATH",
    help="Read another office's database (read-only; repeat for several): per-office and combined figures.")


def _note_copies(desks: list[OfficeDesk]) -> None:
    for office in desks:
        if office.upgraded_copy:
            click.echo(f"frontdesk: office {office.name} is at an older schema: read through an upgraded "
                       "private copy (its file is not changed)", err=True)


def due_across(ctx: Context, offices: tuple[str, ...], window: timedelta | None, fmt: str) -> int:
    """`frontdesk due --office ...`: every office's open callbacks overdue or due soon, oldest
    due first, each named by its office; exit status 1 when any office has one overdue."""
    from .cli import _callback_json
    from .offices import open_offices, parse_offices

    chosen = parse_offices(offices)
    now = ctx.clock.now()
    with open_offices(chosen, ctx.clock) as desks:
        _note_copies(desks)
        items = [(office, cb) for office in desks for cb in office.desk.callbacks.due(window)]
        items.sort(key=lambda item: (item[1].due_at, item[0].name))
        overdue = {office.name: sum(1 for o, cb in items if o is office and cb.due_at <= now) for office in desks}
        if fmt == "json":
            click.echo(json.dumps({
                "now": now.isoformat(timespec="seconds"),
                "offices": [{"office": o.name, "due": sum(1 for x, _ in items if x is o), "overdue": overdue[o.name]}
                            for o in desks],
                "callbacks": [{**_callback_json(office.desk, cb, now), "office": office.name} for office, cb in items],
            }, indent=2))
        elif not items:
            click.echo("nothing due")
        else:
            width = max(len(o.name) for o in desks)
            for office, cb in items:
                desk = office.desk
                mark = "OVERDUE" if cb.due_at <= now else "due"
                click.echo(f"{office.name:<{width}}  {mark:7} {day_time(cb.due_at, desk.zone, now):>16}  "
                           f"{time_left(cb.due_at, now):>16}  {cb.caller}  {desk.national(cb.e164)}  "
                           f"[{cb.assignee}] {cb.topic}")
    return OVERDUE if any(overdue.values()) else OK


def export_across(ctx: Context, offices: tuple[str, ...], day: str | None, first: str | None, last: str | None,
                  fmt: str, output: Path | None, force: bool, follow_symlinks: bool) -> None:
    """`frontdesk export --office ...`: the offices' call logs, an "office" column last."""
    from .export import export_offices
    from .offices import day_range, open_offices, parse_offices

    chosen = parse_offices(offices)
    with open_offices(chosen, ctx.clock) as desks:
        _note_copies(desks)
        spans = [(o.name, o.desk, *day_range(o.desk, first, last, day)) for o in desks]
        export_offices(spans, fmt, output, force=force, follow_symlinks=follow_symlinks)
    if output:
        click.echo(f"wrote {output}", err=True)


def summary_json(summary: Summary) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat(timespec="seconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    data = plain(asdict(summary))
    data["calls"] = summary.calls
    data["kept_share"] = summary.kept_share
    return data


@click.command()
@click.option("--date", "day", default=None, help="A day: YYYY-MM-DD, today (default) or yesterday.")
@click.option("--from", "first", default=None, help="First day of a range (with --to).")
@click.option("--to", "last", default=None, help="Last day of a range, inclusive.")
@click.option("--week", "week_day", is_flag=False, flag_value="last", default=None, metavar="[DAY]",
              help="The owner's week holding DAY (YYYY-MM-DD, today, yesterday); alone: the last full week.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md",
              help="md or json; html for --week (one self-contained file).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--follow-symlinks", is_flag=True, help="If the output is a symbolic link, replace the file it names.")
@office_option
@click.pass_obj
def report(ctx: Context, day, first, last, week_day, fmt, output, force, follow_symlinks, offices) -> None:
    """The day's (or a range's) figures: calls, callbacks kept, late and open; with --office,
    each office's and all together. With --week: the owner's week beside the four before."""
    from .export import markdown_lines
    from .offices import combine_summaries, day_range, open_offices, parse_offices
    from .report import day_summary

    if week_day is not None:
        if day or first or last:
            raise click.UsageError("give --week or --date/--from/--to, not both")
        if offices:
            week_across(ctx, offices, week_day, fmt, output, force, follow_symlinks)
            return
        from .cli_week import run_week

        run_week(ctx, week_day, fmt, output, force, follow_symlinks)
        return
    if fmt == "html":
        raise click.UsageError("html is the week's format: report --week --format html")
    if day and (first or last):
        raise click.UsageError("give --date or --from/--to, not both")
    if bool(first) != bool(last):
        raise click.UsageError("--from and --to go together")
    protected = [str(ctx.database())]
    if offices:
        chosen = parse_offices(offices)
        protected += [str(office.path) for office in chosen]
        with open_offices(chosen, ctx.clock) as desks:
            _note_copies(desks)
            summaries = [(o.name, day_summary(o.desk, *day_range(o.desk, first, last, day))) for o in desks]
        combined = combine_summaries(summaries)
        if fmt == "json":
            text = json.dumps({"combined": summary_json(combined),
                               "offices": [{"office": name, **summary_json(s)} for name, s in summaries]}, indent=2)
        else:
            from dataclasses import replace

            lines = markdown_lines(combined)
            for name, s in summaries:
                lines += ["", *markdown_lines(replace(s, desk_name=f"{name}: {s.desk_name}"))]
            text = "\n".join(lines)
    else:
        desk = ctx.desk()
        summary = day_summary(desk, *day_range(desk, first, last, day))
        text = json.dumps(summary_json(summary), indent=2) if fmt == "json" else "\n".join(markdown_lines(summary))
    _emit(text + "\n", output, force, protected, follow_symlinks)


def week_across(ctx: Context, offices: tuple[str, ...], week_day: str, fmt: str, output: Path | None, force: bool,
                follow_symlinks: bool) -> None:
    """`frontdesk report --week [DAY] --office ...`: the combined week, then each office's
    (week_offices.py). The week is the first office's: DAY, or its last full week, in its
    timezone; every office reads that same Monday-Sunday in its own."""
    from .offices import open_offices, parse_offices
    from .week import last_full_week, week_figures
    from .week_offices import combine_weeks
    from .week_render import RENDER_OFFICES
    from .when import parse_day

    chosen = parse_offices(offices)
    with open_offices(chosen, ctx.clock) as desks:
        _note_copies(desks)
        lead = desks[0].desk
        day = (last_full_week(lead.today()) if week_day == "last"
               else parse_day(week_day, ctx.clock.now(), lead.zone))
        weeks = [(o.name, week_figures(o.desk, day)) for o in desks]
    text = RENDER_OFFICES[fmt](combine_weeks(weeks), [(name, f.report) for name, f in weeks])
    _emit(text, output, force, [str(ctx.database()), *(str(o.path) for o in chosen)], follow_symlinks)


def _emit(text: str, output: Path | None, force: bool, databases: list[str], follow_symlinks: bool = False) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from .export import _to_file
    from .files import is_live_database

    for database in databases[1:]:
        if is_live_database(output, database):
            raise DeskError(f"refusing to overwrite an office's database with a report: {output}")
    _to_file(output, lambda out: out.write(text), databases[0], force=force, follow_symlinks=follow_symlinks)
    click.echo(f"wrote {output}", err=True)


def register(group: click.Group) -> None:
    group.add_command(report)


__all__ = ["due_across", "export_across", "office_option", "register", "report"]
