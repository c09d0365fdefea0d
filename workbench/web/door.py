"""Who may open the served app. Every request must:

- name this computer in its Host header (a web page that points its own
  domain at 127.0.0.1, DNS rebinding, is refused);
- come from this page if it says where it comes from (Origin): another
  site's page may not open a session or drive one;
- carry the token printed with the address (`?token=` once, then in a
  cookie the browser keeps for this page only), new each time serve starts.

Pure rules, no web server: `server` applies them to each request.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from workbench.web.address import is_loopback

TOKEN_PARAMETER = "token"


@dataclass(frozen=True)
class Door:
    host: str  # the address it listens on
    port: int
    sessions: int  # the most tabs open at once: each runs a Workbench process
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def cookie(self) -> str:
        """Cookies are kept per host name, not per port: two `serve`s on one
        computer each keep their own."""
        return f"workbench-token-{self.port}"

    def admits(self, offered: str | None) -> bool:
        """Is `offered` this serve's token? (Compared in constant time.)"""
        return offered is not None and secrets.compare_digest(offered.encode(), self.token.encode())

    def knows_host(self, host_header: str | None) -> bool:
        """Is `Host` a name of this computer? On loopback only loopback names
        are; on the network also its addresses and its own names."""
        name = _host_name(host_header)
        if name is None:
            return False
        if name == "localhost" or _is_loopback_ip(name):
            return True
        if is_loopback(self.host):
            return False
        return _is_ip(name) or name in self._own_names

    @cached_property
    def _own_names(self) -> frozenset[str]:
        machine = socket.gethostname().lower()
        return frozenset({self.host.lower(), machine, f"{machine}.local", socket.getfqdn().lower()})

    def knows_origin(self, origin: str | None, host_header: str | None) -> bool:
        """A browser names the page a request comes from; it must be this
        page, on the host it asked for. Tools that are not browsers send no
        Origin (and need the key all the same)."""
        if origin is None:
            return True
        page = _split(origin)
        asked = _split(f"http://{host_header}")
        return page is not None and page[0] == "http" and page == asked


def _host_name(host_header: str | None) -> str | None:
    split = _split(f"http://{host_header}") if host_header else None
    return split[1] if split else None


def _split(url: str) -> tuple[str, str, int] | None:
    """(scheme, host name, port) of a URL, or None when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port or 80
    except ValueError:
        return None
    if not parts.hostname or parts.path or parts.query or parts.username is not None:
        return None
    return parts.scheme, parts.hostname.rstrip("."), port


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback_ip(name: str) -> bool:
    return _is_ip(name) and ipaddress.ip_address(name).is_loopback
