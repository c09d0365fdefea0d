"""A drop folder shared by several reps: everyone ends up with everything."""

from pathlib import Path

import pytest

from tests.store.bundles import content, replica
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Rep
from workbench.store.database import Store
from workbench.sync.folder import bundle_name, sync_folder


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
    assert sorted(path.name for path in folder.iterdir()) == sorted(map(bundle_name, team))
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


def test_a_newcomer_gets_everything(team: list[Store], tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b, c = team
    for _ in range(2):
        sync_folder(a, folder)
        sync_folder(b, folder)
    a.add(Customer(name="Late"))
    sync_folder(a, folder)  # incremental: what b lacks, not everything
    for _ in range(2):
        sync_folder(c, folder)
        sync_folder(a, folder)
        sync_folder(b, folder)
    assert content(a) == content(b) == content(c)


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


def test_a_missing_folder_is_named(team: list[Store], tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        sync_folder(team[0], tmp_path / "nowhere")
