"""The store: one SQLite database, opened safely, written through the change log.

Every write runs in `Store.transaction()`: one `BEGIN IMMEDIATE` transaction
under a lock, one clock stamp, and one change-log row per changed field.
Tables hold the log's current state; nothing is deleted, only tombstoned.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from workbench.domain.clock import Clock, SystemClock
from workbench.domain.hlc import HLC, Stamp
from workbench.domain.merge import FieldChange, heads, resolve
from workbench.domain.settings import Settings
from workbench.i18n import tr
from workbench.lazy import lazy
from workbench.store.claims import NO_OWNERS, claimed_by, own_devices, owned_fields
from workbench.store.location import DeviceRegistry, resolve_device
from workbench.store.log_text import json_text
from workbench.store.migrate import migrate, register_functions

# The record models, and with them pydantic (~70 ms to import), load with the
# first record read or written: opening a database, its settings and the
# panes' questions (queries.py) need neither, so the first screen is drawn sooner.
if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    import workbench.domain.models as models
    import workbench.store.schema as schema
    from workbench.domain.models import Record, Stage
    from workbench.domain.team import Team
    from workbench.store.schema import Entity
else:
    models = lazy("workbench.domain.models")
    schema = lazy("workbench.store.schema")

R = TypeVar("R", bound="Record")
T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
INSERT_CHANGE = "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True)
class Derived:
    """A table the schema derives from customers (and their contacts), kept in
    step by triggers named after it (migrations 0002, 0003, 0008): how to refill it
    from its source view, whole or for some customers."""

    table: str
    columns: str
    of_customers: str  # SQL naming a row's customers, given `{ids}` placeholders

    def refill(self, where: str = "") -> str:
        return (
            f"INSERT INTO {self.table} ({self.columns}) "
            f"SELECT {self.columns} FROM {self.table}_source {where}"
        )


DERIVED = (
    Derived(
        "customer_search",
        "rowid, body, owner",
        "rowid IN (SELECT rowid FROM customers WHERE id IN ({ids}))",
    ),
    Derived("customer_keys", "key, customer_id", "customer_id IN ({ids})"),
)


class NotFound(LookupError):
    pass


def fetch_all(db: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Rows as dicts, straight from a cursor (reads need no savepoint)."""
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fetch_packed(
    db: sqlite3.Connection, sql: str, params: Any, row: type[DataclassInstance]
) -> list[dict[str, Any]]:
    """What `fetch_all` returns for a query whose columns are the fields of
    dataclass `row`, with the rows handed over as one JSON text.

    For the long lists a worker reads while the UI thread is busy drawing:
    sqlite3 lets go of Python's lock for each row it steps to and must then
    win it back, which takes up to the 5 ms switch interval each time when
    another thread keeps it. 495 deal cards took 3-7 s to fetch that way
    (15 ms alone), and 30 ms as one text. The rows keep their order (SQLite
    aggregates a subquery's rows in the order it yields them). Text, whole
    numbers and NULL come back exactly; a REAL would come back as JSON
    prints it, so no such column may hold one (money is whole minor units)."""
    names = [field.name for field in fields(row)]
    # Qualified: SQLite reads an unknown "name" alone as a string, r."name" fails.
    columns = ", ".join(f'r."{name}"' for name in names)
    (text,) = db.execute(
        f"SELECT json_group_array(json_array({columns})) FROM ({sql}) AS r", params
    ).fetchone()
    return [dict(zip(names, values, strict=True)) for values in json.loads(text)]


def _set_values(entity: Entity, data: dict[str, Any]) -> dict[str, Any]:
    """A new record's change-log values, leaving out the unset ones: an empty
    field needs no change to say so (a record without one holds None, [] or
    False). A zero is a value: 0 == False, so the test is by identity."""
    return {f: v for f, v in entity.values(data).items() if not _unset(v)}


def _unset(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, list) and not value)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_rows_sql(entity: Entity) -> str:
    """INSERT for whole rows: every column of `entity.columns`, then updated_at."""
    columns = (*entity.columns, "updated_at")
    return (
        f"INSERT INTO {entity.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )


def insert_from_changes_sql(entity: Entity, source: str) -> str:
    """INSERT … SELECT of new records of `entity` built straight from the
    changes in `source` (a table or subquery shaped like the change log)
    that hold exactly one change per field of each record: each column is
    what its field's value holds, as `Entity.encode` would store it (a list
    as its JSON text; no change means None, [] or False), and updated_at is
    the latest stamp."""
    fields = {
        column: (field, len(cols) > 1) for field, cols in entity.fields.items() for column in cols
    }
    picks = []
    for column in entity.columns:
        field, grouped = fields.get(column, ("id", False))
        if column == "id":
            pick = "row_id"
        elif column in entity.json_columns:  # kept as written: a list's JSON text
            listed = f"CASE WHEN field = '{field}' AND value <> 'null' THEN value END"
            pick = f"coalesce(max({listed}), '[]')"
        else:
            path = f"$.{column}" if grouped else "$"
            pick = f"max(CASE WHEN field = '{field}' THEN json_extract(value, '{path}') END)"
            if column == "deleted":
                pick = f"coalesce({pick}, 0)"
        picks.append(pick)
    columns = (*entity.columns, "updated_at")
    return (
        f"INSERT INTO {entity.name} ({', '.join(columns)}) "
        f"SELECT {', '.join(picks)}, max(hlc) FROM {source} "
        f"WHERE entity = '{entity.name}' GROUP BY row_id"
    )


def update_row(db: sqlite3.Connection, entity: Entity, row_id: str, row: dict[str, Any]) -> None:
    """Set some columns of one table row (encoded, see `Entity.encode`)."""
    assignments = ", ".join(f"{column} = ?" for column in row)
    db.execute(f"UPDATE {entity.name} SET {assignments} WHERE id = ?", [*row.values(), row_id])


def _get_local(db: sqlite3.Connection, key: str) -> str | None:
    found = db.execute("SELECT value FROM local_state WHERE key = ?", [key]).fetchone()
    return found[0] if found else None


def _set_local(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO local_state VALUES (?, ?)", [key, value])


@dataclass
class Batch:
    """What one write transaction stamps its changes with."""

    stamp: Stamp
    next_seq: int

    def __post_init__(self) -> None:
        self.stamp_text = str(self.stamp)  # formatted once: bulk writes use it per row


class Store:
    def __init__(
        self, db: sqlite3.Connection, clock: Clock, device: str, path: Path | None
    ) -> None:
        self.db = db
        self.clock = clock
        self.device = device
        self.path = path
        self.hlc = HLC(device)
        self.team: Team | None = None  # the team whose bundles it takes and signs (None: none)
        # Serialises use of the one connection across threads (app workers).
        self.lock = threading.RLock()
        self._batch: Batch | None = None
        # The stamps of the transactions that logged changes of this device,
        # oldest first: what an undo takes back (store.undo).
        self.written: list[str] = []

    def close(self) -> None:
        self.db.close()

    def reader(self) -> Store:
        """The same database through a connection of its own, for reading in
        another thread while this one is in use (WAL lets readers run side by
        side). It refuses writes; close it when done."""
        conn = sqlite3.connect(
            self.path or ":memory:", check_same_thread=False, isolation_level=None
        )
        register_functions(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        return Store(conn, self.clock, self.device, self.path)

    # --- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Batch]:
        """One atomic write. A nested call joins the outer transaction as a
        savepoint: if it fails, only its own writes are undone."""
        with self.lock:
            if self._batch is not None:
                yield from self._savepoint(self._batch)
                return
            conn = self.db
            conn.execute("BEGIN IMMEDIATE")
            last = self.hlc.last
            try:
                self._batch = batch = self._start_batch()
                started = (batch.stamp, batch.next_seq)
                yield batch
                if (batch.stamp, batch.next_seq) != started:
                    # Usually the batch's stamp; later if an import received one.
                    _set_local(self.db, "hlc", str(self.hlc.last))
                else:  # nothing was stamped (an import with nothing new): the clock stays
                    self.hlc.last = last
                conn.execute("COMMIT")
                if batch.next_seq != started[1]:
                    self.written.append(batch.stamp_text)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self.hlc.last = last
                raise
            finally:
                self._batch = None

    def _savepoint(self, batch: Batch) -> Iterator[Batch]:
        conn, next_seq = self.db, batch.next_seq
        conn.execute("SAVEPOINT nested_write")
        try:
            yield batch
        except BaseException:
            # A full disk or an I/O error may have made SQLite roll the whole
            # transaction back itself: then there is no savepoint to go back
            # to, and trying would hide the real error.
            if conn.in_transaction:
                conn.execute("ROLLBACK TO nested_write")
                conn.execute("RELEASE nested_write")
            batch.next_seq = next_seq
            raise
        conn.execute("RELEASE nested_write")

    def _start_batch(self) -> Batch:
        # Another process may have written since we last looked: continue
        # after its stamp and its sequence numbers, never beside them.
        if stored := _get_local(self.db, "hlc"):
            seen = Stamp.parse(stored)
            self.hlc.last = max(self.hlc.last, Stamp(seen.wall_ms, seen.counter, self.device))
        (top,) = self.db.execute(
            "SELECT coalesce(max(seq), 0) FROM changes WHERE origin = ?", [self.device]
        ).fetchone()
        wall_ms = int(self.clock.now().timestamp() * 1000)
        return Batch(self.hlc.tick(wall_ms), top + 1)

    def receive(self, stamp: Stamp) -> None:
        """Fold in the latest clock stamp an import brought, so this
        transaction's own writes, and every later one, sort after it. Undone
        with the transaction if it fails, so only a committed import moves
        the clock."""
        batch = self._batch
        assert batch is not None, "receive runs inside Store.transaction()"
        wall_ms = int(self.clock.now().timestamp() * 1000)
        self.hlc.receive(stamp, wall_ms)
        batch.stamp = self.hlc.tick(wall_ms)
        batch.stamp_text = str(batch.stamp)

    def _log(self, entity: Entity, row_id: str, values: dict[str, Any]) -> None:
        """Append one change per field in `values`, superseding the field's heads."""
        batch = self._batch
        assert batch is not None, "writes happen inside Store.transaction()"
        if not values:
            return
        heads = self._heads(entity.name, row_id)
        rows = [
            self._change_row(batch, entity, row_id, field, value, heads.get(field))
            for field, value in values.items()
        ]
        self.db.executemany(INSERT_CHANGE, rows)
        if any(len(heads.get(field, ())) > 1 for field in values):
            # A field with several heads is in conflict; the new change
            # supersedes them all, which settles it.
            self.db.execute(
                f"DELETE FROM conflicts WHERE entity = ? AND row_id = ? "
                f"AND field IN ({', '.join('?' * len(values))})",
                [entity.name, row_id, *values],
            )

    def _change_row(
        self, batch: Batch, entity: Entity, row_id: str, field: str, value: Any, prev: Any
    ) -> tuple[Any, ...]:
        """One `changes` row, taking the batch's next sequence number."""
        seq = batch.next_seq
        batch.next_seq += 1
        return (
            self.device,
            seq,
            batch.stamp_text,
            entity.name,
            row_id,
            field,
            json_text(value),
            json_text(prev) if prev else None,
        )

    def _heads(self, entity: str, row_id: str) -> dict[str, list[str]]:
        """Per field, the ids of the changes a new change supersedes: the
        field's heads, by the merge rule."""
        owners = own_devices(self.db, entity, [row_id]).get(row_id, NO_OWNERS)
        owned = owned_fields(entity)
        return {
            field: sorted(c.id for c in heads(changes, owners if field in owned else NO_OWNERS))
            for field, changes in self._changes_of(entity, row_id).items()
        }

    def field_changes(self, entity: str, row_id: str) -> dict[str, list[FieldChange]]:
        """Per field, every change of a record, with its value."""
        return self._changes_of(entity, row_id, values=True)

    def _changes_of(
        self, entity: str, row_id: str, *, values: bool = False
    ) -> dict[str, list[FieldChange]]:
        """Per field, every change of a record (their values only if asked:
        every write reads this, and a note's value can be long)."""
        fields: dict[str, list[FieldChange]] = {}
        for origin, seq, hlc, field, value, prev in self.db.execute(
            f"SELECT origin, seq, hlc, field, {'value' if values else 'NULL'}, prev FROM changes "
            "WHERE entity = ? AND row_id = ?",
            [entity, row_id],
        ):
            change = FieldChange(origin, seq, hlc, value, tuple(json.loads(prev)) if prev else ())
            fields.setdefault(field, []).append(change)
        return fields

    # --- records ------------------------------------------------------------

    def get(self, model: type[R], record_id: str) -> R | None:
        """A record as stored. Reading never checks references (a deal's stage
        may arrive by sync after the deal); writing does."""
        row = self._row(schema.entity_of(model), record_id)
        return None if row is None else model.model_validate(row, context=models.STORED)

    def require(self, model: type[R], record_id: str) -> R:
        record = self.get(model, record_id)
        if record is None:
            raise NotFound(f"no {model.__name__.lower()} with id {record_id}")
        return record

    def add(self, record: R) -> R:
        """Write a new record. If its id exists (targets and stages have
        deterministic ids), the fields the caller set are updated instead."""
        entity = schema.entity_of(type(record))
        with self.transaction() as batch:
            if self._row(entity, record.id) is not None:
                given = record.model_fields_set - {"id"}
                fields = {key: value for key, value in schema.dump(record).items() if key in given}
                return self.update(type(record), record.id, **fields)
            defaults: dict[str, Any] = {}
            if record.owner is None:
                defaults["owner"] = self.me
            if "created_at" not in record.model_fields_set:
                defaults["created_at"] = self.clock.now()  # the store's clock, which tests pin
            record = self._validate(type(record), schema.dump(record) | defaults)
            data = schema.dump(record)
            self._log(entity, record.id, _set_values(entity, data))
            row = entity.encode(data) | {"updated_at": batch.stamp_text}
            # Changes of it may have arrived before (held aside): now it is whole.
            self.db.execute(
                "DELETE FROM incomplete WHERE entity = ? AND row_id = ?", [entity.name, record.id]
            )
            columns = ", ".join(row)
            self.db.execute(
                f"INSERT INTO {entity.name} ({columns}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
        return record.model_copy(update={"updated_at": batch.stamp_text})

    def add_many(self, model: type[Record], dumps: Iterable[dict[str, Any]]) -> int:
        """Bulk-insert new records given as JSON-ready dumps (`schema.dump`) that are
        already valid: the demo generator's, or imported rows checked by the model.
        Runs inside the caller's transaction; returns how many were written."""
        entity = schema.entity_of(model)
        batch = self._batch
        assert batch is not None, "add_many runs inside Store.transaction()"
        stamp, insert = batch.stamp_text, insert_rows_sql(entity)
        written = 0
        for chunk in chunks(dumps, 5000):
            rows: list[list[Any]] = []
            log: list[tuple[Any, ...]] = []
            for data in chunk:
                row = entity.encode(data)
                rows.append([*(row[column] for column in entity.columns), stamp])
                log.extend(
                    self._change_row(batch, entity, data["id"], field, value, None)
                    for field, value in _set_values(entity, data).items()
                )
            self.db.executemany(insert, rows)
            self.db.executemany(INSERT_CHANGE, log)
            written += len(rows)
        return written

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Many `add_many` transactions in a row: secondary indexes are dropped
        and rebuilt once at the end (by sorting), instead of taking millions of
        scattered random-key inserts, and the DERIVED tables (search index,
        match keys) are filled once instead of by their triggers, row by row.
        Definitions are read back from the schema, so they always match the
        migrations. Other readers see slower queries (and a search that finds
        nothing) meanwhile, never wrong answers."""
        tables = [*schema.ENTITIES, "changes", *(derived.table for derived in DERIVED)]
        indexes = fetch_all(
            self.db,
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type = 'index' "
            f"AND tbl_name IN ({', '.join('?' * len(tables))})",
            tables,
        )
        with self.transaction():
            dropped = indexes + self._derived_triggers()
            for item in dropped:
                self.db.execute(f'DROP {item["type"].upper()} "{item["name"]}"')
        try:
            yield
        finally:
            with self.transaction():
                for item in dropped:
                    self.db.execute(item["sql"])
                for derived in DERIVED:
                    self.db.execute(f"DELETE FROM {derived.table}")
                    self.db.execute(derived.refill())

    def _derived_triggers(self) -> list[dict[str, Any]]:
        return fetch_all(
            self.db,
            "SELECT type, name, sql FROM sqlite_master WHERE type = 'trigger' AND ("
            + " OR ".join(["name LIKE ?"] * len(DERIVED))
            + ")",
            [f"{derived.table}_%" for derived in DERIVED],
        )

    @contextmanager
    def derived_paused(self) -> Iterator[None]:
        """Inside a transaction that writes many customers or contacts: the
        DERIVED triggers are off until it ends (row-by-row upkeep costs ~4x a
        refresh in bulk); the caller refreshes what it touched with
        `refresh_derived`. A failure rolls the triggers back with the rest."""
        assert self._batch is not None, "derived_paused runs inside Store.transaction()"
        triggers = self._derived_triggers()
        for trigger in triggers:
            self.db.execute(f'DROP TRIGGER "{trigger["name"]}"')
        yield
        for trigger in triggers:
            self.db.execute(trigger["sql"])

    @contextmanager
    def indexes_paused(self, tables: Iterable[str]) -> Iterator[None]:
        """Inside a transaction that adds more rows to `tables` than they
        hold: their indexes are dropped, then built again from the rows in
        one sort each (inserting millions of rows into indexes one by one
        costs ~2x). A failure rolls the drops back with the rest."""
        assert self._batch is not None, "indexes_paused runs inside Store.transaction()"
        names = sorted(tables)
        indexes = fetch_all(
            self.db,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(names))})",
            names,
        )
        for index in indexes:
            self.db.execute(f'DROP INDEX "{index["name"]}"')
        yield
        for index in indexes:
            self.db.execute(index["sql"])

    def refresh_derived(self, customer_ids: Iterable[str]) -> None:
        """Rebuild the DERIVED rows of these customers from their records."""
        for ids in chunks(sorted(set(customer_ids)), 500):
            for derived in DERIVED:
                where = derived.of_customers.format(ids=", ".join("?" * len(ids)))
                self.db.execute(f"DELETE FROM {derived.table} WHERE {where}", ids)
                self.db.execute(derived.refill(f"WHERE {where}"), ids)

    def update(self, model: type[R], record_id: str, **fields: Any) -> R:
        """Change some fields of a record; only fields whose value differs are logged."""
        if {"id", "updated_at"} & fields.keys():
            raise ValueError("id and updated_at cannot be changed")
        entity = schema.entity_of(model)
        with self.transaction() as batch:
            current = self.require(model, record_id)
            updated = self._validate(model, current.model_dump() | fields)
            old, new = entity.values(schema.dump(current)), entity.values(schema.dump(updated))
            changed = {field: value for field, value in new.items() if value != old[field]}
            if not changed:
                return current
            self._write(entity, record_id, changed)
        return updated.model_copy(update={"updated_at": batch.stamp_text})

    def write_fields(self, entity: Entity, record_id: str, values: dict[str, Any]) -> None:
        """Log change-log `values` for a record's fields even if they are what
        the record holds, and set its columns; no model check. For sync's own
        writes: keeping the value shown in a conflict must still supersede the
        other, and re-pointing a record at a merged customer's survivor must
        not depend on the rest of the record being valid."""
        with self.transaction():
            self._write(entity, record_id, values)

    def _write(self, entity: Entity, record_id: str, values: dict[str, Any]) -> None:
        batch = self._batch
        assert batch is not None, "writes happen inside Store.transaction()"
        if owned_fields(entity.name) & values.keys() or entity.name == "device_claims":
            self._refuse_unless_own(entity, record_id)
        self._log(entity, record_id, values)
        columns: dict[str, Any] = {}
        for field, value in values.items():
            columns |= entity.columns_of(field, value)
        row = entity.encode(columns) | {"updated_at": batch.stamp_text}
        update_row(self.db, entity, record_id, row)

    def _refuse_unless_own(self, entity: Entity, record_id: str) -> None:
        """A rep's own fields are changed on their own computers only (once
        any computer has claimed them): elsewhere, a value could never show.
        Whose computer a device is, only that device says."""
        from workbench.domain.errors import NotYours

        if entity.name == "device_claims":
            if record_id != self.device:
                raise NotYours(
                    tr("only device {device} says whose computer it is", device=record_id)
                )
            return
        owners = own_devices(self.db, entity.name, [record_id]).get(record_id)
        if owners and self.device not in owners:
            row = self._row(entity, record_id) or {}
            raise NotYours(
                tr(
                    "{name} is another rep: only their own computers change their record",
                    name=repr(row.get("name")),
                )
            )

    def delete(self, model: type[Record], record_id: str) -> None:
        """Tombstone a record: it stays in the log and can be restored."""
        self.update(model, record_id, deleted=True)

    def _row(self, entity: Entity, record_id: str) -> dict[str, Any] | None:
        found = fetch_all(self.db, f"SELECT * FROM {entity.name} WHERE id = ?", [record_id])
        return schema.decode(entity, found[0]) if found else None

    def _validate(self, model: type[R], data: dict[str, Any]) -> R:
        context = {"stages": self.stage_kinds()} if model is models.Deal else None
        if data.get("customer_id"):
            data = data | {"customer_id": self.surviving_customer(data["customer_id"])}
        return model.model_validate(data, context=context)

    def surviving_customer(self, customer_id: str) -> str:
        """The customer a record for `customer_id` belongs to: the one it was
        merged into, if it was (following merges of merges) and that one is
        here (a bundle may name one that has not arrived, or none at all)."""
        seen = {customer_id}
        while found := self.db.execute(
            "SELECT c.merged_into FROM customers c JOIN customers s ON s.id = c.merged_into "
            "WHERE c.id = ?",
            [customer_id],
        ).fetchone():
            if found[0] in seen:
                break  # a cycle (two devices merged each into the other): stop anywhere
            customer_id = found[0]
            seen.add(customer_id)
        return customer_id

    # --- stages, settings and local state ------------------------------------

    def stages(self) -> list[Stage]:
        """The pipeline in order, deleted stages left out."""
        rows = fetch_all(self.db, "SELECT * FROM stages WHERE deleted = 0 ORDER BY position, id")
        return [models.Stage.model_validate(row, context=models.STORED) for row in rows]

    def stage_kinds(self) -> dict[str, str]:
        return {
            key: kind
            for key, kind in self.db.execute(
                "SELECT id, kind FROM stages WHERE deleted = 0 ORDER BY position, id"
            )
        }

    def settings(self) -> Settings:
        rows = self.db.execute("SELECT key, value FROM settings")
        return Settings.from_stored({key: json.loads(value) for key, value in rows})

    def save_settings(self, settings: Settings) -> None:
        settings.check()  # a value assigned since it was made
        rows = [(key, json.dumps(value)) for key, value in settings.stored().items()]
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", rows)

    def local(self, key: str) -> str | None:
        """A value this device keeps for itself (never synced)."""
        return _get_local(self.db, key)

    def set_local(self, key: str, value: str | None) -> None:
        with self.transaction():
            if value is None:
                self.db.execute("DELETE FROM local_state WHERE key = ?", [key])
            else:
                _set_local(self.db, key, value)

    @property
    def me(self) -> str | None:
        """The id of the rep using this database."""
        return self.settings().me

    def register_device(self) -> None:
        """Say which rep this device writes for: in the log, for every replica
        (whose devices change a rep's own fields: store.claims), and here
        (sync shows it beside changes)."""
        me = self.me
        if not me:
            return
        found = self.db.execute("SELECT rep_id FROM devices WHERE origin = ?", [self.device])
        named, claimed = found.fetchone() == (me,), claimed_by(self.db, self.device) == me
        if named and claimed:
            return
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO devices VALUES (?, ?)", [self.device, me])
            if not claimed:
                self.add(models.DeviceClaim(id=self.device, rep_id=me, owner=me))
                self._adopt_own_fields(me)

    def _adopt_own_fields(self, rep_id: str) -> None:
        """Claiming a rep changes whose values their own fields take, on every
        replica: here too, each field (and its conflicts) set from the log by
        the owners' rule. A value written on another computer (a manager's
        import, an older version) is made this device's first, so a later
        change from elsewhere cannot silently replace it."""
        entity = schema.ENTITIES["reps"]
        row = self._row(entity, rep_id)
        if row is None:
            return
        owners = own_devices(self.db, "reps", [rep_id]).get(rep_id, NO_OWNERS)
        owned = {
            field: changes
            for field, changes in self._changes_of("reps", rep_id, values=True).items()
            if field in models.Rep.OWN_FIELDS
        }
        adopted = {}
        for field, changes in owned.items():
            found = heads(changes, owners)
            if len(found) == 1 and found[0].origin != self.device and found[0].value:
                adopted[field] = json.loads(found[0].value)
        if adopted:
            self._write(entity, rep_id, adopted)
        now = self._changes_of("reps", rep_id, values=True)
        for field in owned:  # as any replica reading the log now does
            self._resettle(entity, rep_id, field, now[field], owners)

    def _resettle(
        self,
        entity: Entity,
        row_id: str,
        field: str,
        changes: list[FieldChange],
        owners: frozenset[str],
    ) -> None:
        """Set a field and its conflicts from its changes, as an import would."""
        outcome = resolve(changes, field, owners)
        won = outcome.winner
        value = json.loads(won.value) if won.value else None
        update_row(self.db, entity, row_id, entity.encode(entity.columns_of(field, value)))
        self.db.execute(
            "DELETE FROM conflicts WHERE entity = ? AND row_id = ? AND field = ?",
            [entity.name, row_id, field],
        )
        self.db.executemany(
            "INSERT INTO conflicts VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (entity.name, row_id, field, lost.origin, lost.seq, won.origin, won.seq)
                for lost in outcome.conflicts
            ],
        )


def _forget_me(store: Store) -> None:
    """A copied database is another device, used by someone not yet known:
    writing as the original's rep would let this copy rename them."""
    settings = store.settings()
    if settings.me is not None:
        settings.me = None
        store.save_settings(settings)


def open_store(
    path: Path | str,
    *,
    clock: Clock | None = None,
    registry: DeviceRegistry | None = None,
    team: Team | None = None,
) -> Store:
    """Open (creating and upgrading as needed) the database at `path`, in
    `team` (from TeamKeys: the key is never kept in the database)."""
    path = Path(path)
    # isolation_level=None: no implicit transactions. Writes say BEGIN
    # themselves (Store.transaction); a lone statement outside one commits.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        applied = migrate(conn, path)  # before any pragma that writes: a refused file is kept
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
        conn.execute("PRAGMA foreign_keys = ON")  # only local tables declare any
        stored = _get_local(conn, "device")
        device = resolve_device(stored, registry, path)
        if device != stored:
            _set_local(conn, "device", device)
        store = Store(conn, clock or SystemClock(), device, path)
        store.team = team
        if stored is not None and device != stored:
            _forget_me(store)  # a copy: a new device, and whose it is must be asked
        if applied:
            from workbench.store.repair import repair

            repair(store, applied)
        store.register_device()
    except BaseException:
        conn.close()
        raise
    return store
