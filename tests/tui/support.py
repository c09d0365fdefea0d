"""What the Pilot tests share: press keys, then wait until the app is quiet."""

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


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)
