"""The data sets the benchmark runs on, made by the demo generator with the
clock pinned, and kept in benchmarks/.cache between runs (the reference set
takes minutes to make). A cached set is remade when the generator or the
schema changes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.now import clock
from workbench.demo import REFERENCE, Shape, generate
from workbench.store.database import open_store

CACHE = Path(__file__).parent / ".cache"
_ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class DataSet:
    name: str
    shape: Shape


SETS = {
    "reference": DataSet("reference", REFERENCE),  # shared/DESIGN.md's 100k customers
    "team": DataSet("team", Shape(customers=2_000)),  # a team's bundle: ~300k changes
    "smoke": DataSet("smoke", Shape(customers=60)),  # `make test` runs the benchmark on this
}


def fingerprint() -> str:
    """What the data depends on: the generator and the migrations."""
    digest = hashlib.sha256((_ROOT / "workbench" / "demo.py").read_bytes())
    for migration in sorted((_ROOT / "migrations").glob("*.sql")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def database(data: DataSet, say: Callable[[str], None], cache: Path = CACHE) -> Path:
    """The data set's database file, made first if it is not cached."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{data.name}-{fingerprint()}.db"
    if path.exists():
        return path
    for stale in cache.glob(f"{data.name}-*.db*"):
        stale.unlink()  # an older generator's: gigabytes for the reference set
    say(f"Making the {data.name} data set ({data.shape.customers:,} customers; kept for next time)")
    part = path.with_name(path.name + ".part")
    store = open_store(part, clock=clock())
    generate(store, shape=data.shape)
    store.close()
    part.rename(path)
    return path
