"""The desk's timezone and region belong to the database file, not to each process's $TZ: the
first desk to open a file stores the machine's, and every process then uses the stored ones."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store
from frontdesk.when import parse_when

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NEW_YORK = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
LONDON = {"TZ": "Europe/London", "FRONTDESK_REGION": "GB"}
TOKYO = {"TZ": "Asia/Tokyo", "FRONTDESK_REGION": "JP"}


def open_desk(path, env: dict[str, str], who: str = "ann") -> Desk:
    return Desk(Store(open_database(path)), FixedClock(NOW), who, env=env)


def stored_keys(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT key FROM settings")}
    finally:
        conn.close()


def test_desks_in_different_timezones_share_the_first_desks_zone(db_path):
    desks = [open_desk(db_path, env, who) for env, who in ((NEW_YORK, "ann"), (LONDON, "ben"), (TOKYO, "cy"))]
    try:
        assert {d.settings.tz for d in desks} == {"America/New_York"}
        assert {d.region for d in desks} == {"US"}
        # "14:30" is one instant whoever types it.
        instants = {parse_when("14:30", NOW, d.zone) for d in desks}
        assert instants == {datetime(2026, 11, 23, 19, 30, tzinfo=UTC)}
        assert {d.day_bounds(d.today()) for d in desks} == {desks[0].day_bounds(desks[0].today())}
    finally:
        for d in desks:
            d.store.close()
    assert stored_keys(db_path) >= {"hours", "region"}
    later = open_desk(db_path, TOKYO)  # a later process, another shell: the same
    assert (later.settings.tz, later.region) == ("America/New_York", "US")
    later.store.close()


def test_a_stored_value_is_never_replaced_by_a_later_first_use(db_path):
    """Two desks opening a new file at the same moment both find nothing stored; the second
    one's insert keeps the first one's value (INSERT ... ON CONFLICT DO NOTHING)."""
    first = open_desk(db_path, LONDON)
    store = first.store
    with store.write():
        store.put_setting("region", "JP", NOW, "cy", replace=False)
    assert store.settings()["region"] == "GB"
    assert first.reload_settings().tz == "Europe/London"
    store.close()


def test_a_read_only_file_opens_with_the_machines_zone_and_is_not_written(tmp_path, make_read_only):
    path = tmp_path / "desk.db"
    open_database(path).close()  # a FrontDesk file whose settings were never stored
    make_read_only(path)
    desk = open_desk(path, TOKYO)
    try:
        assert (desk.settings.tz, desk.region) == ("Asia/Tokyo", "JP")
        assert desk.callbacks.due() == []
    finally:
        desk.store.close()
    assert stored_keys(path) == set()
