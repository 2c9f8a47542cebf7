"""`frontdesk ring` (a phone event from a script or a dialplan) and `frontdesk listen` (the HTTP
endpoint for phone systems). Registered on the click group by cli.py; aiohttp is imported
only when `listen` runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .cli import Context


@click.command()
@click.option("--phone", default="", help="The other party's number, any form (sip:, tel:, 'anonymous').")
@click.option("--event", "kind", type=click.Choice(["ring", "answer", "hangup", "missed"]), default="ring",
              show_default=True)
@click.option("--call-id", default="", help="The phone system's id for the call (made and printed when not given).")
@click.option("--name", default="", help="The caller's name as the phone system shows it.")
@click.option("--to", "line", default="", help="The line or queue called.")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
@click.option("--by", default="", help="Who answered.")
@click.option("--cause", default="", help="Hang-up cause: normalClearing, busy, cancel, noAnswer, ...")
@click.pass_obj
def ring(ctx: Context, phone: str, kind: str, call_id: str, name: str, line: str, direction: str, by: str,
         cause: str) -> None:
    """A phone event from a script or a dialplan's System(); prints the call id.

    Without --call-id, an answer, hang-up or miss finds the call still open from that number."""
    from .phone.models import PhoneEvent

    if kind != "ring" and not call_id and not phone.strip():
        raise click.UsageError(f"--event {kind} needs --call-id (or the --phone of the call)")
    desk = ctx.desk()
    result = desk.phone.event(PhoneEvent(kind=kind, call_id=call_id, source="cli", number=phone, name=name,
                                         line=line, direction=direction, by=by, cause=cause))
    record = result.record
    said = {"new": "ringing", "answered": "answered", "ended": "ended", "missed": "missed",
            "updated": "updated", "unchanged": f"already {record.state}: nothing changed"}[result.effect]
    words = f"{desk.phone.shown_number(record) or 'withheld number'}: {said}"
    if result.callback is not None:
        words += f"; callback promise #{result.callback.id} ({result.callback.caller})"
    for kept in result.closed:
        words += f"; promise #{kept.id} kept" + ("" if kept.kept_on_time else " (late)")
    click.echo(f"frontdesk: {words}", err=True)
    click.echo(record.ext_id)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port, printed when listening).")
@click.option("--allow", multiple=True, metavar="CIDR",
              help="A network allowed to send events (repeatable); only loopback without it.")
@click.option("--urls", is_flag=True, help="Print the URLs to paste into phone systems, and exit.")
@click.option("--new-token", is_flag=True, help="Replace the secret token in the URLs (old URLs stop working).")
@click.pass_obj
def listen(ctx: Context, host: str, port: int, allow: tuple[str, ...], urls: bool, new_token: bool) -> None:
    """The HTTP endpoint for phone systems: generic CTI push and desk-phone Action URLs."""
    import asyncio

    from .phone import server

    try:
        networks = server.parse_networks(allow)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not server.is_loopback(host) and not networks and not urls:
        raise click.UsageError(f"listening on {host} needs --allow with the networks of your phones and PBX "
                               "(e.g. --allow 192.168.1.0/24); without it only this machine may send events")
    desk = ctx.desk()
    try:
        token = desk.phone.token(renew=new_token)
    finally:
        desk.store.close()
    if new_token:
        click.echo("frontdesk: a new token is made; phone systems need the new URLs (frontdesk listen --urls)",
                   err=True)
    if urls:
        click.echo("\n".join(server.urls(host, port or 8765, token)))
        return
    listener = server.Listener(ctx.desk, token, networks)

    def ready(bound_host: str, bound_port: int) -> None:
        click.echo(f"frontdesk: listening on http://{server.url_host(bound_host)}:{bound_port} "
                   f"(database {ctx.database()}); frontdesk listen --urls prints the URLs to paste")

    try:
        asyncio.run(server.serve(listener, host, port, ready))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        listener.close()
    click.echo("frontdesk: stopped", err=True)
