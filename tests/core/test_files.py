"""Where the database lives and who may read it: real files, real modes, a fake mount table."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import frontdesk
from frontdesk import db as dbmod
from frontdesk.cli import main
from frontdesk.db import DatabaseError, connect, filesystem_type, open_database
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
