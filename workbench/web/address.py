"""Where `workbench serve` listens, and what it says about it as it starts."""

from __future__ import annotations

import ipaddress
import socket

from workbench.i18n import tr

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


def page_address(host: str, port: int, token: str) -> str:
    """The address a browser opens, with the token that lets it in. Listening
    on every address, it must still name one a browser can reach: this
    computer's name on the network."""
    shown = socket.gethostname() if is_every_address(host) else host
    if ":" in shown:  # an IPv6 address goes in brackets in a URL
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/?token={token}"


def banner(host: str, port: int, token: str) -> list[tuple[str, bool]]:
    """What `serve` says as it starts: (line, is it a warning)."""
    address = page_address(host, port, token)
    opening = tr("Workbench in your browser: open {address}", address=address)
    token_note = tr(
        "Only that address opens it: the token in it is new each time serve starts, "
        "and a page from another site cannot use it."
    )
    if is_loopback(host):
        return [
            (opening, False),
            (token_note, False),
            (tr("Only this computer can open it (it listens on loopback). Ctrl+C stops."), False),
        ]
    return [
        (opening, False),
        (token_note, False),
        (
            tr(
                "Warning: listening on {host}, so anyone on your network who has that address can "
                "open your customers, deals and notes, and the page is not encrypted (plain http): "
                "someone watching the network can read it, token included. Use it only on a "
                "network you trust; without --host it stays on this computer.",
                host=host or tr("every address"),
            ),
            True,
        ),
        (tr("Ctrl+C stops."), False),
    ]
