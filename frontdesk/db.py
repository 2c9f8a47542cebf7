"""Opening the database file: WAL, durable commits, waiting writers, schema upgrades."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _busy_timeout_ms() -> int:
    """How long a writer waits for another's lock: 8 s, or $FRONTDESK_BUSY_TIMEOUT_MS (tests
    use a short wait to see what happens when it runs out)."""
    try:
        return max(0, int(os.environ.get("FRONTDESK_BUSY_TIMEOUT_MS", "8000")))
    except ValueError:
        return 8000


BUSY_TIMEOUT_MS = _busy_timeout_ms()

# The schema steps this version knows, in order (frontdesk/migrations.py defines them; a test
# keeps the two lists equal). Named here so that opening an up-to-date file needs neither
# sqlite-utils nor the steps themselves.
SCHEMA_STEPS = ("m001_desk", "m002_search_and_drafts", "m003_acknowledge", "m004_lookup_indexes",
                "m005_operators", "m006_phone_events", "m007_contacts", "m008_messages",
                "m009_complaints")
MIGRATION_SET = "frontdesk"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' record of the steps applied
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs"}
MOUNTS = Path("/proc/mounts")  # where filesystem_type looks; tests point it at a fake table
# While Litestream replicates the file (`frontdesk replicate`), checkpoints are its own: it
# checkpoints at 1,000 WAL pages and holds a read lock in between; a desk's automatic checkpoint
# at SQLite's default 1,000 pages could run in the moment Litestream lets go and restart the WAL
# under it (then Litestream must send a whole new snapshot). Litestream's tips say: no
# automatic checkpoints in the application. A desk still needs them when Litestream has stopped
# (or the WAL would grow all day), so on a replicated file (Litestream's state directory beside
# it) a desk checkpoints only past this many pages (~40 MB); while Litestream runs it keeps the
# WAL well below (at most 2,648 pages measured with four desks logging calls non-stop).
REPLICATED_AUTOCHECKPOINT = 10000
LITESTREAM_TABLES = frozenset({"_litestream_seq", "_litestream_lock"})  # Litestream adds these


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""


class Connection:
    """The one sqlite3 connection and the few helpers the store uses, the same as
    sqlite-utils' Database offers (execute, query, conn, close). sqlite-utils itself is loaded
    only when the schema has steps to apply (`as_database`): an up-to-date file opens without
    it (docs/performance.md)."""

    def __init__(self, conn: sqlite3.Connection, read_only: bool = False) -> None:
        self.conn = conn
        self.read_only = read_only  # opened with mode=ro (an office's file): its reader is too

    def execute(self, sql: str, params: Any = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, params if params is not None else [])

    def query(self, sql: str, params: Any = None) -> Iterator[dict]:
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def close(self) -> None:
        self.conn.close()

    def as_database(self):
        """The same connection as a sqlite-utils Database (for the schema steps)."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)


def filesystem_type(path: Path, mounts_file: Path | None = None) -> str:
    """The type of the filesystem holding path, from /proc/mounts ('' when unknown)."""
    try:
        mounts = Path(mounts_file or MOUNTS).read_text().splitlines()
    except OSError:
        return ""
    target = str(path.resolve())
    best, kind = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) >= len(best):
            best, kind = mount_point, parts[2]
    return kind


def _create_private(path: Path) -> None:
    """Create a new database file readable by its owner (and group, if the directory is shared
    with setgid); SQLite gives the -wal and -shm files the same permissions. An existing empty
    file (`touch desk.db`, an installer's placeholder) is a new database too and gets the same
    mode; a file that already holds data keeps the mode its owner gave it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shared = bool(path.parent.stat().st_mode & 0o2000)
    mode = 0o660 if shared else 0o600
    if path.exists():
        _make_empty_private(path, mode)
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        return  # another desk created it a moment ago
    try:
        os.fchmod(fd, mode)  # exactly this mode: a umask of 022 would take the group's write away
    finally:
        os.close(fd)


def _make_empty_private(path: Path, mode: int) -> None:
    """Give an existing 0-byte regular file `mode` (best effort: another user's file is left).
    By name, never by opening it: closing any descriptor of a database file drops the POSIX
    locks every SQLite connection of this process holds on it."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode) and st.st_size == 0 and stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """PRAGMA journal_mode = WAL fails at once with 'database is locked' (the busy handler is
    not consulted) while another process is opening or converting the same file: retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def connect(path: Path | str) -> Connection:
    """A connection in autocommit mode; writes go through `transaction`."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if filesystem_type(path.parent if not path.exists() else path) in NETWORK_FILESYSTEMS:
        raise DatabaseError(
            f"{path} is on a network filesystem; SQLite's WAL mode needs a local disk. "
            "Keep the database on the office machine and have everyone ssh in."
        )
    try:
        _create_private(path)
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
        )
    except OSError as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    except sqlite3.Error as exc:
        raise DatabaseError(describe_storage_error(exc, path)) from None
    db = Connection(conn)
    with _closed_on_failure(conn.close, path):
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _refuse_foreign(db, path)  # before the first write (the WAL switch) touches the file
        mode = _switch_to_wal(conn)
        if mode.lower() != "wal" and os.access(path, os.W_OK):
            raise DatabaseError(f"cannot switch {path} to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # As sqlite-utils' Database sets it, so every start runs triggers the same way whether or
        # not a schema step (which goes through sqlite-utils) ran first.
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute("PRAGMA journal_size_limit = 67108864")
        if is_replicated(path):
            conn.execute(f"PRAGMA wal_autocheckpoint = {REPLICATED_AUTOCHECKPOINT}")
    return db


def is_replicated(path: Path) -> bool:
    """Whether Litestream replicates (or has replicated) this file: its state directory, which
    Litestream 0.5 keeps beside the database as .NAME-litestream."""
    return os.path.isdir(path.with_name(f".{path.name}-litestream"))


SQLITE_MAGIC = b"SQLite format 3\x00"
RESTORE = ("Restore the latest backup: frontdesk backup makes them; copy one over this file "
           "while no desk is open.")


def describe_storage_error(exc: BaseException, path: Path | str | None = None) -> str:
    """One sentence for the user about a failure of the database file itself (locked past the
    busy timeout, read-only, disk full, damaged, ...): the command line prints it, and the
    app's screens show the same words."""
    where = str(path) if path else "the database"
    name = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in message:
        return (f"the database is locked by another desk for more than {BUSY_TIMEOUT_MS / 1000:g} s; "
                "try again")
    if is_read_only(exc):
        return f"the database file {where} is read-only: nothing can be saved (see its permissions)"
    if name == "SQLITE_FULL" or "disk is full" in message or (name.startswith("SQLITE_IOERR") and _disk_full(path)):
        return f"the disk holding {where} is full: nothing was saved. Free some space and try again"
    if is_damaged(exc):
        if path and _holds_text(Path(path)):
            return f"{where} is not a FrontDesk database (it holds text, not a database); it was not changed"
        return f"{where} is damaged ({message}). {RESTORE}"
    if "Could not decode to UTF-8" in message:
        return (f"{where} holds text that is not valid UTF-8 ({message}): another program wrote it, "
                f"or the file is damaged. {RESTORE}")
    if name.startswith("SQLITE_IOERR"):
        return f"cannot read or write {where} ({message}); check the disk"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot open {where} ({message})"
    return f"{where}: {message}"


def is_damaged(exc: BaseException) -> bool:
    """SQLite found the file's structure broken (truncated, overwritten, not SQLite at all)."""
    name, message = getattr(exc, "sqlite_errorname", "") or "", str(exc)
    return (name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in message
            or "file is not a database" in message)


def _disk_full(path: Path | str | None) -> bool:
    """SQLite reports some writes that find no space (growing the -shm file) as I/O errors."""
    try:
        return os.statvfs(Path(path).parent if path else ".").f_bavail == 0
    except OSError:
        return False


def _holds_text(path: Path) -> bool:
    """A text file named as the database by mistake (not SQLite's header, readable as UTF-8, no
    NUL byte): not damage, and never a file to copy a backup over."""
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    if head.startswith(SQLITE_MAGIC) or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the end of the sample
    return True


def is_read_only(exc: BaseException) -> bool:
    """SQLite refused a write because the file (or its directory, or the connection) is read-only."""
    return getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY")


def _refuse_foreign(db: Connection, path: Path) -> None:
    """Refuse another program's SQLite file, or a newer FrontDesk's, without writing to it."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables - {MIGRATIONS_TABLE} - LITESTREAM_TABLES:
        return  # a new (or empty) file (Litestream may have added its two tables already)
    if not applied_steps(db):
        raise DatabaseError(
            f"{path} is not a FrontDesk database (it holds another program's tables); "
            "it was not changed"
        )
    _refuse_newer(db)


_savepoints = itertools.count()
# Waiting for another connection's write lock: SQLite's own busy handler sleeps in growing steps
# (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms...). A writer that has backed off to the long
# steps sleeps on after the lock is free, and while the lock is busy most of the time the writers
# that try often take it first: the one that waited longest can wait seconds
# (tests/bench/handoff.py). `_begin_immediate` polls instead, every 1-3 ms with jitter, up to the
# same deadline: the connection's busy timeout.
LOCK_POLL_SECONDS = (0.001, 0.003)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code & 0xFF) == sqlite3.SQLITE_BUSY if code is not None else "locked" in str(exc)


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried every few ms while another connection holds the write lock, for
    as long as the connection's busy timeout; then the same 'database is locked' error as
    SQLite's own handler gives. The busy timeout is off only while trying, so every other wait
    (reads during a recovery, a checkpoint) keeps SQLite's handler and the full timeout."""
    timeout_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    if timeout_ms <= 0:
        conn.execute("BEGIN IMMEDIATE")
        return
    deadline = time.monotonic() + timeout_ms / 1000
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(min(random.uniform(*LOCK_POLL_SECONDS), max(0.0, deadline - time.monotonic())))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")


@contextlib.contextmanager
def transaction(db) -> Iterator[Any]:
    """BEGIN IMMEDIATE: take the write lock first, so concurrent writers wait (up to the busy
    timeout, polling: `_begin_immediate`) instead of failing when a read turns into a write.
    Nested use becomes a savepoint.
    `db` is a Connection (or a sqlite-utils Database: anything with `.conn`)."""
    conn = db.conn
    if conn.in_transaction:
        name = f"fd_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:  # an I/O error may already have rolled everything back
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    _begin_immediate(conn)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def applied_steps(db) -> list[str]:
    """The schema steps applied to this file, in order (read without sqlite-utils)."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [MIGRATIONS_TABLE]).fetchone()
    if not exists:
        return []
    rows = db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                      [MIGRATION_SET]).fetchall()
    return [row[0] for row in rows]


def _refuse_newer(db) -> None:
    unknown = [name for name in applied_steps(db) if name not in SCHEMA_STEPS]
    if unknown:
        raise DatabaseError(
            f"this database was written by a newer FrontDesk (schema step {unknown[-1]}); "
            "upgrade FrontDesk to open it. The file was not changed."
        )


def upgrade(db: Connection) -> None:
    """Apply pending schema steps, one transaction each; refuse a database from a newer version.
    An up-to-date file (every start but the first after an upgrade) costs one query."""
    _refuse_newer(db)
    if set(SCHEMA_STEPS) <= set(applied_steps(db)):
        return
    from .migrations import migrations

    database = db.as_database()
    while migrations.pending(database):
        with transaction(db):
            pending = migrations.pending(database)  # another process may have upgraded meanwhile
            if pending:
                migrations.apply(database, stop_before=[m.name for m in pending[1:]])


def open_database(path: Path | str) -> Connection:
    db = connect(path)
    with _closed_on_failure(db.close, path):
        upgrade(db)
    return db


@contextlib.contextmanager
def _closed_on_failure(close, path: Path | str) -> Iterator[None]:
    """A connection that fails while it is being set up is closed, and the failure said in
    the user's words (locked past the busy timeout, damaged, I/O, not a database)."""
    try:
        yield
    except sqlite3.Error as exc:
        close()
        raise DatabaseError(describe_storage_error(exc, path)) from None
    except DatabaseError:
        close()
        raise



class DatabaseMoved(DatabaseError):
    """The file at the database's path was deleted or replaced while it was open: what this
    process would write would go to a file no other desk sees."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"the database file {path} was deleted or replaced while FrontDesk had it open; "
            "nothing was saved. Reopen the file at that path to go on."
        )
        self.path = path


def database_path(db: Connection) -> str:
    """The main database file's path ('' for an in-memory database)."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or ""
    return ""


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at path, None when there is none: changes when the file is
    deleted, or replaced by another (a restored backup, a copy moved over it)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def open_reader(path: str, read_only: bool = False) -> sqlite3.Connection:
    """A second connection for reads only. In WAL mode it reads the last committed state and
    never waits for a writer (a short busy timeout covers the rare moments a reader must wait,
    such as another process recovering the WAL index). `read_only` opens the file with
    mode=ro, so that nothing (not even the checkpoint of a last connection closing) writes it."""
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if read_only else path
    conn = sqlite3.connect(target, timeout=1.0, check_same_thread=False, isolation_level=None,
                           uri=read_only)
    conn.execute("PRAGMA query_only = 1")
    return conn
