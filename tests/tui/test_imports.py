"""Importing a file from the palette: the dry-run report first, then the write."""

from pathlib import Path

from textual.widgets import Input, Static

from tests.tui.support import keys, settle
from workbench.domain.models import Customer, Rep
from workbench.store.database import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.imports import ImportScreen, import_file

DEALS = (
    "Opportunity Name,Account Name,Stage,Amount,External ID\n"
    'Pumps,Acme Pumps,Lead,"¥12,500",X1\n'
    "Valves,Beta GmbH,proposal,500,X2\n"
)


def shown(screen: object, selector: str) -> str:
    assert isinstance(screen, ImportScreen)
    return str(screen.query_one(selector, Static).render())


def deal_titles(store: Store) -> list[str]:
    return [row[0] for row in store.db.execute("SELECT title FROM deals ORDER BY title")]


async def open_import(pilot, path: Path) -> ImportScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    import_file(pilot.app)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#path", Input).value = str(path)
    screen.query_one("#path", Input).focus()
    return screen


async def test_the_report_comes_first_then_ctrl_s_writes(
    store: Store, me: Rep, acme: Customer, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(DEALS + "Broken,Acme Pumps,Engaging,5,X3\n")
    async with WorkbenchApp(store).run_test(size=(100, 30)) as pilot:
        screen = await open_import(pilot, path)
        await keys(pilot, "enter", "d", "enter")
        report = shown(screen, "#report")
        assert "accepted 2 rows: 2 new" in report and "creates 1 customer: Beta GmbH" in report
        assert "line 4: stage: no stage 'Engaging'" in report
        assert "the bad go to deals.rejects.csv" in shown(screen, "#import-hint")
        assert deal_titles(store) == []  # nothing written yet
        await keys(pilot, "ctrl+s")
        assert not isinstance(pilot.app.screen, ImportScreen)
        assert deal_titles(store) == ["Pumps", "Valves"]
        assert (tmp_path / "deals.rejects.csv").exists()


async def test_changing_the_file_asks_to_read_it_again(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(DEALS)
    async with WorkbenchApp(store).run_test(size=(100, 30)) as pilot:
        screen = await open_import(pilot, path)
        await keys(pilot, "enter", "d", "enter")
        assert "ctrl+s imports 2 rows" in shown(screen, "#import-hint")
        screen.query_one("#path", Input).value = str(tmp_path / "other.csv")
        await settle(pilot)
        await keys(pilot, "ctrl+s")  # reads the new name first: it is not a file
        assert "other.csv is not a file" in shown(screen, "#import-error")
        assert deal_titles(store) == []


async def test_a_vcard_needs_no_kind_and_bad_files_say_why(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    cards = tmp_path / "phone.vcf"
    cards.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Wang Fang\nORG:Acme\nEND:VCARD\n")
    broken = tmp_path / "half.vcf"
    broken.write_text("BEGIN:VCARD\nFN:Half\n")
    async with WorkbenchApp(store).run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, broken)
        await keys(pilot, "enter")
        assert "the card from line 1 has no END:VCARD" in shown(screen, "#import-error")
        screen.query_one("#path", Input).value = str(cards)
        await keys(pilot, "enter")
        assert "accepted 1 card: 1 new" in shown(screen, "#report")
        await keys(pilot, "ctrl+s")
    names = store.db.execute("SELECT name FROM contacts").fetchall()
    assert names == [("Wang Fang",)]


async def test_a_file_with_only_a_header_says_so(store: Store, me: Rep, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("Opportunity Name,Account Name,Stage\n")
    async with WorkbenchApp(store).run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, path)
        await keys(pilot, "enter", "d", "enter")
        assert "Nothing to import: the file has no rows" in shown(screen, "#import-error")
        await keys(pilot, "ctrl+s")  # reads it again; still nothing to write
        assert deal_titles(store) == []
