"""Who `workbench serve` lets in: the rules alone (the real server applying
them: test_server.py)."""

import socket

import pytest

from workbench.web.door import Door

ON_LOOPBACK = Door("127.0.0.1", 8000, sessions=4)
ON_THE_NETWORK = Door("0.0.0.0", 8000, sessions=4)


def test_each_serve_has_its_own_unguessable_token() -> None:
    tokens = {Door("127.0.0.1", 8000, 4).token for _ in range(50)}
    assert len(tokens) == 50 and all(len(token) >= 40 for token in tokens)


def test_only_the_token_admits() -> None:
    assert ON_LOOPBACK.admits(ON_LOOPBACK.token)
    for offered in (
        None,
        "",
        ON_LOOPBACK.token[:-1],
        ON_LOOPBACK.token + "x",
        ON_THE_NETWORK.token,
        "日本",
    ):
        assert not ON_LOOPBACK.admits(offered), offered


def test_the_token_never_shows_in_a_log_of_the_door() -> None:
    assert ON_LOOPBACK.token not in repr(ON_LOOPBACK)


LOOPBACK_NAMES = [
    "127.0.0.1:8000",
    "localhost:8000",
    "LOCALHOST",
    "[::1]:8000",
    "127.0.0.2:8000",
    "localhost.:8000",
    "127.0.0.1:9000",
]


@pytest.mark.parametrize("host", LOOPBACK_NAMES)
def test_on_loopback_loopback_names_are_ours(host: str) -> None:
    assert ON_LOOPBACK.knows_host(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "evil.example:8000",
        "evil.example",
        "127.0.0.1.evil.example:8000",
        "localhost.evil.example",
        "192.168.1.20:8000",
        socket.gethostname(),
        "user@127.0.0.1:8000",
        "127.0.0.1:8000/x",
        "127.0.0.1:port",
        "[::1",
    ],
)
def test_on_loopback_any_other_host_is_refused(host: str | None) -> None:
    assert not ON_LOOPBACK.knows_host(host)


def test_on_the_network_its_addresses_and_names_are_ours() -> None:
    for host in (
        "192.168.1.20:8000",
        "[fe80::1]:8000",
        "localhost:8000",
        f"{socket.gethostname()}:8000",
        f"{socket.gethostname()}.local:8000",
    ):
        assert ON_THE_NETWORK.knows_host(host), host
    assert not ON_THE_NETWORK.knows_host("evil.example:8000"), "DNS rebinding"


def test_a_page_may_only_be_its_own_origin() -> None:
    host = "127.0.0.1:8000"
    assert ON_LOOPBACK.knows_origin("http://127.0.0.1:8000", host)
    assert ON_LOOPBACK.knows_origin("http://localhost", "localhost:80")
    assert ON_LOOPBACK.knows_origin(None, host), "tools that are not browsers send none"
    for origin in (
        "http://evil.example",
        "http://evil.example:8000",
        "http://localhost:8000",
        "https://127.0.0.1:8000",
        "http://127.0.0.1:8001",
        "null",
        "",
        "file://",
        "http://127.0.0.1:8000/x",
    ):
        assert not ON_LOOPBACK.knows_origin(origin, host), origin


def test_each_port_keeps_its_own_cookie() -> None:
    assert Door("127.0.0.1", 8000, 4).cookie != Door("127.0.0.1", 8001, 4).cookie
