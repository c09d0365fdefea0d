"""`workbench serve` end to end: the server on a free loopback port, the page
in headless Chromium, the Today pane drawn, `2`, the Pipeline pane drawn.

The page draws the terminal on a canvas, so what the browser was sent to
draw (the websocket's frames) is what the test reads; a screenshot of the
last state is kept beside the test's files for a person to look at.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.demo import generate
from workbench.domain.clock import FixedClock
from workbench.store.database import open_store
from workbench.store.location import DeviceRegistry

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOW = "2026-11-23T09:30:00+08:00"
WAIT_MS = 30_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="needs Chromium (Debian's chromium package; .ci/run installs it)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    database = tmp_path / "demo.db"
    # Made as `workbench` makes one, in the registry serve reads: else a copy, asking who the rep is
    registry = DeviceRegistry(tmp_path / "devices.json")
    store = open_store(database, clock=FixedClock.at(NOW), registry=registry)
    generate(store)
    store.close()
    port = free_port()
    env = os.environ | {"WORKBENCH_CONFIG_DIR": str(tmp_path), "WORKBENCH_NOW": NOW}
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", "--port", str(port), "--db", str(database)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"workbench serve stopped: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("workbench serve did not listen within 20 s")


def test_the_app_in_a_browser(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    drawn: list[str] = []  # what the page's terminal was sent to draw

    def read(frame: str | bytes) -> None:
        drawn.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))

    def shows(text: str) -> bool:
        return text in "".join(drawn)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.on("websocket", lambda socket: socket.on("framereceived", read))
        page.goto(server)
        page.wait_for_function("document.body.classList.contains('-first-byte')",
                               timeout=WAIT_MS)  # fmt: skip
        _until(page, lambda: shows("Overdue ("), "the Today pane")
        assert not shows("Deals: me")
        page.locator(".textual-terminal").click()
        page.keyboard.press("2")
        _until(page, lambda: shows("Deals: me"), "the Pipeline pane after pressing 2")
        page.screenshot(path=str(tmp_path / "pipeline.png"))
        browser.close()


def _until(page: object, condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"the browser never showed {what}")
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
