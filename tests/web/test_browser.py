"""`workbench serve` end to end: the server on a free loopback port, the
printed address in headless Chromium, the Today pane drawn, `2`, the
Pipeline pane drawn; every request the page makes stays on this computer.

The page draws the terminal on a canvas, so what the browser was sent to
draw (the websocket's frames) is what the test reads; a screenshot of the
last state is kept beside the test's files for a person to look at.
"""

import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import Serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WAIT_MS = 30_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="needs Chromium (Debian's chromium package; .ci/run installs it)",
)


def test_the_app_in_a_browser(serve: Serve, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    served = serve()
    drawn: list[str] = []  # what the page's terminal was sent to draw
    requested: list[str] = []  # every address the page asked for
    complaints: list[str] = []  # what the browser's console said went wrong

    def read(frame: str | bytes) -> None:
        drawn.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))

    def shows(text: str) -> bool:
        return text in "".join(drawn)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.on(
            "websocket",
            lambda socket: (requested.append(socket.url), socket.on("framereceived", read)),
        )
        page.on("request", lambda request: requested.append(request.url))
        page.on(
            "console", lambda message: message.type == "error" and complaints.append(message.text)
        )
        page.goto(served.address)
        page.wait_for_selector("body.-first-byte", timeout=WAIT_MS)  # the terminal drew
        _until(page, lambda: shows("Overdue ("), "the Today pane")
        assert not shows("Deals: me")
        page.locator(".textual-terminal").click()
        page.keyboard.press("2")
        _until(page, lambda: shows("Deals: me"), "the Pipeline pane after pressing 2")
        page.screenshot(path=str(tmp_path / "pipeline.png"))
        browser.close()
    here = f"127.0.0.1:{served.port}"
    assert requested and {urlsplit(url).netloc for url in requested} == {here}, requested
    assert any(url.endswith(".ttf") for url in requested), "the font comes from this server"
    assert complaints == [], "nothing refused by the page's own policy, nothing broken"


def _until(page: object, condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"the browser never showed {what}")
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
