"""Faults of the machine, not the rep's input: a full disk, a read-only or
damaged database, a path that is not there. Each is one line naming the
cause (exit 2, no traceback), and the database stays as it was."""

import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def one_line(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    for word in words:
        assert word in result.output, result.output


def dump(db: Path) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return "\n".join(conn.iterdump())


def start(db: Path, *customers: str) -> None:
    """A rep's database holding `customers` (through a CSV, as the CLI adds them)."""
    assert run(db, "me", "Li Wei").exit_code == 0
    sheet = db.with_name(f"{db.stem}-customers.csv")
    sheet.write_text("name\n" + "".join(f"{name}\n" for name in customers))
    assert run(db, "import-csv", "customers", str(sheet)).exit_code == 0
    sheet.unlink()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    db = tmp_path / "book.db"
    start(db, "Acme Pumps")
    assert run(db, "log", "call", "Acme Pumps", "--note", "first call").exit_code == 0
    return db


def test_db_under_a_file_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    one_line(run(a_file / "book.db", "today"), "notes.txt is a file, not a folder")


def test_db_in_a_missing_folder_is_refused_and_makes_no_folder(tmp_path: Path) -> None:
    one_line(run(tmp_path / "typo" / "book.db", "today"), "there is no folder", "typo")
    assert not (tmp_path / "typo").exists()


def test_export_into_a_missing_folder_is_refused_and_makes_no_folder(
    book: Path, tmp_path: Path
) -> None:
    one_line(
        run(book, "export", "-o", str(tmp_path / "typo" / "b.json")),
        "typo: No such file or directory",
    )
    assert not (tmp_path / "typo").exists()


def test_a_damaged_database_is_one_line_and_left_as_it_was(book: Path) -> None:
    for n in range(200):
        run(book, "log", "call", "Acme Pumps", "--note", f"call {n} " + "x" * 400)
    with sqlite3.connect(book) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'changes' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
    with book.open("r+b") as file:  # one page of the change log smashed
        file.seek((leaves[len(leaves) // 2] - 1) * page_size)
        file.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    before = book.read_bytes()
    one_line(
        run(book, "export", "-o", str(book.parent / "b.json")),
        "the database file is damaged",
        "backup",
    )
    assert book.read_bytes() == before
    assert not (book.parent / "b.json").exists()


# A real small disk: a tmpfs, where this machine lets the tests mount one (as root).


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave_kib: int = 48) -> None:
    free = subprocess.run(
        ["df", "-k", "--output=avail", str(disk)], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    with (disk / "filler").open("wb") as filler:
        filler.write(b"\0" * 1024 * max(int(free) - leave_kib, 0))


def fill_up(disk: Path) -> None:
    """Write until the disk takes no more."""
    with (disk / "last-filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass


def test_a_full_disk_is_one_line_and_changes_nothing(small_disk: Path, tmp_path: Path) -> None:
    db = small_disk / "book.db"
    start(db, "Acme Pumps")
    teammate = tmp_path / "teammate.db"
    start(teammate, *(f"Customer {n}" for n in range(60)))
    for n in range(60):
        assert run(teammate, "log", "visit", f"Customer {n}", "--note", "y" * 2000).exit_code == 0
    assert run(teammate, "export", "-o", str(tmp_path / "wang.json")).exit_code == 0
    fill(small_disk)
    before = dump(db)
    one_line(run(db, "import", str(tmp_path / "wang.json")), "the disk is full")
    assert dump(db) == before
    for _ in range(30):  # log until the disk takes no more
        result = run(db, "log", "call", "Acme Pumps", "--note", "z" * 19_000)
        if result.exit_code != 0:
            break
        before = dump(db)
    one_line(result, "the disk is full")
    assert dump(db) == before
    fill_up(small_disk)  # not a byte left, however small the bundle
    one_line(
        run(db, "export", "-o", str(small_disk / "b.json")), "No space left on device", "b.json"
    )
    assert {p.name for p in small_disk.iterdir()} >= {"book.db"}
    assert not [p for p in small_disk.iterdir() if p.name.endswith("b.json")], "no half bundle"


def test_a_read_only_database_is_one_line(small_disk: Path, tmp_path: Path) -> None:
    start(small_disk / "book.db", "Acme Pumps")
    with sqlite3.connect(small_disk / "book.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    view = tmp_path / "read-only"  # the same folder, seen through a read-only mount
    view.mkdir()
    subprocess.run(["mount", "--bind", str(small_disk), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        before = dump(view / "book.db")
        one_line(run(view / "book.db", "log", "call", "Acme Pumps"), "read-only")
        assert dump(view / "book.db") == before
    finally:
        subprocess.run(["umount", "-l", str(view)], check=False)
