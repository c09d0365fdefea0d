"""How every pane looks in Chinese at 80x24 (and Today wide): the same demo
data and keys as tests/tui/test_snapshots.py, so the two languages can be
held side by side. Double-width characters must keep the columns aligned."""

from pathlib import Path

import pytest

from tests.tui.small_book import small_book
from tests.tui.test_snapshots import (
    _conflicts,
    _customer_360,
    _customers,
    _import_report,
    _loaded,
    _on_pane,
    in_conflict,
    with_a_csv,
)
from workbench.tui.app import WorkbenchApp


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_today(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(WorkbenchApp(small_book(tmp_path)), terminal_size=size, run_before=_loaded)


def test_pipeline(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(small_book(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_on_pane("2"))


def test_customers(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(small_book(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_customers)


def test_customer_360(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(small_book(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_customer_360)


def test_targets(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(small_book(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_on_pane("4"))


def test_conflicts(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(in_conflict(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_conflicts)


def test_import_report(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    app = WorkbenchApp(with_a_csv(tmp_path, monkeypatch))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_import_report)
