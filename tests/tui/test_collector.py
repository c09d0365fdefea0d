"""Full collections wait for a pause in the typing, but not forever."""

import gc

import pytest

from workbench.tui import collector
from workbench.tui.collector import BUSY_LIMIT, QUIET, IdleCollector


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(collector, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    done: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: done.append(collector.monotonic()) or 0)
    return done


def test_a_pass_after_input_pauses_and_none_while_idle(
    clock: list[float], passes: list[float]
) -> None:
    quiet = IdleCollector()
    quiet.tick()
    assert passes == []  # nothing happened: nothing to collect
    quiet.touched()
    clock[0] += QUIET / 2
    quiet.tick()
    assert passes == []  # still typing
    clock[0] += QUIET
    quiet.tick()
    quiet.tick()
    assert len(passes) == 1  # once, then idle again


def test_unbroken_typing_still_gets_a_pass(clock: list[float], passes: list[float]) -> None:
    busy = IdleCollector()
    for _ in range(int(BUSY_LIMIT / 0.1) + 10):
        clock[0] += 0.1
        busy.touched()
        busy.tick()
    assert len(passes) == 1


def test_start_and_stop_restore_the_interpreter() -> None:
    before = gc.get_threshold()
    lifetime = IdleCollector()
    lifetime.start()
    try:
        assert gc.get_threshold()[2] == collector.NEVER and gc.get_freeze_count() > 0
    finally:
        lifetime.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
