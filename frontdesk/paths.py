"""Where files live: the default database in the user's data directory, shipped data files."""

from __future__ import annotations

import os
from pathlib import Path

APP = "frontdesk"


def default_db_path() -> Path:
    """$FRONTDESK_DB, else desk.db in the platform's user data directory (XDG on Linux)."""
    env = os.environ.get("FRONTDESK_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs  # only here: a command given --db (every script's `log`) never needs it

    return platformdirs.user_data_path(APP) / "desk.db"


def data_dir() -> Path:
    """The `data/` folder: inside the installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    return packaged if packaged.is_dir() else here.parent / "data"


def login_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no passwd entry in a container, say
        return os.environ.get("USER", "") or "desk"


def operator_name(option: str | None = None) -> str:
    """--operator, else FRONTDESK_OPERATOR, else the login user."""
    return (option or os.environ.get("FRONTDESK_OPERATOR") or login_user()).strip() or "desk"


def replica_config_path(database: Path) -> Path:
    """Where `frontdesk replicate` keeps Litestream's configuration for `database`: the user's
    data directory, one file per database (named after it and a digest of its full path)."""
    import hashlib

    import platformdirs

    real = os.path.realpath(database)
    tag = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return platformdirs.user_data_path(APP) / "replica" / f"{Path(real).stem}-{tag}.yml"
