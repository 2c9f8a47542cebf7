"""`frontdesk import` (contacts in) and `frontdesk contacts` (contacts out): registered on the
click group by cli.py. The work is frontdesk/contacts/'s; this module reads the options and
prints."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click


class ProgressLine:
    """A progress line on stderr, only when stderr is a terminal (never in a pipe or a log),
    redrawn at most ten times a second."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()
        self.last = 0.0
        self.shown = False

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.on or (now - self.last < 0.1 and done != total):
            return
        self.last = now
        if total:
            width = 30
            filled = int(width * done / total)
            text = f"{phase} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        else:
            text = f"{phase}: {done:,} contacts"
        sys.stderr.write("\r\x1b[2K" + text[:200])
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say exactly what the import would do; change nothing.")
@click.option("--format", "fmt", type=click.Choice(["auto", "vcard", "csv"]), default="auto",
              help="The files' format (default: found from the content).")
@click.option("--region", default=None, help="Region for numbers written without a country code "
              "(default: the desk's), e.g. US, GB, DE.")
@click.option("--report", "report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a CSV with one line per contact and what happened to it.")
@click.option("--force", is_flag=True, help="Replace the --report file if it exists.")
@click.option("--keep-without-phone", is_flag=True,
              help="Import contacts that have a name but no phone number (skipped by default).")
@click.pass_obj
def import_command(ctx: Any, files: tuple[Path, ...], dry_run: bool, fmt: str, region: str | None,
                   report: Path | None, force: bool, keep_without_phone: bool) -> None:
    """Bring contacts in: vCard (2.1, 3.0, 4.0) or CSV (Google, Outlook, a plain sheet).

    Matches them to the desk's customers (no duplicates), all in one transaction."""
    from .contacts.importer import import_contacts

    desk = ctx.desk()
    progress = ProgressLine()
    try:
        summary = import_contacts(desk, list(files), report_path=report, force=force, region=region, fmt=fmt,
                                  keep_without_phone=keep_without_phone, dry_run=dry_run, progress=progress)
    except KeyboardInterrupt:
        progress.done()
        click.echo("frontdesk: interrupted: nothing was imported", err=True)
        raise
    finally:
        progress.done()
    for line in summary.lines():
        click.echo(line)
    if report:
        click.echo(f"wrote {report}", err=True)


@click.command("contacts")
@click.option("--format", "fmt", type=click.Choice(["vcard", "csv"]), default="vcard",
              help="vCard 3.0 (default) or CSV with Google Contacts' header.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--follow-symlinks", is_flag=True, help="If the output is a symbolic link, replace the file it names.")
@click.pass_obj
def contacts_command(ctx: Any, fmt: str, output: Path | None, force: bool, follow_symlinks: bool) -> None:
    """Every customer as vCard 3.0 or Google Contacts CSV (numbers in E.164, labels kept)."""
    from .contacts.writer import export_contacts

    desk = ctx.desk()
    count = export_contacts(desk, fmt, output, force=force, follow_symlinks=follow_symlinks)
    if output:
        click.echo(f"wrote {count:,} customer{'s' if count != 1 else ''} to {output}", err=True)


COMMANDS = (import_command, contacts_command)
