"""What the Pilot tests share: press keys, then wait until the app is quiet."""

import time
from collections.abc import Callable
from contextlib import suppress

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled


async def workers_done(app: App[None]) -> None:
    """Wait for the workers (database reads and writes), twice: a write's
    refresh starts one more. A reload replaced by a newer one ends cancelled,
    which is how it should end; a worker's failure still fails the test."""
    for _ in range(2):
        for worker in list(app.workers):
            with suppress(WorkerCancelled):
                await worker.wait()


async def settle(pilot: Pilot[None]) -> None:
    """The workers, and the redraws they cause."""
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Pauses until `condition` holds (ten seconds at most: a loaded machine
    may take several frames to switch screens and read)."""
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def typed_at_once(app: App[None], text: str) -> None:
    """`text` arriving as one burst, the way a fast typist's keys or a
    terminal's single read bring them: no waiting between keys, as Pilot's
    `press` does."""
    from textual import events
    from textual.keys import _character_to_key

    driver = app._driver
    assert driver is not None
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


def screen_text(app: App[None]) -> str:
    """What the terminal shows now, as lines of text (from the screenshot
    Textual would save: what is drawn, not what a widget holds)."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    svg = app.export_screenshot()
    for x, y, text in re.findall(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    lines = ("".join(t for _, t in sorted(row)) for _, row in sorted(rows.items()))
    return "\n".join(line.replace("\xa0", " ") for line in lines)


def listed(app: App[None], selector: str = "ActivityList") -> str:
    """The lines an option list (a timeline) holds, one per line."""
    from textual.widgets import OptionList

    options = app.screen.query_one(selector, OptionList).options
    return "\n".join(str(option.prompt) for option in options)
