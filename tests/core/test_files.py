"""Where the database lives and who may read it: real files, real modes, a fake mount table."""

from __future__ import annotations

import itertools
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import frontdesk
from frontdesk import db as dbmod
from frontdesk.cli import main
from frontdesk.db import DatabaseError, connect, filesystem_type, open_database
from frontdesk.errors import DeskError
from frontdesk.files import check_target, replace_file, temp_beside
from frontdesk.paths import default_db_path

ROOT = Path(frontdesk.__file__).resolve().parents[1]


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_something(path: Path):
    """Open the database and commit, keeping the connection open so -wal and -shm exist."""
    db = open_database(path)
    db.execute("INSERT INTO drafts VALUES ('ann', '2026-11-23T15:00:00Z', '{}')")
    return db


def test_new_database_and_its_wal_and_shm_keep_other_users_out(tmp_path, umask_022):
    path = tmp_path / "desk.db"
    db = write_something(path)
    try:
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        for file in files:
            assert file.exists(), file
            assert mode(file) & 0o077 == 0, f"{file.name} is {oct(mode(file))}"
    finally:
        db.close()


def test_log_from_the_command_line_creates_a_private_file(tmp_path, umask_022):
    path = tmp_path / "desk.db"
    assert main(["--db", str(path), "log", "--phone", "4045550134"]) == 0
    assert mode(path) == 0o600


def test_in_a_setgid_group_directory_the_file_is_shared_with_the_group(tmp_path, umask_022):
    shared = tmp_path / "office"
    shared.mkdir()
    shared.chmod(0o2770)  # group-owned, setgid: the README's recipe for sharing one desk
    path = shared / "desk.db"
    db = write_something(path)
    try:
        assert mode(path) == 0o660  # group members need to write too (WAL readers write -shm)
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{path}{suffix}")) & 0o007 == 0
            assert mode(Path(f"{path}{suffix}")) & 0o060 == 0o060
        assert path.stat().st_gid == shared.stat().st_gid
    finally:
        db.close()


@pytest.mark.parametrize("setgid", [False, True], ids=["private", "setgid-group"])
def test_an_existing_empty_file_is_made_private_and_its_wal_and_shm_follow(tmp_path, umask_022, setgid):
    """`touch desk.db` (or an installer's placeholder) leaves a 0644 file: it is a new database
    all the same, and SQLite copies its mode onto the -wal and -shm files it creates."""
    folder = tmp_path / "office"
    folder.mkdir()
    folder.chmod(0o2770 if setgid else 0o700)
    path = folder / "desk.db"
    path.touch()
    path.chmod(0o644)
    db = write_something(path)
    try:
        expected = 0o660 if setgid else 0o600
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert file.exists(), file
            assert mode(file) == expected, f"{file.name} is {oct(mode(file))}"
    finally:
        db.close()


def test_an_existing_file_keeps_the_mode_its_owner_gave_it(tmp_path, umask_022):
    path = tmp_path / "desk.db"
    open_database(path).close()
    path.chmod(0o640)
    open_database(path).close()
    assert mode(path) == 0o640


def test_many_processes_creating_the_same_new_file_at_once_all_succeed(tmp_path):
    """The file does not exist; several desks start at the same instant (O_EXCL race, and
    the switch to WAL that fails at once while another process converts the file)."""
    script = (
        "import os, sys, time\n"
        "from frontdesk.db import open_database\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.001)\n"
        "open_database(sys.argv[1]).close()\n"
    )
    for attempt in range(5):
        path, go = tmp_path / f"desk{attempt}.db", tmp_path / f"go{attempt}"
        procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(go)], cwd=ROOT,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        go.touch()
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err


MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs {tmp} tmpfs rw 0 0
server:/export/office {tmp}/office nfs4 rw,relatime,vers=4.2 0 0
//nas/share {tmp}/smb\\040share cifs rw 0 0
/dev/sdb1 {tmp}/officelocal ext4 rw 0 0
"""


@pytest.fixture
def fake_mounts(tmp_path, monkeypatch):
    table = tmp_path / "mounts"
    table.write_text(MOUNTS.format(tmp=tmp_path))
    monkeypatch.setattr(dbmod, "MOUNTS", table)
    for name in ("office", "smb share", "officelocal"):
        (tmp_path / name).mkdir()
    return tmp_path


def test_filesystem_type_picks_the_longest_mount_point(fake_mounts):
    tmp = fake_mounts
    assert filesystem_type(tmp / "office" / "desk.db") == "nfs4"
    assert filesystem_type(tmp / "office") == "nfs4"
    assert filesystem_type(tmp / "officelocal" / "desk.db") == "ext4"  # not a prefix match
    assert filesystem_type(tmp / "smb share" / "desk.db") == "cifs"  # \040 is a space
    assert filesystem_type(tmp / "desk.db") == "tmpfs"
    assert filesystem_type(Path("/usr/lib/x")) == "ext4"


def test_filesystem_type_is_unknown_without_a_mount_table(tmp_path):
    assert filesystem_type(tmp_path / "desk.db", tmp_path / "no-such-mounts") == ""


def test_a_database_on_a_network_filesystem_is_refused_with_a_reason(fake_mounts):
    path = fake_mounts / "office" / "desk.db"
    with pytest.raises(DatabaseError, match="network filesystem") as caught:
        connect(path)
    assert "local disk" in str(caught.value)
    assert not path.exists()  # refused before anything was created
    with pytest.raises(DatabaseError, match="network filesystem"):
        connect(fake_mounts / "smb share" / "desk.db")
    connect(fake_mounts / "officelocal" / "desk.db").close()


def test_the_command_line_refuses_a_network_database_in_one_line(fake_mounts, capsys):
    path = fake_mounts / "office" / "desk.db"
    assert main(["--db", str(path), "log", "--phone", "4045550134"]) != 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "network filesystem" in err and "Traceback" not in err


def test_the_default_database_honours_frontdesk_db(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTDESK_DB", str(tmp_path / "elsewhere.db"))
    assert default_db_path() == tmp_path / "elsewhere.db"
    assert main(["log", "--phone", "4045550134"]) == 0
    assert (tmp_path / "elsewhere.db").exists()


def test_the_default_database_lies_in_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTDESK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = default_db_path()
    assert path == tmp_path / "xdg" / "frontdesk" / "desk.db"
    assert ROOT not in path.resolve().parents
    assert main(["log", "--phone", "4045550134"]) == 0
    assert path.exists() and mode(path) & 0o077 == 0
    assert not list(ROOT.glob("*.db"))


def test_the_default_database_is_never_inside_the_source_tree(monkeypatch):
    """Even started from the checkout with no XDG variable set."""
    monkeypatch.delenv("FRONTDESK_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.chdir(ROOT)
    path = default_db_path()
    assert path.is_absolute()
    assert ROOT not in path.parents
    assert Path(os.environ["HOME"]) in path.parents


# -- files the user names for export and backup: regular files only, never through a link ----
def test_a_new_file_in_an_existing_folder_is_the_target(tmp_path):
    assert check_target(tmp_path / "day.csv") == tmp_path.resolve() / "day.csv"
    with pytest.raises(DeskError, match="no such directory"):
        check_target(tmp_path / "missing" / "day.csv")


def test_an_existing_file_is_replaced_only_when_forced(tmp_path):
    old = tmp_path / "day.csv"
    old.write_text("yesterday's export")
    with pytest.raises(DeskError, match=r"day.csv already exists; use --force to replace it"):
        check_target(old)
    assert check_target(old, force=True) == old.resolve()
    assert old.read_text() == "yesterday's export"


def test_a_folder_is_refused(tmp_path):
    for force in (False, True):
        with pytest.raises(DeskError, match="is a directory"):
            check_target(tmp_path, force=force)
        with pytest.raises(DeskError, match="not a directory"):
            check_target(f"{tmp_path / 'day.csv'}/", force=force)


def test_a_fifo_and_a_socket_are_refused_and_left_as_they_are(tmp_path):
    fifo, sock_path = tmp_path / "pipe", tmp_path / "sock"
    os.mkfifo(fifo)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for force, follow in itertools.product((False, True), repeat=2):
            with pytest.raises(DeskError, match=r"pipe: it is a named pipe \(FIFO\), not a regular file"):
                check_target(fifo, force=force, follow_symlinks=follow)
            with pytest.raises(DeskError, match="sock: it is a socket, not a regular file"):
                check_target(sock_path, force=force, follow_symlinks=follow)
        assert fifo.is_fifo() and sock_path.is_socket()
    finally:
        server.close()


def test_a_device_is_refused_and_dev_null_stays_a_device():
    for force, follow in itertools.product((False, True), repeat=2):
        with pytest.raises(DeskError, match="/dev/null: it is a character device, not a regular file"):
            check_target("/dev/null", force=force, follow_symlinks=follow)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_symlink_is_followed_only_when_asked(tmp_path):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old")
    link.symlink_to(real)
    new_link = tmp_path / "new-link.csv"
    new_link.symlink_to("not-yet.csv")  # relative, and the file is not there
    for force in (False, True):
        with pytest.raises(DeskError, match=r"link.csv: it is a symbolic link \(to .*real.csv\); use "
                                            "--follow-symlinks"):
            check_target(link, force=force)
    with pytest.raises(DeskError, match="already exists"):
        check_target(link, follow_symlinks=True)
    assert check_target(link, force=True, follow_symlinks=True) == real.resolve()
    with pytest.raises(DeskError, match="new-link.csv: it is a symbolic link to .*not-yet.csv, which "
                                        "does not exist"):
        check_target(new_link, follow_symlinks=True)
    to_null = tmp_path / "null.csv"
    to_null.symlink_to("/dev/null")
    with pytest.raises(DeskError, match=r"null.csv \(/dev/null\): it is a character device"):
        check_target(to_null, force=True, follow_symlinks=True)
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    with pytest.raises(DeskError, match="too many levels of symbolic links"):
        check_target(loop, force=True, follow_symlinks=True)
    assert link.is_symlink() and real.read_text() == "old" and not (tmp_path / "not-yet.csv").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a link to another user needs root")
def test_a_link_another_user_planted_in_a_sticky_shared_folder_is_never_followed(tmp_path):
    """The kernel's protected_symlinks rule, applied even where the sysctl is off: in /tmp-like
    folders a link is followed only when it is the follower's or the folder owner's."""
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    mine = tmp_path / "mine.csv"
    mine.write_text("the owner's file")
    planted = shared / "report.csv"
    planted.symlink_to(mine)
    os.lchown(planted, 4242, 4242)
    with pytest.raises(DeskError, match=r"report.csv: it is a symbolic link in the shared directory "
                                        r".* that belongs to another user \(uid 4242\)"):
        check_target(planted, force=True, follow_symlinks=True)
    assert mine.read_text() == "the owner's file"
    os.lchown(planted, os.geteuid(), os.getegid())  # the follower's own link
    assert check_target(planted, force=True, follow_symlinks=True) == mine.resolve()
    os.chown(shared, 4242, 4242)
    os.lchown(planted, 4242, 4242)  # the folder owner's link
    assert check_target(planted, force=True, follow_symlinks=True) == mine.resolve()
    not_sticky = tmp_path / "open"
    not_sticky.mkdir()
    not_sticky.chmod(0o777)
    (not_sticky / "report.csv").symlink_to(mine)
    os.lchown(not_sticky / "report.csv", 4242, 4242)
    assert check_target(not_sticky / "report.csv", force=True, follow_symlinks=True) == mine.resolve()


def test_a_file_that_appears_while_the_export_runs_is_not_replaced(tmp_path):
    target = tmp_path / "day.csv"
    final = check_target(target)
    target.write_text("another export, finished first")
    fd, tmp = temp_beside(final, target)
    os.close(fd)
    with pytest.raises(DeskError, match="appeared while it was being written"):
        replace_file(tmp, final, target)
    assert target.read_text() == "another export, finished first"
    target.unlink()
    os.mkfifo(target)
    with pytest.raises(DeskError, match="it is now a named pipe"):
        replace_file(tmp, final, target, force=True)
    assert target.is_fifo()
    target.unlink()
    replace_file(tmp, final, target)
    assert target.is_file() and not tmp.exists()
