"""Shared fixtures: every test runs on its own temporary database, away from the user's files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store

DESK_ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
# Monday 23 November 2026, 10:00 in New York.
MONDAY_10AM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """No test may touch the real user's data directory, database or identity."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("FRONTDESK_DB", str(home / "default.db"))
    monkeypatch.setenv("FRONTDESK_OPERATOR", "ann")
    for key, value in DESK_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10AM)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "desk.db"


@pytest.fixture
def desk(db_path, clock):
    store = Store(open_database(db_path))
    yield Desk(store, clock, "ann", env=DESK_ENV)
    store.close()


@pytest.fixture
def make_read_only():
    """Make a file read-only for SQLite, also for root (whom chmod 0444 does not stop): the
    immutable attribute (chattr +i), removed again afterwards. Skips, saying why, where neither
    works."""
    import os
    import subprocess

    made: list = []

    def make(path) -> None:
        if os.geteuid() != 0:
            path.chmod(0o444)
            return
        try:
            result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        except FileNotFoundError:
            pytest.skip("cannot make a file read-only as root here: no chattr")
        if result.returncode != 0:
            pytest.skip(f"cannot make a file read-only as root here (chattr +i: {result.stderr.strip()})")
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)
