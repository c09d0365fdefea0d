"""Two Syncthing instances on loopback sharing one folder, for the
end-to-end sync test: each with its own home, GUI/REST on a free port with
a known API key, listening on another, dialling the other's; no discovery,
relays, NAT, usage or crash reports, upgrades. The folder is scanned only
when asked (`scan`), so the test decides when a file leaves its writer."""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYNCTHING = shutil.which("syncthing")
FOLDER_ID = "sales-team"
WAIT_S = 20.0

OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",  # usage reporting: declined
    "crashReportingEnabled": "false",
    "autoUpgradeIntervalH": "0",
    "startBrowser": "false",
    "reconnectionIntervalS": "1",
    "stunKeepaliveStartS": "0",  # no STUN either
    "setLowPriority": "false",
    "limitBandwidthInLan": "true",  # loopback is LAN: let a device's rate limit apply
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Syncthing:
    name: str
    home: Path
    folder: Path
    gui_port: int = field(default_factory=free_port)
    listen_port: int = field(default_factory=free_port)
    key: str = ""
    device: str = ""
    process: subprocess.Popen[bytes] | None = None
    _log: Any = None

    def generate(self) -> None:
        """Keys and a config with everything that reaches beyond loopback off."""
        assert SYNCTHING
        self.folder.mkdir(parents=True)
        (self.folder / ".stfolder").mkdir()  # Syncthing's marker: this folder is there
        subprocess.run(
            [SYNCTHING, "generate", f"--home={self.home}", "--no-default-folder"],
            check=True,
            capture_output=True,
            env=self._env(),
        )
        tree = ET.parse(self.home / "config.xml")
        root = tree.getroot()
        me = root.findall("device")[0]
        self.device = me.get("id", "")
        me.set("name", self.name)
        self.key = hashlib.sha256(self.name.encode()).hexdigest()[:32]
        gui = root.find("gui")
        assert gui is not None
        _set(gui, "address", f"127.0.0.1:{self.gui_port}")
        _set(gui, "apikey", self.key)
        options = root.find("options")
        assert options is not None
        _set(options, "listenAddress", f"tcp://127.0.0.1:{self.listen_port}")
        for option, value in OPTIONS.items():
            _set(options, option, value)
        tree.write(self.home / "config.xml")

    def share_with(self, other: "Syncthing", *, dials: bool, receive_kib_s: int = 0) -> None:
        """Know the other device, and share the folder with it. Only one of
        the two `dials` the other's loopback address: when both dial at once,
        each side's first hello can hang for Syncthing's 20 s timeout before
        they connect (seen on a loaded machine). `receive_kib_s`: how fast
        its files may come in."""
        tree = ET.parse(self.home / "config.xml")
        root = tree.getroot()
        defaults = root.find("defaults")
        assert defaults is not None
        template = defaults.find("device")
        assert template is not None
        peer = _copy(template)
        peer.set("id", other.device)
        peer.set("name", other.name)
        _set(peer, "address", f"tcp://127.0.0.1:{other.listen_port}" if dials else "dynamic")
        _set(peer, "maxRecvKbps", str(receive_kib_s))
        folder_template = defaults.find("folder")
        assert folder_template is not None
        folder = _copy(folder_template)
        for attribute, value in {
            "id": FOLDER_ID,
            "label": FOLDER_ID,
            "path": str(self.folder),
            "rescanIntervalS": "3600",
            "fsWatcherEnabled": "false",
        }.items():
            folder.set(attribute, value)
        for shared in folder.findall("device"):
            folder.remove(shared)
        for device in (self.device, other.device):
            ET.SubElement(folder, "device", id=device, introducedBy="")
        first = list(root).index(root.findall("device")[0])
        root.insert(first, folder)
        root.insert(first + 2, peer)
        tree.write(self.home / "config.xml")

    def start(self) -> None:
        assert SYNCTHING
        self._log = (self.home / "syncthing.log").open("wb")
        self.process = subprocess.Popen(
            [
                SYNCTHING,
                "serve",
                f"--home={self.home}",
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                "--logfile=-",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self._env(),
            start_new_session=True,
        )

    def stop(self) -> None:
        """Ask it to stop (it and the process it runs Syncthing in)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

    def log(self) -> str:
        """The end of its log, for a failed test's report."""
        return (self.home / "syncthing.log").read_text(errors="replace")[-3000:]

    def rest(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}",
            data=data,
            method=method,
            headers={"X-API-Key": self.key, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text.strip() else None

    def up(self) -> bool:
        with contextlib.suppress(OSError):
            return bool(self.rest("GET", "/rest/system/ping"))
        return False

    def connected(self, other: "Syncthing") -> bool:
        connections = self.rest("GET", "/rest/system/connections")["connections"]
        return bool(connections.get(other.device, {}).get("connected"))

    def scan(self) -> None:
        """Look at the folder now: what changed there goes out."""
        self.rest("POST", f"/rest/db/scan?folder={FOLDER_ID}")

    def files(self) -> dict[str, str]:
        """The folder's files as a peer sees them (not Syncthing's own): name
        and checksum."""
        found = {}
        for path in self.folder.iterdir():
            if not _syncthings(path.name):
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    def _env(self) -> dict[str, str]:
        return os.environ | {
            "HOME": str(self.home),
            "STNOUPGRADE": "1",
            "STNORESTART": "1",
            "STNODEFAULTFOLDER": "1",
        }


def _syncthings(name: str) -> bool:
    return name.startswith((".syncthing.", "~syncthing~", ".stfolder", ".stversions"))


def _set(parent: ET.Element, tag: str, text: str) -> None:
    element = parent.find(tag)
    if element is None:
        element = ET.SubElement(parent, tag)
    element.text = text


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element))


def until(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.05)


@contextlib.contextmanager
def pair(
    root: Path, names: tuple[str, str], *, b_receives_kib_s: int = 0
) -> Iterator[tuple[Syncthing, Syncthing]]:
    a, b = (
        Syncthing(name, root / name / "syncthing", root / name / "Sync" / FOLDER_ID)
        for name in names
    )
    try:
        for peer in (a, b):
            peer.generate()
        a.share_with(b, dials=True)
        b.share_with(a, dials=False, receive_kib_s=b_receives_kib_s)
        for peer in (a, b):
            peer.start()
        for peer in (a, b):
            until(peer.up, f"{peer.name}'s Syncthing answering")
        until(lambda: a.connected(b) and b.connected(a), "the two Syncthings connected")
        yield a, b
    except BaseException:
        for peer in (a, b):
            if (peer.home / "syncthing.log").exists():
                print(f"--- {peer.name}'s Syncthing ---\n{peer.log()}", file=sys.stderr)
        raise
    finally:
        for peer in (a, b):
            peer.stop()
        for peer in (a, b):
            peer.wait()


def deliver(a: Syncthing, b: Syncthing) -> None:
    """Both look at the folder now; wait until both hold the same files."""
    a.scan()
    b.scan()
    until(lambda: a.files() == b.files(), "Syncthing bringing the two folders level")


def apart(a: Syncthing, b: Syncthing) -> None:
    a.rest("POST", f"/rest/system/pause?device={b.device}")
    until(lambda: not a.connected(b) and not b.connected(a), "the two Syncthings apart")


def together(a: Syncthing, b: Syncthing) -> None:
    a.rest("POST", f"/rest/system/resume?device={b.device}")
    until(lambda: a.connected(b) and b.connected(a), "the two Syncthings together again")


def receive_at(peer: Syncthing, other: Syncthing, kib_s: int) -> None:
    """How fast `peer` takes files from `other` (0: as fast as it can)."""
    peer.rest("PATCH", f"/rest/config/devices/{other.device}", {"maxRecvKbps": kib_s})
