"""A real `workbench serve`, opened by a client that is not a browser: the
printed address opens the page and a session; nothing else does.

Each refusal is checked with everything else right (the token, this
computer's name, this page's origin), so it is that one thing that refuses."""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from tests.web.conftest import Serve, Served

EVIL = "http://evil.example"


@asynccontextmanager
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe: keep cookies from an IP address (127.0.0.1), as a browser does
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def refusal(response: aiohttp.ClientResponse) -> tuple[int, str]:
    return response.status, await response.text()


async def open_page(session: aiohttp.ClientSession, served: Served) -> str:
    async with session.get(served.address) as response:
        assert response.status == 200
        return await response.text()


@asynccontextmanager
async def session_socket(
    session: aiohttp.ClientSession, served: Served, origin: str | None = None, query: str = ""
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    headers = {"Origin": origin or served.origin}
    async with session.ws_connect(
        f"ws://127.0.0.1:{served.port}/ws{query}", headers=headers
    ) as socket:
        yield socket


async def drawn(socket: aiohttp.ClientWebSocketResponse, text: str) -> bool:
    """Does the app, in the session's process, draw `text`?"""
    seen = ""
    async with asyncio.timeout(60):
        while text not in seen:
            message = await socket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode("utf-8", "replace")
            elif message.type != aiohttp.WSMsgType.TEXT:
                return False
    return True


async def test_the_printed_address_opens_the_page_and_a_session(serve: Serve) -> None:
    served = serve()
    async with client() as session:
        page = await open_page(session, served)
        assert 'data-session-websocket-url="ws://127.0.0.1:' in page
        async with session_socket(session, served) as socket:  # the page's cookie lets it in
            assert await drawn(socket, "Overdue")


async def test_without_the_token_nothing_opens(serve: Serve) -> None:
    served = serve()
    wrong = served.token[:-2] + "xx"
    async with client() as session:
        for path in ("/", f"/?token={wrong}", "/static/js/textual.js", "/ws"):
            async with session.get(f"{served.origin}{path}") as response:
                status, text = await refusal(response)
                assert status == 403, path
                assert "Open the address workbench serve printed" in text
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session_socket(session, served, query=f"?token={wrong}"):
                pass
        assert refused.value.status == 403


async def test_a_page_from_another_site_cannot_open_a_session(serve: Serve) -> None:
    served = serve()
    async with client() as session:
        await open_page(session, served)  # holds the cookie, as the rep's browser would
        for query in ("", f"?token={served.token}"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                async with session_socket(session, served, origin=EVIL, query=query):
                    pass
            assert refused.value.status == 403
        async with session.get(served.address, headers={"Origin": EVIL}) as response:
            assert await refusal(response) == (
                403,
                "A page from another site may not open Workbench.",
            )


async def test_a_foreign_host_is_refused_so_dns_rebinding_finds_nothing(serve: Serve) -> None:
    served = serve()
    async with client() as session:
        for host in (f"evil.example:{served.port}", "evil.example"):
            async with session.get(served.address, headers={"Host": host}) as response:
                status, text = await refusal(response)
                assert status == 403 and "only to this computer's own names" in text
        async with session.get(served.address.replace("127.0.0.1", "localhost")) as response:
            assert response.status == 200, "localhost is this computer too"


async def test_the_tabs_open_at_once_are_capped(serve: Serve) -> None:
    served = serve("--sessions", "1")
    async with client() as session:
        await open_page(session, served)
        async with session_socket(session, served) as first:
            assert await drawn(first, "Overdue")
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                async with session_socket(session, served):
                    pass
            assert refused.value.status == 503
            async with session.get(served.address) as response:
                status, text = await refusal(response)
                assert status == 503 and "open in 1 tab already" in text
        async with asyncio.timeout(30):  # the first tab's process stops, and its place is free
            while (await session.get(served.address)).status != 200:
                await asyncio.sleep(0.2)
        async with session_socket(session, served) as second:
            assert await drawn(second, "Overdue")


async def test_the_page_loads_nothing_from_another_site(serve: Serve) -> None:
    served = serve()
    async with client() as session, session.get(served.address) as response:
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert "fonts.googleapis" not in page
    assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", page), "every asset is local"
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
