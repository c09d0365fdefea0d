"""Two reps, each with their own Workbench and their own Syncthing, sharing
the team folder over loopback, as docs/sync.md's "Syncing with Syncthing" sets
it up: they log, sync, edit the same field, sync again and end up with the
same data, while Syncthing delivers files late (a rate limit keeps one
half-written under its temporary name while a rep syncs), and keeps both
sides of a file changed on two machines while they were apart (a
`.sync-conflict-` copy, which holds real changes).

Everything goes through the real command line (`python -m workbench`), one
database and config folder per rep, as two laptops would have them."""

import csv
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.sync.bundles import SYNCED
from tests.sync.syncthing import (
    SYNCTHING,
    Syncthing,
    apart,
    deliver,
    pair,
    receive_at,
    together,
    until,
)

pytestmark = pytest.mark.skipif(
    SYNCTHING is None, reason="needs Syncthing (Debian's syncthing package; .ci/run installs it)"
)

START = datetime.fromisoformat("2026-12-02T09:00:00+08:00")


@dataclass
class Laptop:
    """One rep's machine: a database, a config folder, a clock, the team
    folder that Syncthing keeps in step there."""

    home: Path
    folder: Path
    ahead: timedelta  # how far this laptop's clock is off
    minutes: int = 0

    def run(self, *args: str) -> str:
        self.minutes += 1  # every command a minute after the last one
        now = START + self.ahead + timedelta(minutes=self.minutes)
        env = os.environ | {
            "WORKBENCH_DB": str(self.home / "workbench.db"),
            "WORKBENCH_CONFIG_DIR": str(self.home / "config"),
            "WORKBENCH_NOW": now.isoformat(),
            "WORKBENCH_LANG": "en",
        }
        done = subprocess.run(
            [sys.executable, "-m", "workbench", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"workbench {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def sync(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.run("sync", str(self.folder), "--json"))
        assert result["refused"] == [], result["refused"]  # nothing set aside, ever
        return result

    def csv(self, entity: str, rows: list[dict[str, str]]) -> None:
        path = self.home / f"{entity}.csv"
        with path.open("w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        self.run("import-csv", entity, str(path))

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(f"file:{self.home / 'workbench.db'}?mode=ro", uri=True)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def content(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every synced table (records, the change log, conflicts), sorted."""
        return {table: sorted(self.query(f"SELECT * FROM {table}"), key=repr) for table in SYNCED}


def names(result: dict[str, Any]) -> list[str]:
    return [Path(summary["file"]).name for summary in result["imported"]]


def test_two_reps_converge_through_syncthing(tmp_path: Path) -> None:
    with pair(tmp_path, ("li", "sam"), b_receives_kib_s=8) as (li_st, sam_st):
        li = Laptop(tmp_path / "li", li_st.folder, timedelta(0))
        sam = Laptop(tmp_path / "sam", sam_st.folder, timedelta(minutes=7))

        # Li has a year of history; Sam is new. Each logs a call and syncs.
        li.run("me", "Li Wei")
        li.run("demo", "--customers", "250")  # a 650 KB bundle
        li.csv("customers", [{"name": "Acme Tools", "phone": "+86 21 5555 0101"}])
        li.run("log", "call", "Acme Tools", "--note", "Asked for a quote", "--outcome", "connected")
        sam.run("me", "Sam Patel")
        sam.csv("customers", [{"name": "Baotou Steel", "phone": "+86 472 555 0199"}])
        sam.run("log", "visit", "Baotou Steel", "--note", "Toured the plant")
        li_base, sam_base = (Path(rep.sync()["written"]).name for rep in (li, sam))

        # Syncthing delivers Sam's file at once and Li's big one slowly (Sam's
        # side takes 8 KiB/s from Li once the first 512 KiB are in): while it
        # is on its way Sam syncs and finds only Syncthing's temporary file,
        # half-written, and one more named as Syncthing names them on Windows:
        # neither is read, nothing is set aside, now or later.
        sam_st.scan()  # (a scan waits for a pull under way: Sam's first)
        li_st.scan()
        arriving = sam.folder / f".syncthing.{li_base}.tmp"
        until(arriving.exists, "Li's bundle arriving at Sam's under Syncthing's temporary name")
        (sam.folder / f"~syncthing~{li_base}.tmp").write_bytes(
            (li.folder / li_base).read_bytes()[:1000]
        )
        until(lambda: sam_base in li_st.files(), "Sam's bundle at Li's")
        early = sam.sync()
        assert early["imported"] == [] and arriving.exists()  # it was still half-written
        receive_at(sam_st, li_st, 0)  # the rest of it comes
        deliver(li_st, sam_st)

        # Both sync again: each has everything (Sam, the newcomer, Li's whole
        # history from Li's one file).
        assert names(sam.sync()) == [li_base]
        assert names(li.sync()) == [sam_base]
        assert li.content() == sam.content()
        assert len(sam.query("SELECT id FROM customers")) == 252

        # The crossed edit: both change Acme's phone before seeing the other's.
        ((acme,),) = li.query("SELECT id FROM customers WHERE name = 'Acme Tools'")
        li.csv("customers", [{"id": acme, "name": "Acme Tools", "phone": "+86 21 5555 0102"}])
        sam.csv("customers", [{"id": acme, "name": "Acme Tools", "phone": "+86 21 5555 0199"}])
        li.sync()
        sam.sync()
        deliver(li_st, sam_st)
        told = [li.sync(), sam.sync()]  # each told of the conflict
        assert [sum(s["conflicts"] for s in result["imported"]) for result in told] == [1, 1]
        assert li.content() == sam.content()
        conflict = ("customers", acme, "phone")
        assert li.query("SELECT entity, row_id, field FROM conflicts") == [conflict]

        # Apart, the same file changes on both machines: Li's delta, rewritten
        # by Li's next sync, and Sam's copy of it, put back from a backup taken
        # before. Syncthing keeps both: the older (Li's real one) as a
        # conflict copy, beside the backup under the file's name.
        deliver(li_st, sam_st)
        li_delta = delta(li_base)
        backup = (sam.folder / li_delta).read_bytes()
        apart(li_st, sam_st)
        li.run("log", "email", "Acme Tools", "--note", "Sent the revised quote")
        assert Path(li.sync()["written"]).name == li_delta
        li_st.scan()
        (sam.folder / li_delta).write_bytes(backup)
        sam_st.scan()
        together(li_st, sam_st)
        until(lambda: copies(li_st) != [], "Syncthing making a conflict copy")
        deliver(li_st, sam_st)
        (copy,) = copies(sam_st)
        assert copy.startswith(li_delta.removesuffix(".gz")) and copy.endswith(".gz")
        assert (li.folder / li_delta).read_bytes() == backup  # the stale copy won the name

        # Sam's next sync imports the conflict copy: Li's email is there at once.
        assert copy in names(sam.sync())
        quote = "SELECT count(*) FROM activities WHERE notes = 'Sent the revised quote'"
        assert sam.query(quote) == [(1,)]
        written = li.sync()  # Li's delta there is not Li's any more: Li's base is rewritten
        assert Path(written["written"]).name == li_base
        assert copy in names(written)  # (a copy of its own delta: nothing new, not refused)
        deliver(li_st, sam_st)
        assert li_delta not in sam_st.files()  # gone with the new base
        sam.sync()
        assert li.content() == sam.content()
        assert sam.query("SELECT entity, row_id, field FROM conflicts") == [conflict]


def delta(base: str) -> str:
    return base.replace(".json.gz", ".delta.json.gz")


def copies(peer: Syncthing) -> list[str]:
    return [name for name in peer.files() if ".sync-conflict-" in name]
