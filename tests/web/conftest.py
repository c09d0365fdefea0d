"""A real `workbench serve` on a free loopback port, for the tests that open it."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from workbench.demo import generate
from workbench.domain.clock import FixedClock
from workbench.store.database import open_store
from workbench.store.location import DeviceRegistry

NOW = "2026-11-23T09:30:00+08:00"


@dataclass(frozen=True)
class Served:
    address: str  # as `serve` printed it, token included
    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.address).query)["token"][0]


Serve = Callable[..., Served]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """`serve(*options)` starts `workbench serve` on demo data; stopped after the test."""
    database = tmp_path / "demo.db"
    # Made as `workbench` makes one, in the registry serve reads: else a copy, asking who the rep is
    registry = DeviceRegistry(tmp_path / "devices.json")
    store = open_store(database, clock=FixedClock.at(NOW), registry=registry)
    generate(store)
    store.close()
    processes: list[subprocess.Popen[str]] = []

    def start(*options: str) -> Served:
        port = free_port()
        env = os.environ | {"WORKBENCH_CONFIG_DIR": str(tmp_path), "WORKBENCH_NOW": NOW}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench",
                "serve",
                "--port",
                str(port),
                "--db",
                str(database),
                *options,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "open http://" in first, first
        _wait_for_port(port, process)
        return Served(first.split("open ", 1)[1].strip(), port)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
