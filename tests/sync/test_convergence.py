"""Three replicas edit the same customers concurrently and swap bundles in
random orders, repeatedly: they must end up identical, with nothing lost."""

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync.bundles import content, replica
from workbench.domain.clock import FixedClock
from workbench.domain.merge import FieldChange, resolve
from workbench.domain.models import Customer
from workbench.store.database import Store
from workbench.sync import importer
from workbench.sync.export import export_bundle
from workbench.sync.importer import BULK_CHANGES, import_bundle

REPLICAS = 3
who = st.integers(0, REPLICAS - 1)
pick = st.integers(0, 50)
name = st.sampled_from(["Acme", "Beta", "Gamma", "[b]Delta[/b]"])
step = st.one_of(
    st.tuples(st.just("create"), who, name),
    st.tuples(st.just("rename"), who, pick, name),
    st.tuples(st.just("tier"), who, pick, st.sampled_from("ABC")),
    st.tuples(st.just("delete"), who, pick),
    st.tuples(st.just("send"), who, who, st.booleans(), st.booleans()),
    st.tuples(st.just("clock"), who, st.integers(-90, 90)),
)


@contextmanager
def replicas() -> Iterator[tuple[list[Store], Path]]:
    with tempfile.TemporaryDirectory() as folder:
        clocks = [FixedClock.at("2026-11-23T09:30:00+08:00") for _ in range(REPLICAS)]
        stores = [replica(Path(folder), f"r{i}", clock) for i, clock in enumerate(clocks)]
        try:
            yield stores, Path(folder)
        finally:
            for store in stores:
                store.close()


def live(store: Store, index: int) -> str | None:
    ids = [
        row[0] for row in store.db.execute("SELECT id FROM customers WHERE deleted = 0 ORDER BY id")
    ]
    return ids[index % len(ids)] if ids else None


def send(stores: list[Store], folder: Path, source: int, target: int, full: bool) -> int:
    """One bundle from source to target; returns how many changes were new.
    Importing it a second time must change nothing."""
    if source == target:
        return 0
    path = folder / f"{source}-{target}.json"
    export_bundle(stores[source], path, peers=[] if full else [stores[target].device])
    new = import_bundle(stores[target], path).new
    before = content(stores[target])
    assert import_bundle(stores[target], path).new == 0
    assert content(stores[target]) == before
    return new


def apply(stores: list[Store], folder: Path, action: tuple[Any, ...], deleted: set[str]) -> None:
    kind, at, *rest = action
    store = stores[at]
    if kind == "create":
        store.add(Customer(name=rest[0]))
    elif kind == "clock":
        store.clock.advance(timedelta(minutes=rest[0]))  # type: ignore[attr-defined]
    elif kind == "send":
        target, full, _ = rest
        send(stores, folder, at, target, full)
    elif (customer := live(store, rest[0])) is not None:
        if kind == "rename":
            store.update(Customer, customer, name=rest[1])
        elif kind == "tier":
            store.update(Customer, customer, tier=rest[1])
        else:
            store.delete(Customer, customer)
            deleted.add(customer)


def everything_settled(store: Store) -> None:
    """Each field shows its greatest head; every other head with another
    value is a recorded conflict: no value written is ever silently lost."""
    fields: dict[tuple[str, str, str], list[FieldChange]] = {}
    for origin, seq, hlc, entity, row_id, field, value, prev in store.db.execute(
        "SELECT * FROM changes"
    ):
        fields.setdefault((entity, row_id, field), []).append(
            FieldChange(origin, seq, hlc, value, tuple(json.loads(prev)) if prev else ())
        )
    conflicts = {
        (e, r, f, o, s) for e, r, f, o, s, *_ in store.db.execute("SELECT * FROM conflicts")
    }
    for (entity, row_id, field), changes in fields.items():
        outcome = resolve(changes)
        if entity == "customers" and field in ("name", "tier"):
            (shown,) = store.db.execute(
                f"SELECT {field} FROM customers WHERE id = ?", [row_id]
            ).fetchone()
            assert json.dumps(shown) == outcome.winner.value
        for lost in outcome.losers:
            if lost.value != outcome.winner.value:
                assert (entity, row_id, field, lost.origin, lost.seq) in conflicts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    actions=st.lists(step, max_size=25),
    order=st.permutations(range(REPLICAS)),
    bulk=st.booleans(),  # every import big enough for a first sync's quick ways
)
def test_any_exchange_order_converges(
    actions: list[tuple[Any, ...]], order: list[int], bulk: bool
) -> None:
    with (
        replicas() as (stores, folder),
        patch.object(importer, "BULK_CHANGES", 1 if bulk else BULK_CHANGES),
    ):
        deleted: set[str] = set()
        for action in actions:
            apply(stores, folder, action, deleted)
        written = {
            row for store in stores for row in store.db.execute("SELECT origin, seq FROM changes")
        }
        for _ in range(4):  # re-pointing may write; repeat until nothing new moves
            moved = sum(
                send(stores, folder, source, target, full=True)
                for source in order
                for target in order
            )
            if not moved:
                break
        first = content(stores[0])
        assert all(content(store) == first for store in stores[1:])
        assert written <= set(stores[0].db.execute("SELECT origin, seq FROM changes"))
        everything_settled(stores[0])
        for customer in deleted:
            assert stores[0].require(Customer, customer).deleted  # no edit resurrects it
