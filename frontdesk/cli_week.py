"""Commands for the owner's view of the customer: `complaints` (list, resolve, follow up) and
the week of `report --week` (run_week; the `report` command itself is in cli_offices.py).
Registered on the `frontdesk` group by cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli import Context, cli
from .formatting import short_when, span
from .models import FEELINGS, RESOLUTIONS
from .text import one_line


@cli.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def complaints(click_ctx: click.Context, fmt: str) -> None:
    """Open complaints, the longest waiting first (or: resolve, follow-up)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    desk = ctx.desk()
    now = ctx.clock.now()
    items = desk.complaints.open_complaints()
    if fmt == "json":
        click.echo(json.dumps({"now": now.astimezone(desk.zone).isoformat(timespec="seconds"), "complaints": [
            {"id": c.id, "call_id": c.call_id, "customer_id": c.customer_id, "caller": c.caller,
             "phone": c.e164, "phone_national": desk.national(c.e164), "topic": c.topic, "note": c.note,
             "opened_at": c.opened_at.astimezone(desk.zone).isoformat(timespec="seconds"),
             "age_minutes": int((now - c.opened_at).total_seconds() // 60), "opened_by": c.opened_by}
            for c in items]}, indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("no open complaints")
    for c in items:
        age = span(max(0, int((now - c.opened_at).total_seconds() // 60)))
        click.echo(f"#{c.id:<5} {age:>9} open  {short_when(c.opened_at, desk.zone, now):>14}  "
                   f"{one_line(c.caller, 40)}  {desk.national(c.e164)}  {one_line(c.topic, 40)}")


@complaints.command()
@click.argument("complaint_id", type=int)
@click.option("--kind", type=click.Choice(list(RESOLUTIONS)), required=True, help="What was done.")
@click.option("--note", default="", help="What was done, in words.")
@click.pass_obj
def resolve(ctx: Context, complaint_id: int, kind: str, note: str) -> None:
    """Resolve a complaint, saying what was done; a follow-up callback is promised by itself."""
    desk = ctx.desk()
    done = desk.complaints.resolve(complaint_id, kind, note)
    now = ctx.clock.now()
    if done.follow_up:
        click.echo(f"resolved #{complaint_id}; follow-up callback #{done.follow_up.id} due "
                   f"{short_when(done.follow_up.due_at, desk.zone, now)}")
    else:
        click.echo(f"resolved #{complaint_id}; {done.why_no_follow_up}")


@complaints.command("follow-up")
@click.argument("complaint_id", type=int)
@click.option("--feeling", type=click.Choice(list(FEELINGS)), required=True,
              help="How the customer feels now (no_answer: nobody picked up).")
@click.option("--note", default="")
@click.pass_obj
def follow_up(ctx: Context, complaint_id: int, feeling: str, note: str) -> None:
    """Log the follow-up call of a resolved complaint; prints the call's id."""
    from .services import NewCall

    desk = ctx.desk()
    complaint = desk.complaints.complaint(complaint_id)
    if complaint.followup_callback_id is None or complaint.followup_state != "open":
        state = "already followed up" if complaint.followup_result else (
            "not resolved yet" if complaint.state == "open" else "without a follow-up promise")
        raise click.UsageError(f"complaint #{complaint_id} is {state}")
    outcome = "no_answer" if feeling == "no_answer" else "resolved"
    logged = desk.log_call(NewCall(customer_id=complaint.customer_id, direction="out", outcome=outcome,
                                   callback_id=complaint.followup_callback_id, feeling=feeling, note=note,
                                   topic=complaint.topic))
    click.echo(logged.call.id)


def run_week(ctx: Context, week_day: str, fmt: str, output: Path | None, force: bool,
             follow_symlinks: bool) -> None:
    """`report --week [DAY]` (the report command is in cli_offices.py, with the day's figures):
    the owner's week: calls by day and hour, promises, complaints, topics, repeat callers and
    staffing, beside the four weeks before (Markdown, one HTML file, or JSON)."""
    from .week import week_report
    from .week_render import write_week
    from .when import parse_day

    desk = ctx.desk()
    day = None if week_day == "last" else parse_day(week_day, ctx.clock.now(), desk.zone)
    write_week(desk, week_report(desk, day), fmt, output, force=force, follow_symlinks=follow_symlinks)
    if output:
        click.echo(f"wrote {output}", err=True)
