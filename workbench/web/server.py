"""The web server behind `workbench serve`: textual-serve's, with a door.

Each browser tab that opens the page starts its own Workbench process on
the same database (SQLite in WAL mode: several at once is fine) and sees it
drawn by a terminal in the page. textual-serve runs the processes and the
websocket; this module lets in only what `door.Door` admits, caps the tabs,
and serves its own page, which loads nothing from outside this computer.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from string import Template

from aiohttp import web
from textual_serve.server import Server

from workbench.i18n import language, tr, tr_n
from workbench.web.door import TOKEN_PARAMETER, Door

PAGE = Template((Path(__file__).parent / "page.html").read_text(encoding="utf-8"))

# Everything the page loads comes from this server, and no other site may frame it.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def app_command(database: Path) -> str:
    """The command each browser tab runs: this Python, this Workbench, this database."""
    return shlex.join(
        [sys.executable, "-m", "workbench", "--db", str(database), "--lang", language()]
    )


def serve(database: Path, door: Door) -> None:
    """Serve until Ctrl+C. OSError when the address cannot be listened on."""
    WorkbenchServer(app_command(database), door).serve()


class WorkbenchServer(Server):
    """textual-serve's server with our routes: the page, its static files and
    the session websocket, each behind the door. (Its download route is left
    out: Workbench hands the browser no files.)"""

    def __init__(self, command: str, door: Door) -> None:
        super().__init__(command, host=door.host, port=door.port, title="Workbench")
        self.door = door
        self.live = 0  # sessions open now

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/", self._page)
        app.router.add_get("/ws", self._session)
        app.router.add_static("/static", self.statics_path)
        app.on_response_prepare.append(_add_headers)
        return app

    async def on_startup(self, app: web.Application) -> None:
        pass  # the command has said where to go; textual-serve's logo would repeat it

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        door = self.door
        if not door.knows_host(request.headers.get("Host")):
            return _refuse(
                tr(
                    "This page answers only to this computer's own names: open the "
                    "address workbench serve printed."
                )
            )
        if not door.knows_origin(request.headers.get("Origin"), request.headers.get("Host")):
            return _refuse(tr("A page from another site may not open Workbench."))
        offered = request.query.get(TOKEN_PARAMETER) or request.cookies.get(door.cookie)
        if not door.admits(offered):
            return _refuse(
                tr(
                    "Open the address workbench serve printed as it started: it holds "
                    "a token, new each time serve starts."
                )
            )
        return await handler(request)

    async def _page(self, request: web.Request) -> web.Response:
        if self.live >= self.door.sessions:
            return self._full()
        page = PAGE.substitute(
            lang=escape(language().replace("_", "-")),
            starting=escape(tr("Starting Workbench…")),
            ended=escape(tr("Session ended.")),
            restart=escape(tr("Start again")),
            websocket=escape(f"ws://{request.host}/ws"),
            font_size=_font_size(request.query.get("fontsize")),
        )
        response = web.Response(text=page, content_type="text/html")
        # From now on the browser shows the token for this page only, never to another site.
        response.set_cookie(
            self.door.cookie, self.door.token, path="/", httponly=True, samesite="Strict"
        )
        return response

    async def _session(self, request: web.Request) -> web.StreamResponse:
        if self.live >= self.door.sessions:
            return self._full()
        self.live += 1
        try:
            return await self.handle_websocket(request)
        finally:
            self.live -= 1

    def _full(self) -> web.Response:
        return web.Response(
            status=503,
            text=tr_n(
                "Workbench is open in {count} tab already, the most serve allows (--sessions): "
                "close it, then reload this page.",
                "Workbench is open in {count} tabs already, the most serve allows (--sessions): "
                "close one, then reload this page.",
                self.live,
            ),
        )


def _refuse(reason: str) -> web.Response:
    return web.Response(status=403, text=reason)


def _font_size(asked: str | None) -> int:
    return int(asked) if asked and asked.isdigit() and 8 <= int(asked) <= 48 else 16


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)
