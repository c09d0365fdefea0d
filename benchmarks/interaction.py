"""What a rep feels, driven through the real app (headless, Textual's
Pilot) on a data set: panes filled (rows in, first frame out ≤ 100 ms), a
cursor key on a kanban of 2,000 open deals and each keystroke of a customer
search (≤ 50 ms), and a quick log saved (≤ 10 ms).

A key is timed from the moment it arrives to the first frame that shows its
effect, not with `pilot.press`: that waits for the app to look idle, some
60 ms even in a bare app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import partial
from inspect import isawaitable

from textual import events
from textual.app import App
from textual.pilot import Pilot

from benchmarks.budgets import BLOCK, CURSOR, FILL, KEYSTROKE, SAVE, Figure
from benchmarks.timing import Sample
from workbench.domain.models import ActivityKind
from workbench.domain.when import parse_when
from workbench.store import actions, lookup, queries
from workbench.store.database import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.customers import CustomersScreen
from workbench.tui.pipeline import Board, Cards, PipelineScreen
from workbench.tui.today import AgendaTable, TodayScreen

KANBAN_DEALS = 2_000
SEARCH = "heng ta"  # typed a key at a time
SIZE = (120, 40)
WAIT = 10  # seconds: longer means the app is stuck


def measure(store: Store, runs: int) -> list[Figure]:
    figures = asyncio.run(_drive(store, runs))
    return [*figures, _quick_log(store, runs)]


async def _drive(store: Store, runs: int) -> list[Figure]:
    app = WorkbenchApp(store)
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await _settle(pilot)
        today = await _today_filled(pilot, frames, store, runs)
        board = _board(store)
        await pilot.press("2")
        await _settle(pilot)
        kanban = await _kanban_filled(pilot, frames, board, runs)
        cursor = await _kanban_cursor(pilot, frames, runs)
        await pilot.press("3")
        await _settle(pilot)
        search = await _search(pilot, frames, runs)
    return [
        Figure(
            "Panes",
            "Today filled (rows in, frame out)",
            "ms",
            today,
            FILL,
            f"{len(queries.today_agenda(store))} items",
        ),
        Figure("Panes", f"kanban of {len(board.cards):,} open deals filled", "ms", kanban, FILL),
        Figure("Keys", "cursor down a kanban column, key handled", "ms", cursor[0], CURSOR),
        Figure(
            "Keys",
            "cursor down a kanban column, key to frame",
            "ms",
            cursor[1],
            BLOCK,
            "Textual draws at 60 fps: up to 17 ms after the work",
        ),
        Figure(
            "Keys",
            f"customer search, each key of {SEARCH!r}",
            "ms",
            search,
            KEYSTROKE,
            "typed, searched in a worker, list shown",
        ),
    ]


class Frames:
    """Keys sent as a terminal sends them, and the frames that go out after."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.drawn = asyncio.Event()
        draw = app._display

        def display(screen: object, renderable: object) -> None:
            draw(screen, renderable)  # type: ignore[arg-type]
            if renderable is not None:
                self.drawn.set()

        app._display = display  # type: ignore[method-assign]

    async def key(self, key: str, shown: Callable[[], bool]) -> tuple[float, float]:
        """Seconds from `key` arriving until `shown()` holds (the app's own
        work), and until the frame that draws it is out."""
        event = events.Key(key, {"space": " "}.get(key, key if len(key) == 1 else None))
        event.set_sender(self.app)
        assert self.app._driver is not None
        return await self.after(partial(self.app._driver.send_message, event), shown)

    async def after(
        self, act: Callable[[], Awaitable[object] | object], shown: Callable[[], bool]
    ) -> tuple[float, float]:
        """Seconds from `act` starting until `shown()` holds, and until the
        frame that draws it is out. Textual draws at most 60 times a second,
        on a timer a change starts: that frame comes up to ~17 ms after."""
        deadline = time.monotonic() + WAIT
        started = time.perf_counter()
        if isawaitable(acted := act()):
            await acted
        while not shown():
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing shown {WAIT} s after {act}")
            await asyncio.sleep(0)
        done = time.perf_counter() - started
        self.drawn.clear()
        await asyncio.wait_for(self.drawn.wait(), WAIT)
        return done, time.perf_counter() - started


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _today_filled(pilot: Pilot[None], frames: Frames, store: Store, runs: int) -> Sample:
    screen = pilot.app.screen
    assert isinstance(screen, TodayScreen)
    items = queries.today_agenda(store)
    table = screen.query_one(AgendaTable)
    times = []
    for _ in range(runs):
        table.clear()
        await pilot.pause()
        _, drawn = await frames.after(partial(screen.show, items), lambda: table.row_count > 0)
        times.append(drawn)
    return _ms(times)


def _board(store: Store) -> Board:
    """Open deals of as many reps as it takes to make KANBAN_DEALS."""
    today = store.clock.today()
    cards: list[queries.DealCard] = []
    for rep in queries.rep_names(store):
        cards += queries.deal_cards(store, today, rep)
        if len(cards) >= KANBAN_DEALS:
            break
    return Board(today, store.stages(), cards[:KANBAN_DEALS])


async def _kanban_filled(pilot: Pilot[None], frames: Frames, board: Board, runs: int) -> Sample:
    screen = pilot.app.screen
    assert isinstance(screen, PipelineScreen)
    times = []
    for _ in range(runs):
        for cards in screen.query(Cards):
            cards.clear_options()
        await pilot.pause()
        _, drawn = await frames.after(partial(screen.show, board), lambda: True)
        times.append(drawn)
    return _ms(times)


async def _kanban_cursor(pilot: Pilot[None], frames: Frames, runs: int) -> tuple[Sample, Sample]:
    """Down the longest column, past the pages it is drawn in."""
    screen = pilot.app.screen
    longest = max(screen.query(Cards), key=lambda cards: len(cards.deals))
    longest.focus()
    longest.highlighted = 0
    await pilot.pause()
    times = []
    for _ in range(min(max(runs, 5) * 10, len(longest.deals) - 1)):
        before = longest.highlighted or 0

        def moved(before: int = before) -> bool:
            return (longest.highlighted or 0) > before

        times.append(await frames.key("down", moved))
    return _ms([handled for handled, _ in times]), _ms([drawn for _, drawn in times])


async def _search(pilot: Pilot[None], frames: Frames, runs: int) -> Sample:
    screen = pilot.app.screen
    assert isinstance(screen, CustomersScreen)
    times = []
    for _ in range(runs):
        screen.box.value = ""
        await _settle(pilot)
        for typed in range(1, len(SEARCH) + 1):
            text = SEARCH[:typed]

            def answered(text: str = text) -> bool:
                return screen.shown is not None and screen.shown[0].search == text.strip()

            _, drawn = await frames.key(text[-1] if text[-1] != " " else "space", answered)
            times.append(drawn)
    return _ms(times)


def _quick_log(store: Store, runs: int) -> Figure:
    """A call with a note and a follow-up in plain words, as the quick log
    saves it; the rows are removed afterwards so the cached data set stays
    as generated."""
    mine = queries.accounts_last_contact(store, store.me)[0].id
    written: list[tuple[str, str]] = []
    times = []
    try:
        for _ in range(max(runs, 5)):
            when = parse_when("in 3 days", store.clock.now())
            started = time.perf_counter()
            customer = lookup.find_customer(store, mine)  # the form names it; so does this
            logged = actions.log_activity(
                store,
                ActivityKind.CALL,
                customer,
                note="Asked for the revised quote",
                next_when=when,
            )
            times.append(time.perf_counter() - started)
            written.append(("activities", logged.activity.id))
            if logged.follow_up:
                written.append(("follow_ups", logged.follow_up.id))
    finally:
        _forget(store, written)
    return Figure("Keys", "quick log saved (a call, its note, a follow-up)", "ms", _ms(times), SAVE)


def _forget(store: Store, written: list[tuple[str, str]]) -> None:
    """Take the benchmark's own rows out of the data set again, change log included."""
    with store.lock:
        store.db.execute("BEGIN")
        for table, row_id in written:
            store.db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
            store.db.execute("DELETE FROM changes WHERE entity = ? AND row_id = ?", [table, row_id])
        store.db.execute("COMMIT")


def _ms(seconds: list[float]) -> Sample:
    sample = Sample.of(seconds)
    return Sample(sample.median * 1000, sample.low * 1000, sample.high * 1000)
