"""Opening the app: the one function both the `frontdesk` command (launch.py) and the click CLI
(cli.py) call, so neither imports the other for it. Textual is imported only in here, after
the terminal settings it reads at import are in place."""

from __future__ import annotations

import os


def open_app(db: str | None = None, operator: str | None = None) -> None:
    from pathlib import Path

    from .clock import SystemClock
    from .paths import default_db_path, operator_name

    # Textual reads ESCDELAY when it is imported: Esc should feel immediate (Textual's own
    # default waits 100 ms); an explicit setting wins.
    os.environ.setdefault("ESCDELAY", "50")
    from .app import run_app

    db_path = Path(db).expanduser() if db else default_db_path()
    run_app(db_path, operator_name(operator), SystemClock())
