"""Messages on the command line: `log --outcome message --for NAME [--please-call] [--urgent] ...`
(the options `log` takes from here) and `frontdesk messages`, which prints them for a script and
exits 1 while an urgent one is unread (as `due` does for an overdue callback).

Light to import (click only): cli.py imports it at start; the desk is read in the commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from .formatting import day_time
from .models import BOXES
from .text import one_line

OK, URGENT_UNREAD = 0, 1  # cli.py's OK and OVERDUE: 1 means only "something waits"

# One flag per box of the pad (--please-call, --will-call, ...) and --box for a box by name.
FLAGS = {code: "--" + code.replace("_", "-") for code in BOXES}


def message_options(command: Callable) -> Callable:
    """The options `log` takes for a message: whom it is for and the pad's boxes."""
    for code in reversed(BOXES):
        command = click.option(FLAGS[code], f"box_{code}", is_flag=True,
                               help=f"Message: tick '{BOXES[code]}'.")(command)
    command = click.option("--box", "boxes", multiple=True, metavar="BOX",
                           help=f"Message: tick a box by name ({', '.join(BOXES)}); repeatable.")(command)
    command = click.option("--new-recipient", is_flag=True,
                           help="Message: --for names someone the desk does not know yet (not a typo).")(command)
    return click.option("--for", "message_for", default=None, metavar="NAME",
                        help="Message taken for NAME (with --outcome message; implied when --outcome is not given). "
                             "'please call back' also promises a callback assigned to NAME.")(command)


def message_request(outcome: str | None, fields: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(the outcome, NewCall's message fields) from `log`'s options; a usage error, one line,
    for a message without a recipient or boxes without a message."""
    message_for = fields.pop("message_for")
    new_recipient = fields.pop("new_recipient")
    boxes = [code for code in BOXES if fields.pop(f"box_{code}")] + list(fields.pop("boxes"))
    if message_for is not None and outcome is None:
        outcome = "message"
    if outcome == "message" and not (message_for or "").strip():
        raise click.UsageError("--outcome message needs --for NAME: whom the message is for")
    if outcome is None and (boxes or new_recipient):
        raise click.UsageError("a box or --new-recipient goes with a message: give --for NAME")
    if outcome != "message" and (message_for is not None or boxes or new_recipient):
        given = "--for" if message_for is not None else "a box" if boxes else "--new-recipient"
        raise click.UsageError(f"{given} goes with a message (--outcome message), not --outcome {outcome}")
    if outcome != "message":
        return outcome, {}
    return outcome, {"message_for": message_for, "boxes": tuple(boxes), "new_recipient": new_recipient}


def _message_json(desk, m) -> dict[str, Any]:
    zone = desk.zone
    return {
        "id": m.id, "call_id": m.call_id, "for": m.for_name, "customer_id": m.customer_id, "caller": m.caller,
        "phone": m.e164, "phone_national": desk.national(m.e164), "boxes": list(m.boxes), "urgent": m.urgent,
        "text": m.text, "topic": m.topic, "taken_by": m.taken_by,
        "taken_at": m.taken_at.astimezone(zone).isoformat(), "callback_id": m.callback_id,
        "read_at": m.read_at.astimezone(zone).isoformat() if m.read_at else None, "read_by": m.read_by or None,
    }


def _message_line(desk, m, now) -> str:
    state = "UNREAD" if m.unread else "read"
    boxes = f" [{m.boxes_words}]" if m.boxes else ""
    number = f" {desk.national(m.e164)}" if m.e164 else ""
    line = (f"{state:6} {day_time(m.taken_at, desk.zone, now):>16}  for {one_line(m.for_name, 40)}  "
            f"from {one_line(m.caller, 60)}{number}{boxes}  taken by {one_line(m.taken_by, 40)}")
    if m.text:
        line += f": {one_line(m.text, 200)}"
    if m.read_at:
        line += f"  (read by {one_line(m.read_by, 40)} {day_time(m.read_at, desk.zone, now)})"
    return line


@click.command("messages")
@click.option("--for", "for_name", default=None, metavar="NAME", help="Only the messages for NAME (any case).")
@click.option("--unread", is_flag=True, help="Only the messages nobody has read yet.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def messages(ctx, for_name: str | None, unread: bool, fmt: str) -> None:
    """Messages taken for someone, newest first; exit status 1 while an urgent one is unread."""
    desk = ctx.desk()
    now = ctx.clock.now()
    name = None
    if for_name is not None:
        name = desk.messages.known(for_name)
        if name is None:
            desk.messages.recipient(for_name)  # refused: says who the desk knows
    items = desk.messages.for_person(name, unread, limit=-1)
    if fmt == "json":
        click.echo(json.dumps({"now": now.astimezone(desk.zone).isoformat(timespec="seconds"), "for": name,
                               "messages": [_message_json(desk, m) for m in items]}, indent=2, ensure_ascii=False))
    elif not items:
        click.echo("no unread messages" if unread else "no messages")
    else:
        for m in items:
            click.echo(_message_line(desk, m, now))
    sys.exit(URGENT_UNREAD if any(m.urgent and m.unread for m in items) else OK)
