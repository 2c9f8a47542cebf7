"""The `frontdesk` command. Opening the app (no subcommand) does not load click and the script
commands (docs/performance.md). Anything else goes to the click CLI in cli.py."""

from __future__ import annotations

import sys

from .opening import open_app

APP_OPTIONS = ("--db", "--operator")


def app_options(args: list[str]) -> dict[str, str] | None:
    """{'--db': ..., '--operator': ...} when the arguments only choose the database and the
    operator (so the command opens the app); None for anything else, which click handles,
    including its errors and --help."""
    chosen: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in APP_OPTIONS or name in chosen:
            return None
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        if not value:
            return None
        chosen[name] = value
    return chosen


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    chosen = app_options(args)
    if chosen is None:
        from .cli import main as cli_main

        return cli_main(args)
    try:
        open_app(chosen.get("--db"), chosen.get("--operator"))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line and status 2, as every command (cli.main)
        from pathlib import Path

        from .errors import describe_failure
        from .paths import default_db_path

        db = Path(chosen["--db"]).expanduser() if "--db" in chosen else default_db_path()
        try:
            print(f"frontdesk: {describe_failure(exc, db)}", file=sys.stderr)
        except OSError:
            pass
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
