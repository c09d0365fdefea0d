"""The footer keeps no keys alive once they are gone from the screen."""

import gc

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from workbench.tui.footer import Footer


class Keyed(Button):
    BINDINGS = [Binding("x", "noop", "Something")]


def _app(footer: type[TextualFooter]) -> App[None]:
    class Two(App[None]):
        def compose(self) -> ComposeResult:
            yield Keyed("a")
            yield Button("b")  # other keys: the footer recomposes on each switch
            yield footer()

    return Two()


async def _live_keys_after_switches(footer: type[TextualFooter]) -> int:
    app = _app(footer)
    async with app.run_test() as pilot:
        for _ in range(20):
            await pilot.press("tab")
            await pilot.pause()
        gc.collect()
        return sum(isinstance(o, FooterKey) for o in gc.get_objects())


async def test_focus_changes_leave_no_old_keys_behind() -> None:
    leaky = await _live_keys_after_switches(TextualFooter)
    ours = await _live_keys_after_switches(Footer)
    assert ours <= 4, ours  # the keys on screen now (and the palette's)
    # Textual's own footer keeps the old ones; when it stops, drop workbench.tui.footer.
    assert leaky > 20, f"Textual's Footer no longer leaks ({leaky} keys): drop our subclass"


async def test_a_footer_removed_before_its_late_recompose_draws_nothing() -> None:
    """Textual schedules the footer's recompose after a refresh; a modal's
    footer may be gone by then (it crashed the app once, on a loaded machine)."""
    app = _app(Footer)
    async with app.run_test() as pilot:
        footer = app.query_one(Footer)
        await footer.remove()
        await footer.recompose()
        await pilot.pause()
        assert app.is_running
