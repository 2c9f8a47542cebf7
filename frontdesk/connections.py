"""The two connections every store works through: a writer for every write, one at a time,
and a reader of its own, which in WAL mode never waits for a writer. The file at the path is
watched: a write is refused once the file was deleted or replaced, and the store can reopen
the path."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from .db import Connection, DatabaseMoved, database_path, file_identity, open_reader, transaction


class Connections:
    """Two connections to one file. The writer (`db`) takes every write, one at a time under
    `lock`. Reads use a second connection of their own: in WAL mode a reader never waits for a
    writer, so a screen that reads (on the UI thread or in a worker) is never held up by this
    desk's save or another process's write lock. A read made inside a write, on the writing
    thread, uses the writer, so it sees what the write has done so far."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.lock = threading.RLock()  # the writer connection
        self._read_lock = threading.RLock()  # the reader connection
        self._reader: sqlite3.Connection | None = None
        self._writing = threading.local()
        self.path = database_path(db)
        self.identity = file_identity(self.path)
        # The write-ahead log this file was opened with (WAL mode makes it on open): told apart
        # from one that came with a file put in its place (see reopen).
        self.wal_identity = file_identity(self.path + "-wal") if self.path else None

    # -- plumbing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection a read on this thread uses, held for the read."""
        if getattr(self._writing, "depth", 0):
            yield self.db.conn  # the lock is already held by this thread's write
            return
        with self._read_lock:
            if self._reader is None:
                self._reader = open_reader(self.path) if self.path else self.db.conn
            yield self._reader

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._reading() as conn:
            cursor = conn.execute(sql, list(params))
            keys = [d[0] for d in cursor.description or ()]
            return [dict(zip(keys, row, strict=True)) for row in cursor]

    def records(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Like rows, for the hot lists (calls, callbacks) that go straight into records:
        sqlite3.Row is read by column name like a dict, without building one per row."""
        with self._reading() as conn:
            cursor = conn.cursor()
            cursor.row_factory = sqlite3.Row
            try:
                return cursor.execute(sql, list(params)).fetchall()
            finally:
                cursor.close()

    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def only(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any]:
        """The row of a query that always returns one (an aggregate: count, sum, max)."""
        row = self.one(sql, params)
        if row is None:
            raise LookupError(f"no row where one is always returned: {sql}")
        return row

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        """Several reads from one snapshot of the database (a deferred read transaction on the
        reader). Inside a write, the write's own view is used."""
        with self._reading() as conn:
            if conn.in_transaction:
                yield
                return
            conn.execute("BEGIN")
            try:
                yield
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def write(self) -> Any:
        """A write transaction (BEGIN IMMEDIATE) on the writer, holding its lock. Refused when
        the file at the path is no longer the one this store opened (deleted or replaced):
        writing on would go to a file nobody else sees."""
        store = self

        class _Write:
            def __enter__(self_inner):
                store.lock.acquire()
                try:
                    if not getattr(store._writing, "depth", 0):
                        store.check_file()
                    self_inner.tx = transaction(store.db)
                    entered = self_inner.tx.__enter__()
                except BaseException:
                    store.lock.release()
                    raise
                store._writing.depth = getattr(store._writing, "depth", 0) + 1
                return entered

            def __exit__(self_inner, *exc):
                store._writing.depth -= 1
                try:
                    return self_inner.tx.__exit__(*exc)
                finally:
                    store.lock.release()

        return _Write()

    def trace(self, callback) -> None:
        """Pass every statement either connection runs to `callback` (None stops): for tests
        that check which queries a use case makes, and for debugging."""
        with self.lock, self._reading() as reader:
            self.db.conn.set_trace_callback(callback)
            reader.set_trace_callback(callback)

    def check_file(self) -> None:
        """DatabaseMoved when the file at the path was deleted or replaced since it was opened."""
        if self.path and file_identity(self.path) != self.identity:
            raise DatabaseMoved(self.path)

    def file_moved(self) -> bool:
        return bool(self.path) and file_identity(self.path) != self.identity

    def reopen(self) -> None:
        """Open the file now at the path (after it was replaced, or restored from a backup).
        The old connections close first, so whatever they still hold goes to the old file."""
        from .db import open_database

        with self.lock, self._read_lock:
            if self._reader is not None and self._reader is not self.db.conn:
                with contextlib.suppress(sqlite3.Error):
                    self._reader.close()
            self._reader = None
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            if file_identity(self.path) != self.identity:
                self._set_aside_old_log()
            self.db = open_database(self.path)
            self.identity = file_identity(self.path)
            self.wal_identity = file_identity(self.path + "-wal")

    def _set_aside_old_log(self) -> None:
        """The file was replaced while open: the write-ahead log at its path still belongs to
        the old file (SQLite does not delete it when the old file's last connection closes).
        Opened with the new file, SQLite would replay the old file's pages into it: a restored
        backup would silently hold the old data again. The old log (and its index) are renamed
        beside it, kept, not deleted; a log that came with the new file is left in place."""
        wal = self.path + "-wal"
        if self.wal_identity is None or file_identity(wal) != self.wal_identity:
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("-wal", "-shm"):
            old = self.path + suffix
            if os.path.exists(old):
                os.replace(old, f"{old}.of-replaced-file-{stamp}")

    def _insert(self, table: str, row: dict) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        if cursor.lastrowid is None:  # sqlite3 sets it after every INSERT into a rowid table
            raise LookupError(f"no id for the row inserted into {table}")
        return cursor.lastrowid

    def data_version(self) -> int:
        """Changes whenever another connection commits (PRAGMA data_version, on the reader: this
        desk's own writer counts as another connection too). Never waits for a writer."""
        with self._reading() as conn:
            return conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self.lock, self._read_lock:
            if self._reader is not None and self._reader is not self.db.conn:
                self._reader.close()
            self._reader = None
            self.db.close()
