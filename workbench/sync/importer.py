"""Importing a bundle: checked in full, then merged in one transaction.

Inside one write transaction the reader's checked changes are staged in a
temporary table (or, in a big first sync, straight in the log: `_Staging`);
anything wrong (the file, or a change id the sending device reused for
other content) rolls everything back, so a refused bundle leaves the
database as it was, and so does a crash. Then the changes this database
lacks join the log, and every record they touch is recomputed from all of
its changes by the merge rule (`merge.resolve`): the value shown, the
conflicts kept, the tombstone. Records new here with one change per field
have nothing to merge and go in by one INSERT per kind (most of a first
sync). A re-import finds nothing new and changes nothing. Records that
point at a customer merged away are re-pointed.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.domain.hlc import Stamp
from workbench.domain.merge import SEED, FieldChange, resolve
from workbench.i18n import tr, tr_n
from workbench.store.claims import NO_OWNERS, own_devices, owned_fields, reps_claimed_in
from workbench.store.database import (
    Store,
    chunks,
    fetch_all,
    insert_from_changes_sql,
    insert_rows_sql,
    update_row,
)
from workbench.store.duplicates import pairs_involving
from workbench.store.incomplete import hold_incomplete, missing
from workbench.store.migrate import schema_version
from workbench.store.pipeline import rehome_stranded
from workbench.store.schema import ENTITIES, Entity
from workbench.sync.bundle import Header
from workbench.sync.conflicts import Found, Told, told
from workbench.sync.export import PEER_KEY, exported
from workbench.sync.reader import BundleError, Progress, Row, read_bundle
from workbench.sync.signature import check_team

ROWS_AT_ONCE = 500  # records recomputed per query
# A device numbers its changes 1, 2, 3…: a change numbered far past what is
# here of its device and what arrives with it was never written.
MAX_SEQ_GAP = 1_000_000
BULK_CHANGES = 100_000  # from here an import may pause indexes (see _index_upkeep)
_REFERS_TO_CUSTOMERS = ("contacts", "deals", "activities", "follow_ups")
TOLD_AT_MOST = 100  # conflicts an import describes one by one (it counts them all)
TOLD_LINES = 5  # of those, the ones its lines name


@dataclass
class Summary:
    """What one import did, counted in records (a change is one field)."""

    path: Path
    origin: str
    rep: str | None
    changes: int = 0  # in the bundle
    new: int = 0  # of those, the ones this database lacked
    added: Counter[str] = field(default_factory=Counter)  # per entity
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    conflicts: int = 0  # fields newly in conflict
    settled: int = 0  # conflicts over this device's values a teammate settled before they came
    incomplete: int = 0  # records held aside until the rest of them arrives
    duplicates: int = 0  # possible duplicate customers involving what arrived
    told: list[Told] = field(default_factory=list)  # those conflicts, as the rep hears of them
    opened: list[Found] = field(default_factory=list, repr=False)  # found while merging…
    closed: list[Found] = field(default_factory=list, repr=False)  # …and told at the end

    def line(self) -> str:
        who = tr(" from {rep}", rep=self.rep) if self.rep else ""
        if not self.new:
            return tr(
                "{file}{who}: nothing new ({count} changes already here)",
                file=self.path.name,
                who=who,
                count=f"{self.changes:,}",
            )
        parts = [
            tr("{count} added", count=f"{sum(self.added.values()):,}"),
            tr("{count} updated", count=f"{sum(self.updated.values()):,}"),
            tr("{count} unchanged", count=f"{self.unchanged:,}"),
            tr_n("{count} conflict", "{count} conflicts", self.conflicts),
        ]
        if self.incomplete:
            parts.append(
                tr(
                    "{count} incomplete, held aside until the rest of them arrives",
                    count=f"{self.incomplete:,}",
                )
            )
        if self.duplicates:
            parts.append(tr("{count} possible duplicates to review", count=f"{self.duplicates:,}"))
        return tr_n(
            "{file}{who}: {count} new change; {parts}",
            "{file}{who}: {count} new changes; {parts}",
            self.new,
            file=self.path.name,
            who=who,
            parts=", ".join(parts),
        )

    def lines(self) -> list[str]:
        """`line`, then what the conflicts it brought mean to the rep: whose
        value lost or was kept, and what a teammate settled."""
        lines = [self.line()]
        opened = [told for told in self.told if not told.settled][:TOLD_LINES]
        if self.conflicts == 1 and opened:
            lines.append(
                tr(
                    "1 conflict: {told}; settle it in Conflicts (or `workbench conflicts`)",
                    told=opened[0].text(),
                )
            )
        elif self.conflicts:
            lines.append(
                tr(
                    "{count} conflicts; settle them in Conflicts (or `workbench conflicts`):",
                    count=f"{self.conflicts:,}",
                )
            )
            lines += [f"  {told.text()}" for told in opened]
            if self.conflicts > len(opened):
                lines.append(
                    "  " + tr("… and {count} more", count=f"{self.conflicts - len(opened):,}")
                )
        closed = [told for told in self.told if told.settled][:TOLD_LINES]
        lines += [told.text() for told in closed]
        if self.settled > len(closed):
            lines.append(
                tr(
                    "… and {count} more settled by teammates",
                    count=f"{self.settled - len(closed):,}",
                )
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "origin": self.origin,
            "rep": self.rep,
            "changes": self.changes,
            "new": self.new,
            "added": dict(self.added),
            "updated": dict(self.updated),
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "settled": self.settled,
            "duplicates": self.duplicates,
            "incomplete": self.incomplete,
            "told": [told.as_json() for told in self.told],
        }


def import_bundle(store: Store, path: Path, progress: Progress | None = None) -> Summary:
    """Merge the bundle at `path` into the store, or change nothing and raise
    BundleError (what is wrong with the file, in one line) or
    sqlite3.OperationalError (the database could not take it: locked, full,
    read-only)."""
    try:
        with _no_cycle_collection(), store.transaction():
            try:
                with store.transaction():  # a savepoint, undone if the quick way fails
                    return _import(store, path, progress, straight_allowed=True)
            except _Overlap:
                pass  # read it again, comparing each change with the log
            return _import(store, path, progress, straight_allowed=False)
    except (BundleError, sqlite3.OperationalError):
        raise
    except Exception as error:  # a bundle no check foresaw: still one line, still nothing written
        raise BundleError(
            tr("could not be merged ({kind}: {error})", kind=type(error).__name__, error=error)
        ) from error


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a bundle is read: an import holds
    every change it has read until it commits, and each automatic pass
    scanned that growing heap (~8% of a 300k-change import). What is
    garbage is freed by reference counts meanwhile; cycles wait for the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _Overlap(Exception):
    """A change staged straight into the log is there already."""


def _import(store: Store, path: Path, progress: Progress | None, straight_allowed: bool) -> Summary:
    with ExitStack() as paused:  # the log's indexes, while changes go straight in
        staging = _Staging(store, paused if straight_allowed else None)
        header = read_bundle(
            path,
            staging.take,
            now=store.clock.now(),
            schema_version=schema_version(store.db),
            progress=progress,
            checked_header=staging.choose,
        )
    summary = _merge(store, header, path, staging)
    store.db.execute("DROP TABLE temp.incoming")
    store.db.execute("DROP TABLE IF EXISTS temp.arrived")
    return summary


class _Staging:
    """Where the reader's checked changes go. Usually a temporary table
    (temp.incoming), compared with the log once the bundle is whole. A big
    bundle from devices this log has never seen (a new teammate's first
    sync) goes straight into the log, its indexes paused: nothing there to
    compare with, and a third less work than staging, copying and dropping
    millions of rows. A change id found there after all (a bundle holding
    changes of devices its header does not name) raises _Overlap."""

    def __init__(self, store: Store, paused: ExitStack | None) -> None:
        self.store, self.paused = store, paused
        self.straight: bool | None = None  # decided by the header, or the first batch
        (self.held,) = store.db.execute("SELECT count(*) FROM changes").fetchone()
        self.tops: dict[str, list[int]] = {}  # per device staged: [highest seq, how many]
        self.latest = ""  # their greatest clock stamp (known ones too: receiving it is harmless)
        store.db.execute(
            "CREATE TEMP TABLE incoming (origin TEXT, seq INTEGER, hlc TEXT, entity TEXT, "
            "row_id TEXT, field TEXT, value TEXT, prev TEXT, PRIMARY KEY (origin, seq)) "
            "WITHOUT ROWID"
        )

    def choose(self, header: Header) -> None:
        """Given the header: refuse it unless it is the team's, and decide
        where the changes go."""
        check_team(header, self.store.team)
        if self.straight is None:
            self.straight = self.paused is not None and self._first_sync(header)
            if self.paused is not None and self.straight:
                self.paused.enter_context(self.store.indexes_paused(["changes"]))

    def _first_sync(self, header: Header) -> bool:
        if header.count < max(BULK_CHANGES, self.held + 1):
            return False
        return not any(
            self.store.db.execute(
                "SELECT 1 FROM changes WHERE origin = ? LIMIT 1", [device]
            ).fetchone()
            for device in {header.origin, *header.known}
        )

    def take(self, rows: list[Row]) -> None:
        if self.straight is None:
            self.straight = False
        own = (self.store.device, SEED)
        # Straight into the log: none of its devices is in the bundle, not even ours.
        if self.straight and (foreign := next((row for row in rows if row[0] in own), None)):
            raise _not_theirs(f"{foreign[0]}:{foreign[1]}")
        conn = self.store.db
        conn.execute("SAVEPOINT stage")
        try:
            conn.executemany(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO stage")  # back to the batches before this one
            if self.straight:
                raise _Overlap from None
            origin, seq = _repeated(conn, rows)
            raise BundleError(tr("holds change {change} twice", change=f"{origin}:{seq}")) from None
        finally:
            conn.execute("RELEASE stage")
        for origin, seq, *_ in rows:
            if (top := self.tops.get(origin)) is None:
                self.tops[origin] = [seq, 1]
            else:
                top[0], top[1] = max(top[0], seq), top[1] + 1
        self.latest = max(self.latest, max(row[2] for row in rows))

    @property
    def table(self) -> str:
        return "changes" if self.straight else "temp.incoming"


def _not_theirs(change: str) -> BundleError:
    """A change under this device's id (or the seed's) that this log lacks."""
    if change.startswith(SEED + ":"):
        return BundleError(
            tr(
                "holds change {change} under the seed's name, which no device "
                "writes: it was forged or damaged",
                change=change,
            )
        )
    return BundleError(
        tr(
            "holds change {change}, written under this computer's own device id, "
            "which this database does not have: only this computer writes under "
            "its id (was the bundle made from a copy of this database?)",
            change=change,
        )
    )


def _check_writers(store: Store, staging: _Staging) -> None:
    """Refuse changes no device could have written: under this device's id
    or the seed's but missing here, or numbered implausibly far ahead."""
    db = store.db
    if not staging.straight:  # (straight ones were checked as they were staged)
        found = db.execute(
            "SELECT origin, seq FROM temp.incoming i WHERE origin IN (?, ?) AND NOT EXISTS "
            "(SELECT 1 FROM changes c WHERE c.origin = i.origin AND c.seq = i.seq) "
            "ORDER BY origin, seq LIMIT 1",
            [store.device, SEED],
        ).fetchone()
        if found:
            raise _not_theirs(f"{found[0]}:{found[1]}")
    for origin, (top, _) in sorted(staging.tops.items()):
        # How many changes of the device there are, here and arriving: what
        # any replica holding the same ones counts alike (so what one accepts,
        # a replica it passes them to accepts too).
        union = "" if staging.straight else " UNION SELECT seq FROM temp.incoming WHERE origin = :o"
        (held,) = db.execute(
            f"SELECT count(*) FROM (SELECT seq FROM changes WHERE origin = :o{union})",
            {"o": origin},
        ).fetchone()
        if top > held + MAX_SEQ_GAP:
            raise BundleError(
                tr(
                    "holds change {change}, numbered {gap} past the last change of "
                    "that device here and in the bundle: no device writes that many "
                    "changes unseen; the file is damaged or forged (a full bundle "
                    "from that teammate, `workbench export --full`, has them all)",
                    change=f"{origin}:{top}",
                    gap=f"{top - held:,}",
                )
            )


def _repeated(conn: sqlite3.Connection, rows: list[Row]) -> tuple[str, int]:
    """The first change id in `rows` that is twice in them or already staged."""
    seen: set[tuple[str, int]] = set()
    for origin, seq, *_ in rows:
        if (origin, seq) in seen or conn.execute(
            "SELECT 1 FROM temp.incoming WHERE origin = ? AND seq = ?", [origin, seq]
        ).fetchone():
            return origin, seq
        seen.add((origin, seq))
    raise AssertionError("no repeated change id")


def _merge(store: Store, header: Header, path: Path, staging: _Staging) -> Summary:
    db = store.db
    summary = Summary(path, header.origin, header.rep, changes=header.count)
    _check_writers(store, staging)
    if staging.straight:
        summary.new = header.count
        records = _sort_arrived_straight(db, staging)
    else:
        records = _join_log(store, staging, summary)
    if summary.new:
        store.receive(Stamp.parse(staging.latest))
        with store.derived_paused():
            customers, contacts_of = _insert_whole(store, summary, staging)
            records += _touch_claimed_reps(db)
            more_customers, more_contacts_of = _recompute(store, summary)
            _name_claimed_devices(db)
            customers += more_customers
            store.refresh_derived(customers + contacts_of + more_contacts_of)
        _repoint(store)
        rehome_stranded(store)
        summary.unchanged = (
            records
            - sum(summary.added.values())
            - sum(summary.updated.values())
            - summary.incomplete
        )
        summary.duplicates = pairs_involving(store, customers) if customers else 0
    else:
        summary.unchanged = records
    _remember_peer(store, header)
    if summary.opened or summary.closed:  # (named once the records and their writers are here)
        summary.told = told(store, summary.opened, summary.closed)
    return summary


def _join_log(store: Store, staging: _Staging, summary: Summary) -> int:
    """Add to the log the staged changes it lacks (refusing a change id it
    holds with other content), listing their records in temp.arrived;
    return how many records the bundle touches."""
    db = store.db
    _refuse_reused_ids(db)
    db.execute("CREATE INDEX temp.incoming_record ON incoming (entity, row_id, field)")
    (records,) = db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT entity, row_id FROM temp.incoming)"
    ).fetchone()
    db.execute(
        "DELETE FROM temp.incoming WHERE EXISTS (SELECT 1 FROM changes c "
        "WHERE c.origin = incoming.origin AND c.seq = incoming.seq)"
    )
    (summary.new,) = db.execute("SELECT count(*) FROM temp.incoming").fetchone()
    if summary.new:
        _sort_arrived(db)
        with _index_upkeep(staging, summary.new)(["changes"]):
            db.execute("INSERT INTO changes SELECT * FROM temp.incoming")
    return records


def _refuse_reused_ids(conn: sqlite3.Connection) -> None:
    """The same change id with other content: the device id was reused."""
    for origin, seq, *pairs in conn.execute(
        "SELECT i.origin, i.seq, i.hlc, c.hlc, i.entity, c.entity, i.row_id, c.row_id, "
        "i.field, c.field, i.value, c.value, i.prev, c.prev "
        "FROM temp.incoming i JOIN changes c ON c.origin = i.origin AND c.seq = i.seq "
        "WHERE i.hlc IS NOT c.hlc OR i.entity IS NOT c.entity OR i.row_id IS NOT c.row_id "
        "OR i.field IS NOT c.field OR i.value IS NOT c.value OR i.prev IS NOT c.prev"
    ):
        texts = list(zip(pairs[::2], pairs[1::2], strict=True))
        same_json = all(_json(a) == _json(b) for a, b in texts[-2:])  # value, prev
        if texts[:4] != [(a, a) for a, _ in texts[:4]] or not same_json:
            raise BundleError(
                tr(
                    "holds a change {change} unlike the one of that number here: "
                    "device {device} was reused (a copied database with its device "
                    "file?)",
                    change=f"{origin}:{seq}",
                    device=origin,
                )
            )


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _same(text: str | None) -> str | None:
    """A value's JSON text, written alike for equal values."""
    return None if text is None else json.dumps(json.loads(text), sort_keys=True)


IndexUpkeep = Callable[[list[str]], AbstractContextManager[None]]  # given the tables written


def _index_upkeep(staging: _Staging, new: int) -> IndexUpkeep:
    """Indexes paused while writing if the import more than doubles the
    change log (a first sync of a big team), else kept up row by row."""
    if new >= BULK_CHANGES and new > staging.held:
        return staging.store.indexes_paused
    return lambda tables: nullcontext()


def _sort_arrived(db: sqlite3.Connection) -> None:
    """List in temp.arrived each record the new changes touch, and whether
    it arrives whole: new here (none of its changes in the log yet) with one
    change per field, so there is nothing to merge (nearly every record in a
    first sync)."""
    db.execute(_ARRIVED)
    db.execute(
        "INSERT INTO temp.arrived SELECT entity, row_id, count(*) = count(DISTINCT field) AND "
        "NOT EXISTS (SELECT 1 FROM changes c WHERE c.entity = i.entity AND c.row_id = i.row_id) "
        "FROM temp.incoming i GROUP BY entity, row_id"
    )


def _sort_arrived_straight(db: sqlite3.Connection, staging: _Staging) -> int:
    """As `_sort_arrived`, for changes that went straight into the log: a
    record arrives whole if all its changes came from the bundle's devices,
    one per field. Return how many records the bundle touches."""
    db.execute(_ARRIVED)
    origins = sorted(staging.tops)
    new = f"origin IN ({', '.join('?' * len(origins))})"
    db.execute(
        "INSERT INTO temp.arrived SELECT entity, row_id, "
        f"count(*) = count(DISTINCT field) AND min({new}) "
        f"FROM changes GROUP BY entity, row_id HAVING max({new})",
        origins * 2,
    )
    (records,) = db.execute("SELECT count(*) FROM temp.arrived").fetchone()
    return int(records)


_ARRIVED = (
    "CREATE TEMP TABLE arrived (entity TEXT, row_id TEXT, whole INTEGER, "
    "PRIMARY KEY (entity, row_id)) WITHOUT ROWID"
)


def _insert_whole(store: Store, summary: Summary, staging: _Staging) -> tuple[list[str], list[str]]:
    """Insert the records arriving whole in one statement per kind; return
    the new customers and the customers of new contacts."""
    db = store.db
    (mixed,) = db.execute("SELECT EXISTS (SELECT 1 FROM temp.arrived WHERE NOT whole)").fetchone()
    source = staging.table  # unfiltered if it holds only whole records: a third quicker
    if mixed or (staging.straight and staging.held):
        source = (
            f"(SELECT * FROM {source} WHERE (entity, row_id) IN "
            "(SELECT entity, row_id FROM temp.arrived WHERE whole))"
        )
    counts = dict(
        db.execute("SELECT entity, count(*) FROM temp.arrived WHERE whole GROUP BY entity")
    )
    with _index_upkeep(staging, summary.new)(list(counts)):
        for name in counts:
            db.execute(insert_from_changes_sql(ENTITIES[name], source))
    for name, count in counts.items():
        arrived = "SELECT row_id FROM temp.arrived WHERE entity = ? AND whole"
        held = hold_incomplete(db, ENTITIES[name], arrived, [name])
        if count > held:
            summary.added[name] += count - held
        summary.incomplete += held
    customers = [
        row_id
        for (row_id,) in db.execute(
            "SELECT row_id FROM temp.arrived WHERE entity = 'customers' AND whole"
        )
    ]
    contacts_of = [
        customer
        for (customer,) in db.execute(
            "SELECT DISTINCT customer_id FROM contacts WHERE customer_id IS NOT NULL AND id IN "
            "(SELECT row_id FROM temp.arrived WHERE entity = 'contacts' AND whole)"
        )
    ]
    return customers, contacts_of


_ARRIVED_CLAIMS = "SELECT row_id FROM temp.arrived WHERE entity = 'device_claims'"


def _touch_claimed_reps(db: sqlite3.Connection) -> int:
    """A device's claim arriving (or moving) changes whose values a rep's own
    fields show: recompute every rep those devices have claimed (one held
    aside is recomputed when the rest of it arrives). Return how many reps
    this adds to those the bundle touches."""
    reps = reps_claimed_in(db, _ARRIVED_CLAIMS)
    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO temp.arrived SELECT 'reps', id, 0 FROM reps WHERE id = ?",
        [(rep_id,) for rep_id in reps],
    )
    return db.total_changes - before


def _name_claimed_devices(db: sqlite3.Connection) -> None:
    """Writers are named by what their devices claim in the log, over what
    a bundle's header said of them."""
    db.execute(
        "INSERT OR REPLACE INTO devices SELECT id, rep_id FROM device_claims "
        f"WHERE deleted = 0 AND id IN ({_ARRIVED_CLAIMS})"
    )


def _recompute(store: Store, summary: Summary) -> tuple[list[str], list[str]]:
    """Set every touched record not arriving whole from all its changes;
    return the customers whose row changed (they may now look like another)
    and those whose contacts changed (their search entry shows them)."""
    touched: dict[str, list[str]] = {}
    for entity, row_id in store.db.execute(
        "SELECT entity, row_id FROM temp.arrived WHERE NOT whole ORDER BY entity, row_id"
    ):
        touched.setdefault(entity, []).append(row_id)
    customers: list[str] = []
    contacts_of: list[str] = []
    for name, row_ids in touched.items():
        entity = ENTITIES[name]
        for ids in chunks(row_ids, ROWS_AT_ONCE):
            for row_id, old, new in _recompute_rows(store, entity, ids, summary):
                if name == "customers":
                    customers.append(row_id)
                elif name == "contacts":  # a moved contact changes both customers' entries
                    contacts_of += [
                        row["customer_id"] for row in (old, new) if row.get("customer_id")
                    ]
    return customers, contacts_of


Changed = tuple[str, dict[str, Any], dict[str, Any]]  # row id, old columns, new columns


def _recompute_rows(
    store: Store, entity: Entity, ids: list[str], summary: Summary
) -> list[Changed]:
    """Recompute some records of one entity; return those whose row changed
    (a new record's old columns are empty; an updated one's new columns are
    only those that changed)."""
    db, marks = store.db, ", ".join("?" * len(ids))
    by_row: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for row_id, name, *change in db.execute(
        "SELECT row_id, field, origin, seq, hlc, value, prev FROM changes "
        f"WHERE entity = ? AND row_id IN ({marks})",
        [entity.name, *ids],
    ):
        by_row.setdefault(row_id, {}).setdefault(name, []).append(change)
    current = {
        row["id"]: row
        for row in fetch_all(db, f"SELECT * FROM {entity.name} WHERE id IN ({marks})", ids)
    }
    had = set(
        db.execute(
            "SELECT row_id, field, origin, seq FROM conflicts "
            f"WHERE entity = ? AND row_id IN ({marks})",
            [entity.name, *ids],
        )
    )
    db.execute(
        f"DELETE FROM conflicts WHERE entity = ? AND row_id IN ({marks})", [entity.name, *ids]
    )
    inserts: list[list[Any]] = []
    changed: list[Changed] = []
    losers: list[tuple[Any, ...]] = []
    held: list[tuple[str, str]] = []
    discarded = 0  # held records already deleted: no longer news in the summary
    owners = own_devices(db, entity.name, ids)
    for row_id, fields in by_row.items():
        values, latest, lost = _settle(entity, fields, owners.get(row_id, NO_OWNERS))
        losers += [(entity.name, row_id, *conflict) for conflict in lost]
        old = current.get(row_id)
        if old is None:  # a field with no change holds nothing: None, [] or False
            row = entity.encode(dict.fromkeys(entity.columns) | values | {"id": row_id})
            if missing(entity, row):  # held aside until the rest arrives
                held.append((entity.name, row_id))
                discarded += bool(row.get("deleted"))
                continue
            inserts.append([*(row[column] for column in entity.columns), latest])
            summary.added[entity.name] += 1
            changed.append((row_id, {}, row))
            continue
        row = entity.encode(values) | {"updated_at": latest}
        if diff := {column: value for column, value in row.items() if old[column] != value}:
            update_row(db, entity, row_id, diff)
            if diff.keys() - {"updated_at"}:
                summary.updated[entity.name] += 1
                changed.append((row_id, old, diff))
    if inserts:
        db.executemany(insert_rows_sql(entity), inserts)
        db.executemany(
            "DELETE FROM incomplete WHERE entity = ? AND row_id = ?",
            [(entity.name, row[0]) for row in inserts],
        )
    if held:
        db.executemany("INSERT OR IGNORE INTO incomplete VALUES (?, ?)", held)
        summary.incomplete += len(held) - discarded
    db.executemany("INSERT INTO conflicts VALUES (?, ?, ?, ?, ?, ?, ?)", losers)
    _count_conflicts(store, entity, ids, summary, by_row, losers, had)
    return changed


def _count_conflicts(
    store: Store,
    entity: Entity,
    ids: list[str],
    summary: Summary,
    by_row: dict[str, dict[str, list[tuple[Any, ...]]]],
    losers: list[tuple[Any, ...]],
    had: set[tuple[Any, ...]],
) -> None:
    """Count the conflicts new here (one already here is not counted again)
    and keep a few to tell; and find the conflicts over this device's values
    that a teammate settled before they came: a new change superseding
    several values of a field, one of them this device's (a keep, or an edit
    made over a conflict). Both sides of a crossed edit hear of it so."""
    opened = [row for row in losers if (row[1], row[2], row[3], row[4]) not in had]
    summary.conflicts += len(opened)
    summary.opened += [
        (name, row_id, field, won_origin, won_seq, origin, seq)
        for name, row_id, field, origin, seq, won_origin, won_seq in opened[
            : TOLD_AT_MOST - len(summary.opened)
        ]
    ]
    marks, mine = ", ".join("?" * len(ids)), store.device + ":"
    for row_id, name, origin, seq, prev in store.db.execute(
        "SELECT row_id, field, origin, seq, prev FROM temp.incoming "
        f"WHERE entity = ? AND row_id IN ({marks}) AND prev LIKE '%,%'",
        [entity.name, *ids],
    ).fetchall():
        named = set(json.loads(prev))
        values = {
            f"{o}:{s}": v
            for o, s, _, v, _ in by_row.get(row_id, {}).get(name, [])
            if f"{o}:{s}" in named
        }
        ours = sorted(change for change in values if change.startswith(mine))
        if ours and len({_same(v) for v in values.values()}) > 1:  # (their values differed)
            summary.settled += 1
            if len(summary.closed) < TOLD_AT_MOST:
                summary.closed.append(
                    (
                        entity.name,
                        row_id,
                        name,
                        origin,
                        seq,
                        store.device,
                        int(ours[-1].rsplit(":", 1)[1]),
                    )
                )


def _settle(
    entity: Entity, fields: dict[str, list[tuple[Any, ...]]], owners: frozenset[str]
) -> tuple[dict[str, Any], str, list[tuple[Any, ...]]]:
    """From a record's changes: its column values, its latest clock stamp, and
    its conflicts as (field, loser origin, seq, winner origin, seq). `owners`:
    the devices whose values the record's owned fields take (store.claims)."""
    columns: dict[str, Any] = {}
    losers: list[tuple[Any, ...]] = []
    latest = ""
    owned = owned_fields(entity.name)
    for name, changes in fields.items():
        if len(changes) == 1:
            value = changes[0][3]
        else:
            outcome = resolve(
                (
                    FieldChange(o, s, h, v, tuple(json.loads(p)) if p else ())
                    for o, s, h, v, p in changes
                ),
                name,
                owners if name in owned else NO_OWNERS,
            )
            won, value = outcome.winner, outcome.winner.value
            losers += [
                (name, lost.origin, lost.seq, won.origin, won.seq) for lost in outcome.conflicts
            ]
        columns |= entity.columns_of(name, json.loads(value))
        latest = max(latest, *(change[2] for change in changes))
    return columns, latest, losers


def _repoint(store: Store) -> None:
    """Records of a customer merged into another belong to the survivor (one
    may have been written on a device that had not seen the merge yet)."""
    merged = "SELECT id FROM customers WHERE merged_into IS NOT NULL"
    for name in _REFERS_TO_CUSTOMERS:
        entity = ENTITIES[name]
        for row_id, customer_id in store.db.execute(
            f"SELECT id, customer_id FROM {name} WHERE customer_id IN ({merged}) AND deleted = 0"
        ).fetchall():
            survivor = store.surviving_customer(customer_id)
            if survivor != customer_id:
                store.write_fields(entity, row_id, {"customer_id": survivor})


def _remember_peer(store: Store, header: Header) -> None:
    """What the sending device holds (so our bundles for it skip that), and
    which rep each device writes for. Its header's word is taken only as far
    as the changes here go: a claim past them would make our bundles for it
    skip changes it has never had."""
    key = PEER_KEY + header.origin
    saved = store.local(key)
    known: dict[str, int] = json.loads(saved)["known"] if saved else {}
    for device, seq in header.known.items():
        (here,) = store.db.execute(
            "SELECT coalesce(max(seq), 0) FROM changes WHERE origin = ?", [device]
        ).fetchone()
        if device == store.device:  # ours it can have only from a bundle we wrote
            here = min(here, exported(store))
        known[device] = max(known.get(device, 0), min(seq, here))
    if (remembered := json.dumps({"rep": header.rep, "known": known})) != saved:
        store.set_local(key, remembered)  # (not rewritten as it was: a re-import changes nothing)
    store.db.executemany(
        "INSERT OR IGNORE INTO devices VALUES (?, ?)", sorted(header.devices.items())
    )
