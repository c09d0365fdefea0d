"""Deleting records and bringing them back: the Trash.

A delete is a tombstone (`deleted` set, as every change is, in the log), so
it reaches teammates and can be taken back. It is one transaction: a
customer goes with its contacts, deals, activities and follow-ups; a deal
with its open follow-ups (its calls and visits happened: they stay on the
customer's timeline). What went together comes back together: the records
whose delete the change log holds under one device and clock stamp, the
same on every replica.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.domain.hlc import Stamp
from workbench.domain.models import (
    Activity,
    ActivityKind,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Record,
)
from workbench.i18n import later, tr
from workbench.store.database import NotFound, Store
from workbench.store.lookup import NAMED_BY, named_rows
from workbench.store.schema import ENTITIES

# The kinds of record a rep deletes, by the name the CLI takes, leading first:
# a deletion is listed under the first kind among the records it took.
KINDS: dict[str, type[Record]] = {
    "customer": Customer,
    "deal": Deal,
    "contact": Contact,
    "activity": Activity,
    "follow-up": FollowUp,
}
_KIND_OF = {model.entity: kind for kind, model in KINDS.items()}
_KIND_WORDS = {
    "customer": later("customer"),
    "deal": later("deal"),
    "contact": later("contact"),
    "activity": later("activity"),
    "follow-up": later("follow-up"),
}


def kind_label(kind: str) -> str:
    """A kind of record (a key of KINDS) as the rep's language says it."""
    return tr(_KIND_WORDS[kind])


# What goes with a record of each kind: (table, the column naming it, more SQL).
_TAKES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "customer": (
        ("contacts", "customer_id", ""),
        ("deals", "customer_id", ""),
        ("activities", "customer_id", ""),
        ("follow_ups", "customer_id", ""),
    ),
    "deal": (("follow_ups", "deal_id", "AND done_at IS NULL"),),
}


@dataclass(frozen=True)
class Deletion:
    """One delete, as the Trash lists it: the record it was made on and those
    that went with it."""

    kind: str  # a key of KINDS
    id: str
    label: str  # its name or title; an activity's kind (ActivityKind's value)
    customer: str | None  # the customer's name, for a record of one
    at: datetime  # when (UTC)
    by: str | None  # the rep whose device deleted it, if known
    records: tuple[tuple[str, str], ...]  # (table, id) of each, this one first
    stamp: str  # the delete's clock stamp: deletions sort by it

    @property
    def others(self) -> int:
        return len(self.records) - 1

    @property
    def what(self) -> str:
        """Its name or title; an activity's kind, as the rep's language says it."""
        return ActivityKind(self.label).label if self.kind == "activity" else self.label


def delete(store: Store, kind: str, record_id: str) -> Deletion:
    """Delete a live record of `kind` and what goes with it."""
    model = KINDS[kind]
    with store.transaction() as batch:
        if not _live(store, model.entity, record_id):
            raise NotFound(tr("no {kind} {id} to delete", kind=kind_label(kind), id=record_id))
        records = [(model.entity, record_id), *taken_with(store, kind, record_id)]
        for table, taken_id in records:
            store.write_fields(ENTITIES[table], taken_id, {"deleted": True})
        label, customer = _labels(store, model.entity, record_id)
        at = datetime.fromtimestamp(batch.stamp.wall_ms / 1000, UTC)
        by = _rep_of(store, store.device)
        return Deletion(kind, record_id, label, customer, at, by, tuple(records), batch.stamp_text)


def _labels(store: Store, table: str, record_id: str) -> tuple[str, str | None]:
    """A record's name (or title, or kind) and its customer's name."""
    sql = f"{named_rows(table)} r.id = ?"
    _, label, name = store.db.execute(sql, [record_id]).fetchone()
    return label or "", name


def taken_with(store: Store, kind: str, record_id: str) -> list[tuple[str, str]]:
    """(table, id) of the live records a delete of this one takes with it."""
    return [
        (table, found)
        for table, column, more in _TAKES.get(kind, ())
        for (found,) in store.db.execute(
            f"SELECT id FROM {table} WHERE {column} = ? AND deleted = 0 {more} ORDER BY id",
            [record_id],
        )
    ]


def _live(store: Store, table: str, record_id: str) -> bool:
    merged = "AND merged_into IS NULL" if table == "customers" else ""
    sql = f"SELECT 1 FROM {table} WHERE id = ? AND deleted = 0 {merged}"
    return store.db.execute(sql, [record_id]).fetchone() is not None


def trash(store: Store) -> list[Deletion]:
    """Every delete whose records are still deleted, newest first. Merged
    customers are not here (the Duplicates view undoes a merge)."""
    groups: dict[tuple[str, str], list[tuple[str, str, str, str | None]]] = defaultdict(list)
    for table, kind in _KIND_OF.items():
        rows = named_rows(table)
        # Each with the change that deleted it: the latest of its `deleted`
        # field (a change that supersedes another is always later), in one
        # query: a Trash of thousands is read at once.
        sql = f"""
            SELECT r.*, (
                SELECT json_array(origin, hlc) FROM changes WHERE entity = '{table}'
                AND row_id = r.id AND field = 'deleted' ORDER BY hlc DESC, origin DESC, seq DESC
                LIMIT 1
            ) FROM ({rows} r.deleted = 1) AS r
        """
        for row_id, label, customer, made in store.db.execute(sql):
            if made is None:
                continue  # deleted by no change here (held aside, or a broken peer's row)
            origin, stamp = json.loads(made)
            groups[(origin, stamp)].append((kind, row_id, label, customer))
    rank = list(KINDS)
    deletions = []
    for (origin, stamp), found in groups.items():
        found.sort(key=lambda item: (rank.index(item[0]), item[1]))
        kind, lead, label, customer = found[0]
        deletions.append(
            Deletion(
                kind,
                lead,
                label or "",
                customer,
                datetime.fromtimestamp(Stamp.parse(stamp).wall_ms / 1000, UTC),
                _rep_of(store, origin),
                tuple((KINDS[k].entity, row_id) for k, row_id, _, _ in found),
                stamp,
            )
        )
    return sorted(deletions, key=lambda d: d.stamp, reverse=True)


def _rep_of(store: Store, device: str) -> str | None:
    found = store.db.execute(
        "SELECT r.name FROM device_claims c JOIN reps r ON r.id = c.rep_id WHERE c.id = ?",
        [device],
    ).fetchone()
    return found[0] if found else None


def find(store: Store, text: str) -> Deletion:
    """The deletion that took the record whose id is or starts with `text`."""
    text = text.strip().lower()
    found = (
        [d for d in trash(store) if any(i.startswith(text) for _, i in d.records)] if text else []
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(tr("nothing in the Trash has the id {id!r} (see workbench trash)", id=text))
    raise NotFound(
        tr("{count} deletions have ids starting {id!r}: type more of it", count=len(found), id=text)
    )


def restore(store: Store, text: str) -> Deletion:
    """Bring back a deletion's records, found by the id of any of them."""
    with store.transaction():
        deletion = find(store, text)
        _refuse_orphans(store, deletion)
        for table, row_id in deletion.records:
            store.write_fields(ENTITIES[table], row_id, {"deleted": False})
        from workbench.store.pipeline import rehome_stranded

        rehome_stranded(store)  # a deal whose stage was deleted meanwhile
    return deletion


def _refuse_orphans(store: Store, deletion: Deletion) -> None:
    """A record comes back only with its customer (deleted apart from it, the
    customer must come back first)."""
    coming = {row_id for _, row_id in deletion.records}
    for table, row_id in deletion.records:
        for parent, column in (("customers", "customer_id"), ("deals", "deal_id")):
            if column not in ENTITIES[table].columns:
                continue
            merged = "AND p.merged_into IS NULL" if parent == "customers" else ""
            found = store.db.execute(
                f"SELECT p.id, p.{NAMED_BY[parent]} FROM {table} r JOIN {parent} p "
                f"ON p.id = r.{column} WHERE r.id = ? AND p.deleted = 1 {merged}",
                [row_id],
            ).fetchone()
            if found and found[0] not in coming:
                raise NotFound(
                    tr(
                        "{name} is in the Trash: restore it ({id}) first",
                        name=repr(found[1]),
                        id=found[0][:8],
                    )
                )
