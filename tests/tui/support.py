"""What the Pilot tests share: press keys, then wait until the app is quiet."""

from textual.pilot import Pilot


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the workers (database reads and writes) and the redraws they cause."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)
