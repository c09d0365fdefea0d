"""The app used in Chinese: keys, forms and messages, and a follow-up typed
in Chinese words."""

from pathlib import Path

from textual.widgets import Input

from tests.tui.small_book import small_book
from tests.tui.support import settle
from workbench.store.database import fetch_all
from workbench.tui.app import WorkbenchApp
from workbench.tui.footer import Footer


async def test_a_call_logged_in_chinese_with_its_next_follow_up(tmp_path: Path) -> None:
    store = small_book(tmp_path)
    app = WorkbenchApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        shown = " ".join(str(key.render()) for key in footer.children)
        assert "完成" in shown and "推迟" in shown and "销售漏斗" in shown
        await pilot.press("l", "c", "1")
        await pilot.press(*"客户说下周再谈", "enter")
        app.screen.query_one("#next Input", Input).value = "下周二"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已记录电话；下次 12月1日 周二" in [n.message for n in app._notifications]
    follow_ups = fetch_all(
        store.db, "SELECT due_date FROM follow_ups WHERE due_date = '2026-12-01'"
    )
    assert follow_ups, "the follow-up typed as 下周二 is on Tuesday 1 December"


async def test_a_bad_date_is_refused_in_chinese(tmp_path: Path) -> None:
    app = WorkbenchApp(small_book(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", "1")
        app.screen.query_one("#next Input", Input).value = "下辈子"
        await pilot.press("ctrl+s")
        await pilot.pause()
        preview = str(app.screen.query_one("#next").query("Static").last().render())
        assert "无法把 '下辈子' 识别为日期" in preview
