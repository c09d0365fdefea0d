"""A drop folder shared by several reps: everyone ends up with everything."""

import sqlite3
from pathlib import Path

import pytest

from tests.sync.bundles import content, replica
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Rep
from workbench.store.database import Store
from workbench.sync import folder as folder_sync
from workbench.sync.folder import bundle_name, delta_name, sync_folder


@pytest.fixture
def team(tmp_path: Path) -> list[Store]:
    stores = []
    for name in ("Li Wei", "Sam Patel", "王芳"):
        store = replica(tmp_path, name.split()[0], FixedClock.at("2026-11-23T09:30:00+08:00"))
        rep = store.add(Rep(name=name))
        settings = store.settings()
        settings.me = rep.id
        store.save_settings(settings)
        store.add(Customer(name=f"{name}'s customer"))
        stores.append(store)
    yield stores
    for store in stores:
        store.close()


def test_everyone_converges_through_the_folder(team: list[Store], tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    for _ in range(2):
        for store in team:
            sync_folder(store, folder)
    names = {path.name for path in folder.iterdir()}
    bases = set(map(bundle_name, team))
    assert bases <= names and names - bases <= {delta_name(base) for base in bases}
    assert bundle_name(team[0]).startswith("li-wei-") and bundle_name(team[2]).startswith("rep-")
    assert content(team[0]) == content(team[1]) == content(team[2])


def test_a_second_sync_with_nothing_new_rewrites_nothing(team: list[Store], tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, _ = team
    sync_folder(a, folder)
    sync_folder(b, folder)
    first = sync_folder(a, folder)
    assert [s.origin for s in first.imported] == [b.device] and first.written
    mine = folder / bundle_name(a)
    stamp = mine.stat().st_mtime_ns
    again = sync_folder(a, folder)
    assert again.imported == [] and again.seen == 1 and again.written is None
    assert mine.stat().st_mtime_ns == stamp
    assert again.lines()[-1] == "Your bundle there is up to date"


def test_a_newcomer_gets_everything_on_the_first_sync(team: list[Store], tmp_path: Path) -> None:
    """Each rep's files hold all they have (a base and what came since), so
    the first sync from the folder brings the whole history: it used to bring
    only what the others lacked (5 of 140 changes in one case)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, c = team
    for _ in range(2):
        sync_folder(a, folder)
        sync_folder(b, folder)
    a.add(Customer(name="Late"))
    sync_folder(a, folder)  # a delta beside a's base
    assert (folder / delta_name(bundle_name(a))).exists()
    sync_folder(c, folder)
    assert logged(a) <= logged(c) and logged(b) <= logged(c)
    for store in (a, b, c, a, b):
        sync_folder(store, folder)
    assert content(a) == content(b) == content(c)


def test_the_base_is_rewritten_when_the_delta_has_grown(
    team: list[Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder_sync, "DELTA_AT_LEAST", 10)
    folder = tmp_path / "shared"
    folder.mkdir()
    a = team[0]
    base, delta = folder / bundle_name(a), folder / delta_name(bundle_name(a))
    assert sync_folder(a, folder).written.kind == "full"  # type: ignore[union-attr]
    a.add(Customer(name="Small"))
    assert sync_folder(a, folder).written.kind == "incremental"  # type: ignore[union-attr]
    assert delta.exists()
    for n in range(5):
        a.add(Customer(name=f"More {n}", notes="x"))
    written = sync_folder(a, folder).written
    assert written is not None and written.kind == "full" and written.path == base
    assert not delta.exists()
    base.unlink()  # someone deleted it: it is written again
    assert sync_folder(a, folder).written.path == base  # type: ignore[union-attr]


def logged(store: Store) -> set[tuple[str, int]]:
    return set(store.db.execute("SELECT origin, seq FROM changes"))


def test_a_bad_file_is_reported_and_the_rest_still_syncs(team: list[Store], tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, _ = team
    sync_folder(b, folder)
    (folder / "broken.json").write_text('{"header": {')
    (folder / "notes.txt").write_text("not a bundle")
    result = sync_folder(a, folder)
    assert [s.origin for s in result.imported] == [b.device]
    assert result.refused == ["broken.json ends too early: the file is cut short (truncated)"]
    assert sync_folder(a, folder).refused == result.refused  # tried again: it may be arriving


def test_a_poisoned_folder_blocks_nobody(team: list[Store], tmp_path: Path) -> None:
    """Every good bundle is imported, each bad one set aside with its reason,
    and our own bundle is still written."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, c = team
    sync_folder(b, folder)
    sync_folder(c, folder)
    good = folder / bundle_name(b)
    (folder / "a-deep.json").write_text('{"header": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (folder / "b-empty.json").write_text("")
    (folder / "c-folder.json").mkdir()
    (folder / ".syncthing.x.json.gz.tmp").write_bytes(good.read_bytes()[:50])  # being written
    conflict_copy = good.name.replace(".json.gz", ".sync-conflict-20261202-101010-ABC.json.gz")
    (folder / conflict_copy).write_bytes(good.read_bytes())
    result = sync_folder(a, folder)
    assert sorted(summary.origin for summary in result.imported) == sorted(
        [b.device, b.device, c.device]
    )  # the conflict copy is b's bundle again: harmless
    assert [line.split(" ")[0] for line in result.refused] == ["a-deep.json", "b-empty.json"]
    assert all("\n" not in line for line in result.refused)
    assert result.written is not None and (folder / bundle_name(a)).exists()
    assert logged(b) <= logged(a) and logged(c) <= logged(a)


def test_a_database_that_cannot_take_an_import_stops_the_sync(
    team: list[Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, _ = team
    sync_folder(b, folder)

    def locked(*_: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(folder_sync, "import_bundle", locked)
    with pytest.raises(sqlite3.OperationalError):
        sync_folder(a, folder)
    assert not (folder / bundle_name(a)).exists()


def test_a_missing_folder_is_named(team: list[Store], tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        sync_folder(team[0], tmp_path / "nowhere")


def test_a_syncthing_conflict_copy_is_imported_and_its_temporary_files_are_not(
    team: list[Store], tmp_path: Path
) -> None:
    """A file changed on two devices while they were apart is kept by
    Syncthing on both, the losing side as NAME.json.sync-conflict-DATE-TIME-
    DEVICE.gz (before the last suffix only): its changes are real, so it is
    imported like a bundle. A file Syncthing is still writing is left alone."""
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, _ = team
    sync_folder(b, folder)
    base = folder / bundle_name(b)
    half = base.read_bytes()[:40]
    (folder / f".syncthing.{base.name}.tmp").write_bytes(half)  # Linux, macOS
    (folder / f"~syncthing~{base.name}.tmp").write_bytes(half)  # Windows
    copy = base.with_name(conflict_copy(base.name))
    base.rename(copy)  # b's changes are only in the conflict copy
    result = sync_folder(a, folder)
    assert [(s.path.name, s.origin) for s in result.imported] == [(copy.name, b.device)]
    assert result.refused == []
    assert logged(b) <= logged(a)
    delta = conflict_copy(delta_name(base.name))
    (folder / delta).write_bytes(copy.read_bytes())
    assert [path.name for path in folder_sync._theirs(folder, set())][-1] == delta  # after bases
    assert sync_folder(a, folder).imported[0].new == 0  # already here: changes nothing


def conflict_copy(name: str) -> str:
    """Syncthing's name for the losing side (`x.json.gz` → `x.json.sync-conflict-…gz`)."""
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}.sync-conflict-20261202-101010-WCB4KET.{suffix}"
