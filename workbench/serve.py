"""`workbench serve`: the same app in a web browser, through textual-serve.

Each browser tab that opens the page starts its own Workbench process on
the same database (SQLite in WAL mode: several at once is fine) and sees it
drawn by a terminal in the page. Nothing leaves the computer unless the rep
asks for a non-loopback address.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from pathlib import Path

from workbench.i18n import language

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may well be reachable from elsewhere


def is_every_address(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def app_command(database: Path) -> str:
    """The command each browser tab runs: this Python, this Workbench, this database."""
    return shlex.join([sys.executable, "-m", "workbench", "--db", str(database),
                       "--lang", language()])  # fmt: skip


def page_address(host: str, port: int) -> str:
    """The address a browser opens. Listening on every address, the page must
    still name one a browser can reach: this computer's name on the network."""
    shown = socket.gethostname() if is_every_address(host) else host
    if ":" in shown:  # an IPv6 address goes in brackets in a URL
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def banner(host: str, port: int) -> list[tuple[str, bool]]:
    """What `serve` says as it starts: (line, is it a warning)."""
    address = page_address(host, port)
    if is_loopback(host):
        return [
            (f"Workbench in your browser: open {address}", False),
            ("Only this computer can open it (it listens on loopback). Ctrl+C stops.", False),
        ]
    return [
        (f"Workbench in your browser: open {address}", False),
        (f"Warning: listening on {host or 'every address'}, so anyone on your network who can "
         "reach this computer can open the page and your customers, deals and notes with it. "
         "There is no password. Use it only on a network you trust; without --host it stays "
         "on this computer.", True),
        ("Ctrl+C stops.", False),
    ]  # fmt: skip


def serve(database: Path, host: str, port: int) -> None:
    """Serve until Ctrl+C. OSError when the address cannot be listened on."""
    from textual_serve.server import Server

    class WorkbenchServer(Server):
        async def on_startup(self, app: object) -> None:
            pass  # the command has said where to go; textual-serve's logo would repeat it

    server = WorkbenchServer(app_command(database), host=host, port=port, title="Workbench",
                             public_url=page_address(host, port))  # fmt: skip
    server.serve()
