"""`workbench serve`: where it listens, what it says, what it refuses. (The
browser itself: tests/test_browser.py.)"""

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.store.database import open_store
from workbench.store.location import DeviceRegistry
from workbench.web import server
from workbench.web.door import Door


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Door]]:
    """What `serve` would serve, and behind which door, without serving it."""
    calls: list[tuple[Path, Door]] = []
    monkeypatch.setattr(server, "serve", lambda *args: calls.append(args))
    return calls


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_loopback_by_default_and_says_so(tmp_path: Path, served: list[tuple[Path, Door]]) -> None:
    code, out, err = invoke(tmp_path / "w.db", "--port", "8765")
    assert code == 0, out + err
    [(database, door)] = served
    assert database == tmp_path / "w.db"
    assert (door.host, door.port, door.sessions) == ("127.0.0.1", 8765, 4)
    assert f"open http://127.0.0.1:8765/?token={door.token}\n" in out
    assert "Only that address opens it" in out
    assert "Only this computer can open it" in out
    assert err == ""


def test_each_start_has_a_new_token(tmp_path: Path, served: list[tuple[Path, Door]]) -> None:
    invoke(tmp_path / "w.db", "--port", "8765")
    invoke(tmp_path / "w.db", "--port", "8765")
    assert served[0][1].token != served[1][1].token


def test_the_tabs_at_once_can_be_set(tmp_path: Path, served: list[tuple[Path, Door]]) -> None:
    assert invoke(tmp_path / "w.db", "--sessions", "2")[0] == 0
    assert served[0][1].sessions == 2
    code, _, err = invoke(tmp_path / "w.db", "--sessions", "0")
    assert code != 0 and "--sessions" in err


def test_every_address_warns_that_the_network_can_read_the_data(
    tmp_path: Path, served: list[object]
) -> None:
    code, out, err = invoke(tmp_path / "w.db", "--host", "0.0.0.0", "--port", "8766")
    assert code == 0, out + err
    assert f"open http://{socket.gethostname()}:8766/?token=" in out, "a name the network can reach"
    assert "Warning: listening on 0.0.0.0" in err and "anyone on your network" in err
    assert "not encrypted" in err


def test_a_port_in_use_is_refused_clearly(tmp_path: Path, served: list[object]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = invoke(tmp_path / "w.db", "--port", str(port))
    assert code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert served == []


def test_the_app_command_names_this_database() -> None:
    command = server.app_command(Path("/data/my book.db"))
    assert command.endswith("-m workbench --db '/data/my book.db' --lang en")


def test_the_demo_opens_in_each_tab_as_the_demo_rep(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tab's process opens the throw-away database as its own, on Today, not
    as a copy asking who uses it."""
    seen: list[str | None] = []

    def open_as_a_tab(database: Path, door: Door) -> None:
        tab = open_store(database, registry=DeviceRegistry.default())
        seen.append(tab.me)
        tab.close()

    monkeypatch.setattr(server, "serve", open_as_a_tab)
    result = CliRunner().invoke(cli, ["serve", "--demo", "--port", "8767"])
    assert result.exit_code == 0, result.output
    assert seen and seen[0] is not None
