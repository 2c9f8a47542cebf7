"""`frontdesk replicate` and `frontdesk restore`: the off-site copy (Litestream underneath;
replica.py holds what these commands configure, run and check)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import DeskError

if TYPE_CHECKING:
    from .cli import Context

OK, BEHIND, ERROR = 0, 1, 2
LOCK_WAIT = 10.0  # a restarted replicator waits this long for the previous one to finish its last sync
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _config_path(ctx: Context) -> Path:
    from .paths import replica_config_path

    return replica_config_path(ctx.database())


def _private() -> None:
    """In the child, before exec: what Litestream writes (replica files, restored copies) holds
    the customer list, so it is readable by its owner only, as the database is."""
    os.umask(0o077)


def _die_with_parent() -> None:
    """In the child, before exec: files private (_private), and SIGTERM when the parent dies
    (even by SIGKILL), so Litestream never outlives the `frontdesk replicate` that holds the
    replication lock."""
    _private()
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def foreground(args: list[str], *, keep_fds: tuple[int, ...] = (),
               on_started=None) -> tuple[int, bool]:
    """Run Litestream until it exits; SIGTERM, SIGINT and SIGHUP sent to FrontDesk are passed
    on to it (it makes a last sync before it exits). Returns (exit status, whether we were
    asked to stop)."""
    import subprocess
    import threading

    stopping = threading.Event()
    try:
        child = subprocess.Popen(args, process_group=0, pass_fds=keep_fds, preexec_fn=_die_with_parent)
    except OSError as exc:
        raise DeskError(f"cannot run {args[0]}: {exc.strerror or exc}") from None

    def forward(signum, _frame) -> None:
        stopping.set()
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        if on_started is not None:
            on_started(child)
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:  # a second Ctrl-C before the handler was in place
                forward(signal.SIGINT, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status, stopping.is_set()


def _lock(path: Path) -> int:
    """The replication lock for one database: one replicator at a time (two fight over the WAL)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise DeskError("this database is already being replicated (another frontdesk replicate "
                                "runs); stop it first") from None
            time.sleep(0.1)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def replicating(lock_path: Path) -> bool:
    """Whether a `frontdesk replicate` holds the lock for this database now."""
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _interval(value: str, option: str) -> str:
    from .replica import check_interval

    return check_interval(value, option)


@click.command()
@click.option("--to", "targets", multiple=True, metavar="URL",
              help="Where the copy goes: file:///dir, sftp://user@host/path or s3://bucket/path.")
@click.option("--sync-interval", default="1s", show_default=True,
              help="How often changes are sent to the replica.")
@click.option("--retention", default="", help="How long past states are kept for --at restores (Litestream's default 24h).")
@click.option("--snapshot-interval", default="", help="A full snapshot this often (shorter restores), e.g. 6h.")
@click.option("--ssh-key", default="", help="SFTP: the private key to log in with (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa).")
@click.option("--print-config", is_flag=True, help="Print Litestream's configuration and stop.")
@click.option("--systemd-unit", "unit", is_flag=True, help="Print a systemd unit that runs this at boot, and stop.")
@click.option("--status", "status", is_flag=True,
              help="When the last change reached the replica; exit 1 when it is behind by more than --max-lag.")
@click.option("--max-lag", default="5m", show_default=True, help="With --status: how far behind is too far.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="With --status.")
@click.pass_obj
def replicate(ctx: Context, targets, sync_interval, retention, snapshot_interval, ssh_key, print_config,
              unit, status, max_lag, fmt) -> None:
    """Keep a continuous off-site copy of the desk (Litestream), until stopped (SIGTERM)."""
    from .replica import (
        Plan,
        check_database,
        litestream,
        parse_replica,
        settle_after_stop,
        write_config,
    )

    database = ctx.database().expanduser().absolute()
    if status:
        if targets:
            raise click.UsageError("--status reads the replica set up before; give it without --to")
        sys.exit(_status(ctx, max_lag, fmt))
    if not targets:
        raise click.UsageError("give the replica with --to URL (file:///dir, sftp://user@host/path, s3://bucket/path)")
    if len(targets) > 1:
        raise DeskError("Litestream 0.5 keeps one replica per database (several replicators on one file keep "
                        "its WAL from ever being reset): give one --to, and copy that replica onward "
                        "(bucket replication, or rsync of a file replica)")
    from .replica import DEFAULT_MONITOR, interval_seconds

    sync = _interval(sync_interval, "--sync-interval")
    # Litestream looks at the WAL this often: at most the sync interval, so a short one is kept.
    monitor = sync if interval_seconds(sync, "--sync-interval") < interval_seconds(DEFAULT_MONITOR, "") \
        else DEFAULT_MONITOR
    plan = Plan(database=database, replica=parse_replica(targets[0], ssh_key=ssh_key),
                sync_interval=sync, monitor_interval=monitor,
                retention=_interval(retention, "--retention") if retention else "",
                snapshot_interval=_interval(snapshot_interval, "--snapshot-interval") if snapshot_interval else "")
    if print_config:
        from .replica import config_text

        click.echo(config_text(plan), nl=False)
        return
    if unit:
        import shutil

        from .paths import login_user
        from .replica import systemd_unit

        program = shutil.which("frontdesk") or str(Path(sys.executable).with_name("frontdesk"))
        click.echo(systemd_unit(plan, program, login_user()), nl=False)
        return
    binary = litestream()
    for line in check_database(database):
        click.echo(f"frontdesk: {line}", err=True)
    config = write_config(plan, _config_path(ctx))
    lock_path = config.with_name(config.name + ".lock")
    lock = _lock(lock_path)
    try:
        click.echo(f"frontdesk: replicating {database} to {plan.replica.url} (configuration {config}); "
                   "stop with SIGTERM or Ctrl-C", err=True)
        code, asked = foreground([str(binary), "replicate", "-no-expand-env", "-config", str(config)],
                                 keep_fds=(lock,))
        with contextlib.suppress(OSError):
            # Still holding the lock: fold the WAL in and leave the stop mark for --status
            # (replica.settle_after_stop); the lock's time says when replication stopped.
            mark = settle_after_stop(database).encode()
            os.ftruncate(lock, 0)
            os.pwrite(lock, mark, 0)
            os.utime(lock_path)
    finally:
        os.close(lock)
    if asked and code in (0, -signal.SIGTERM, -signal.SIGINT):
        click.echo("frontdesk: replication stopped", err=True)
        return
    raise DeskError(f"Litestream stopped by itself (exit status {code}); its log above says why")


def _status(ctx: Context, max_lag: str, fmt: str) -> int:
    import json

    from .replica import interval_seconds, read_config, read_stop_mark, replica_status

    limit = timedelta(seconds=interval_seconds(max_lag, "--max-lag"))
    config = _config_path(ctx)
    database, url = read_config(config)
    from .replica import litestream

    binary = litestream()
    now = ctx.clock.now()
    lock = config.with_name(config.name + ".lock")
    live = replicating(lock)
    state = replica_status(binary, config, database, url, live, now, stopped_at=_mtime(lock),
                           mark=None if live else read_stop_mark(lock))
    if fmt == "json":
        click.echo(json.dumps({"database": str(database), "replicas": [state.as_json(limit)]}, indent=2))
    else:
        from zoneinfo import ZoneInfo

        from .replica import desk_timezone

        zone = ZoneInfo(desk_timezone(database) or "UTC")  # the desk's own, never $TZ
        reached = (f"{state.replica_at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z} ({_ago(now - state.replica_at)} ago)"
                   if state.replica_at else "never")
        running = "replicating" if state.running else "NOT RUNNING"
        mark = "BEHIND" if state.behind(limit) else ("behind" if state.pending_since else "up to date")
        click.echo(f"{url}  {running}  last change reached it {reached}  {mark}"
                   + (f" by {_ago(state.lag)}" if state.pending_since else ""))
    return BEHIND if state.behind(limit) else OK


def _mtime(path: Path) -> datetime | None:
    from datetime import UTC

    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


@click.command()
@click.option("--from", "source", required=True, metavar="URL", help="The replica: file:///dir, sftp://..., s3://...")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="A new file to restore into (never an existing one).")
@click.option("--at", "at_text", default=None,
              help="A past moment instead of the newest state: 'yesterday 16:00', '2h ago', ISO 8601.")
@click.option("--follow", is_flag=True,
              help="Keep the copy current until stopped (a read-only office copy for --office).")
@click.option("--ssh-key", default="", help="SFTP: the private key to log in with.")
@click.pass_obj
def restore(ctx: Context, source, output, at_text, follow, ssh_key) -> None:
    """Restore the desk from its replica into a new file, check it and say what it holds."""
    import shutil
    import subprocess
    import tempfile

    from .replica import (
        inspect_copy,
        litestream,
        parse_replica,
        refuse_existing,
        restore_args,
        restore_config,
    )

    if follow and at_text:
        raise click.UsageError("--follow keeps the newest state; it does not go with --at")
    output = output.expanduser().absolute()
    refuse_existing(output)
    replica = parse_replica(source, ssh_key=ssh_key)
    at = _restore_time(ctx, at_text) if at_text else None
    binary = litestream()
    work = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.restore-"))
    try:
        config = work / "litestream.yml"
        config.write_text(restore_config(replica, output), encoding="utf-8")
        os.chmod(config, 0o600)
        if follow:
            _follow(binary, config, output)
            return
        target = work / "desk.db"
        result = subprocess.run(restore_args(binary, config, target, output, at, follow=False),
                                capture_output=True, text=True, preexec_fn=_private)
        if result.returncode != 0 or not target.is_file():
            lines = (result.stderr or result.stdout).strip().splitlines()
            why = lines[-1] if lines else f"exit status {result.returncode}"
            if "no matching backup" in why or "no snapshots" in why or "not found" in why.lower():
                why = f"no copy of a desk at {replica.url}" + (" at that time" if at else "") + f" ({why})"
            raise DeskError(f"restore failed: {why}; nothing was written")
        summary = inspect_copy(target)
        try:
            os.link(target, output)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise DeskError(f"{output} appeared while restoring; nothing was written over it") from None
        except OSError as exc:
            raise DeskError(f"cannot write {output}: {exc.strerror or exc}") from None
        for line in summary.words(output):
            click.echo(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _restore_time(ctx: Context, text: str) -> datetime:
    """--at in the desk's timezone: the live desk's stored one when its file is here, else this
    machine's."""
    from zoneinfo import ZoneInfo

    from .replica import desk_timezone
    from .settings import local_timezone_name
    from .when import parse_when

    database = ctx.database()
    zone_name = (desk_timezone(database) if database.is_file() else None) or local_timezone_name()
    now = ctx.clock.now()
    at = parse_when(text, now, ZoneInfo(zone_name), past=True, purpose="call")
    if at > now:
        raise DeskError(f"--at {text} is in the future")
    return at


def _follow(binary: Path, config: Path, output: Path) -> None:
    from .replica import inspect_copy, restore_args

    click.echo(f"frontdesk: following the replica into {output} (open it read-only, e.g. "
               f"--office NAME={output}); stop with SIGTERM or Ctrl-C", err=True)

    import threading

    def report(child) -> None:
        def watch() -> None:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and child.poll() is None:
                if output.is_file():
                    time.sleep(0.5)
                    with contextlib.suppress(DeskError):
                        for line in inspect_copy(output).words(output):
                            click.echo(f"frontdesk: {line}", err=True)
                        return
                time.sleep(0.2)

        threading.Thread(target=watch, daemon=True).start()

    code, asked = foreground(restore_args(binary, config, output, output, None, follow=True), on_started=report)
    if asked and code in (0, -signal.SIGTERM, -signal.SIGINT):
        click.echo("frontdesk: stopped following", err=True)
        return
    raise DeskError(f"Litestream stopped by itself (exit status {code}); its log above says why")


def register(group: click.Group) -> None:
    group.add_command(replicate)
    group.add_command(restore)
