"""Writing a file the user named (export --output, backup): only a regular file, never through a
symbolic link unless asked, never over an existing file unless asked, and always whole.

`check_target` decides which file will be replaced (or refuses, with one clear sentence);
`temp_beside` makes the temporary file next to it; `replace_file` renames the finished
temporary over it atomically. The rename replaces a directory entry, so nothing is ever written
*through* a name: a device, a FIFO or another file a link points at stays untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import DeskError

MAX_LINKS = 40  # as the kernel: more hops than this is a loop
COMPANIONS = ("-wal", "-shm", "-journal")
_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def fsync_directory(folder: Path) -> None:
    """Make a rename inside `folder` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def is_live_database(target: Path | str, live: Path | str) -> bool:
    """Whether target (through any links) is the database file `live` or one of its -wal, -shm
    or -journal files, by name or as the same file (a hard link)."""
    real, live = Path(os.path.realpath(target)), Path(os.path.realpath(live))
    if real in {live, *(live.with_name(live.name + suffix) for suffix in COMPANIONS)}:
        return True
    with contextlib.suppress(OSError):
        return real.exists() and os.path.samefile(real, live)
    return False


def _real_parent(name: str) -> Path:
    """`name` with its directory resolved (links and `..` in it), its last part kept as is."""
    head, last = os.path.split(name)
    if last in ("", ".", ".."):
        return Path(os.path.realpath(name))
    return Path(os.path.realpath(head or ".")) / last


def _kind(mode: int) -> str:
    return next((kind for test, kind in _NOT_REGULAR if test(mode)), "an unknown kind of file")


def _check_protected(shown: Path, link: Path, link_uid: int) -> None:
    """The kernel's protected_symlinks rule: in a sticky world-writable directory (/tmp) a link
    is followed only when it belongs to the follower or to the directory's owner."""
    folder = os.stat(link.parent)
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    if shared and link_uid not in (os.geteuid(), folder.st_uid):
        raise DeskError(
            f"refusing to follow {shown}: it is a symbolic link in the shared directory "
            f"{link.parent} that belongs to another user (uid {link_uid})"
        )


def check_target(path: Path | str, *, force: bool = False, follow_symlinks: bool = False) -> Path:
    """The file that writing to `path` will replace, or DeskError saying why not.

    Refused: a directory, a device, a FIFO or a socket; a symbolic link unless
    `follow_symlinks` (and even then a dangling link, a loop, or a link another user planted in
    a sticky world-writable directory); an existing file unless `force`. Returns the path to
    rename over: `path` itself with its directory resolved, or the file the link names."""
    shown, name = Path(path), os.fspath(path)
    if not name or name.endswith(os.sep):
        raise DeskError(f"cannot write {name!r}: give a file name, not a directory")
    final = _real_parent(name)
    hops = 0
    st: os.stat_result | None
    while True:
        try:
            st = os.lstat(final)
        except FileNotFoundError:
            if hops:
                raise DeskError(
                    f"refusing to write {shown}: it is a symbolic link to {final}, which does not exist"
                ) from None
            st = None
            break
        except OSError as exc:
            raise DeskError(f"cannot write {shown}: {exc.strerror or exc}") from None
        if not stat.S_ISLNK(st.st_mode):
            break
        points_to = os.readlink(final)
        if not follow_symlinks:
            raise DeskError(
                f"refusing to write {shown}: it is a symbolic link (to {points_to}); use "
                "--follow-symlinks to replace the file it names"
            )
        _check_protected(shown, final, st.st_uid)
        hops += 1
        if hops > MAX_LINKS:
            raise DeskError(f"cannot write {shown}: too many levels of symbolic links")
        final = _real_parent(os.path.join(final.parent, points_to))
    if st is None:
        if not final.parent.is_dir():
            raise DeskError(f"cannot write {shown}: no such directory {final.parent}")
        return final
    if not stat.S_ISREG(st.st_mode):
        where = "" if final == Path(os.path.abspath(shown)) else f" ({final})"
        raise DeskError(
            f"refusing to write {shown}{where}: it is {_kind(st.st_mode)}, not a regular file; "
            "nothing was written"
        )
    if not force:
        raise DeskError(f"{shown} already exists; use --force to replace it")
    return final


def temp_beside(final: Path, shown: Path | str) -> tuple[int, Path]:
    """A new private temporary file in final's directory: (open descriptor, path)."""
    try:
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    except OSError as exc:
        raise DeskError(f"cannot write {shown}: {exc.strerror or exc}") from None
    return fd, Path(name)


def replace_file(tmp: Path, final: Path, shown: Path | str, *, force: bool = False) -> None:
    """Rename the finished `tmp` over `final` (atomic). What check_target refused is refused
    again should it have appeared meanwhile (an export can take a while); the caller removes
    `tmp` when this raises."""
    try:
        st = os.lstat(final)
    except FileNotFoundError:
        st = None
    if st is not None and not (force and stat.S_ISREG(st.st_mode)):
        if stat.S_ISREG(st.st_mode):
            raise DeskError(f"{shown} appeared while it was being written; use --force to replace it")
        raise DeskError(f"refusing to write {shown}: it is now {_kind(st.st_mode)}, not a regular file")
    os.replace(tmp, final)
