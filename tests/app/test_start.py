"""What a start does before its first frame (mechanisms, not milliseconds: tests/bench/bench.py
times it). The first frame already shows the queue and today's calls, read on the UI thread,
and nothing is loaded that the desk does not need yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from frontdesk.clock import SystemClock
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
NOT_BEFORE_THE_FIRST_FRAME = [
    "sqlite_utils",  # the schema is current: one query says so
    "click",  # the command line's parser: `frontdesk` alone goes straight to the app
    "phonenumbers",  # loaded once the desk is drawn
    "textual.widgets._data_table",  # lists are RowTables
    "textual.widgets._footer",  # the key line is a KeyBar
    "textual.widgets._text_area",  # asking whether the user is typing must not import it
    "screens.modals",  # dialogs load when one opens
]

FIRST_FRAME = r"""
import json, os, sys
from pathlib import Path
import frontdesk.launch  # the console script's module
from frontdesk.app import FrontDeskApp
from frontdesk.clock import SystemClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store
from textual.screen import Screen

seen = {}
draw = Screen._compositor_refresh

def first_frame(screen):
    draw(screen)
    if type(screen).__name__ == "DeskScreen" and not seen:
        app = screen.app
        seen["screens"] = [type(s).__name__ for s in app.screen_stack]
        seen["queue_rows"] = screen.query_one("#queue").row_count
        seen["call_rows"] = screen.query_one("#calls").row_count
        seen["titles"] = [str(screen.query_one(f"#{t}").content) for t in ("queue-title", "calls-title")]
        seen["workers_done"] = sum(1 for w in app.workers if w.is_finished)
        seen["loaded"] = sorted(m for m in NAMES if m in sys.modules)
        app.exit()

Screen._compositor_refresh = first_frame
NAMES = json.loads(sys.argv[2])
desk = Desk(Store(open_database(Path(sys.argv[1]))), SystemClock(), "ann")
FrontDeskApp(desk, offer_draft=False).run(headless=True, size=(80, 24))
print(json.dumps(seen))
"""


def test_the_first_frame_shows_the_desk_with_nothing_loaded_that_can_wait(tmp_path):
    db = tmp_path / "desk.db"
    desk = Desk(Store(open_database(db)), SystemClock(), "ann", env={"FRONTDESK_REGION": "US"})
    now = desk.clock.now()
    for i in range(3):
        desk.log_call(NewCall(phone=f"+1404555010{i}", name=f"Caller {i}", topic="Parts",
                              callback_due=now + timedelta(hours=1 + i), at=now - timedelta(minutes=i)))
    desk.store.close()
    env = {**os.environ, "FRONTDESK_REGION": "US"}
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(db), json.dumps(NOT_BEFORE_THE_FIRST_FRAME)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["screens"] == ["DeskScreen"]  # the desk is the base screen, not pushed over another
    assert seen["queue_rows"] == 3 and seen["call_rows"] == 3  # read before the first frame...
    assert seen["workers_done"] == 0  # ...on the UI thread, not by a worker
    assert seen["titles"][0] == "Callbacks (all, 3 open)"
    assert seen["titles"][1].startswith("Today's calls (3 of 3")
    assert seen["loaded"] == []
