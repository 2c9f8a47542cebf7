"""Durable file replacement helpers shared by export and backup."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_directory(folder: Path) -> None:
    """Make a rename inside `folder` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
