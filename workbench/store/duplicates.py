"""Duplicate customers: the look-alikes of a draft, the candidate pairs, and
merging one customer into another (and taking the last merge back).

The rules are in workbench.domain.duplicates; the `customer_keys` table
holds every live customer's keys (migration 0003).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from workbench.domain.duplicates import explain, match_keys
from workbench.domain.models import (
    MAX_TAGS,
    Activity,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Record,
    Rep,
    field_label,
)
from workbench.i18n import tr
from workbench.store.database import NotFound, Store, chunks, fetch_all
from workbench.store.schema import ENTITIES

# A key shared by more customers than this says little (a group's shared
# switchboard, a common person's name) and would make too many pairs to review.
GROUP_CAP = 12
UNDO_KEY = "last_merge"
# What belongs to a customer, and moves with it when it is merged.
BELONGINGS: tuple[type[Record], ...] = (Contact, Deal, Activity, FollowUp)
# Fields merged without asking: nothing of either side may be lost.
COMBINED = ("tags", "notes")
# Fields the rep chooses between when the two customers differ.
CHOSEN = (
    "name",
    "kind",
    "tier",
    "segment",
    "industry",
    "size",
    "source",
    "address",
    "phone",
    "email",
    "owner",
)


@dataclass(frozen=True)
class LookAlike:
    id: str
    name: str
    reasons: list[str]


def look_alikes(store: Store, values: dict[str, Any], limit: int = 5) -> list[LookAlike]:
    """Live customers that share a match key with `values` (a draft's name,
    email and phone), other than the draft itself (`values['id']`)."""
    keys = match_keys(values.get("name"), values.get("email"), values.get("phone"))
    if not keys:
        return []
    rows = fetch_all(
        store.db,
        f"""
        SELECT c.id, c.name, group_concat(k.key, char(31)) AS keys
        FROM customer_keys k JOIN customers c ON c.id = k.customer_id
        WHERE k.key IN ({", ".join("?" * len(keys))}) AND c.id IS NOT ? AND c.deleted = 0
        GROUP BY c.id ORDER BY count(*) DESC, c.name, c.id LIMIT ?
        """,
        [*keys, values.get("id"), limit],
    )
    return [LookAlike(row["id"], row["name"], explain(row["keys"].split("\x1f"))) for row in rows]


def warning(found: list[LookAlike]) -> str | None:
    """One line for a form: 'Looks like Acme Pumps Ltd (same phone …0100)'."""
    if not found:
        return None
    first = found[0]
    more = tr("; and {count} more", count=len(found) - 1) if len(found) > 1 else ""
    return tr(
        "Looks like {name} ({reasons}){more}. Saving adds it anyway.",
        name=first.name,
        reasons=", ".join(first.reasons),
        more=more,
    )


@dataclass(frozen=True)
class Side:
    id: str
    name: str
    owner: str | None  # the owner's name


@dataclass(frozen=True)
class Pair:
    first: Side  # the older customer: the usual survivor
    second: Side
    reasons: list[str]


def candidate_pairs(store: Store, limit: int = 500) -> list[Pair]:
    """Pairs of live customers sharing match keys, most reasons first, leaving
    out pairs a rep dismissed on this device."""
    rows = fetch_all(
        store.db,
        """
        WITH shared AS (SELECT key FROM customer_keys GROUP BY key
                        HAVING count(*) BETWEEN 2 AND :cap),
        pairs AS (
            SELECT a.customer_id AS a_id, b.customer_id AS b_id,
                   group_concat(a.key, char(31)) AS keys, count(*) AS n
            FROM shared JOIN customer_keys a ON a.key = shared.key
            JOIN customer_keys b ON b.key = a.key AND a.customer_id < b.customer_id
            GROUP BY a.customer_id, b.customer_id)
        SELECT p.keys, ca.id AS a_id, ca.name AS a_name, ra.name AS a_owner,
               ca.created_at AS a_created, ca.rowid AS a_row, cb.id AS b_id,
               cb.name AS b_name, rb.name AS b_owner, cb.created_at AS b_created,
               cb.rowid AS b_row
        FROM pairs p
        JOIN customers ca ON ca.id = p.a_id JOIN customers cb ON cb.id = p.b_id
        LEFT JOIN reps ra ON ra.id = ca.owner LEFT JOIN reps rb ON rb.id = cb.owner
        WHERE NOT EXISTS (SELECT 1 FROM duplicate_dismissals d
                          WHERE d.first_id = p.a_id AND d.second_id = p.b_id)
        ORDER BY p.n DESC, ca.name, cb.name, ca.id, cb.id LIMIT :limit
        """,
        {"cap": GROUP_CAP, "limit": limit},
    )
    pairs = []
    for row in rows:
        a, b = (Side(row[f"{x}_id"], row[f"{x}_name"], row[f"{x}_owner"]) for x in "ab")
        older = (row["a_created"] or "", row["a_row"]) <= (row["b_created"] or "", row["b_row"])
        first, second = (a, b) if older else (b, a)
        pairs.append(Pair(first, second, explain(sorted(row["keys"].split("\x1f")))))
    return pairs


def pairs_involving(store: Store, customer_ids: list[str]) -> int:
    """How many candidate pairs (as `candidate_pairs` finds them) include one
    of `customer_ids`: after an import, the possible duplicates it brought."""
    pairs: set[tuple[str, str]] = set()
    for ids in chunks(customer_ids, 500):
        pairs.update(
            store.db.execute(
                f"""
            SELECT DISTINCT min(a.customer_id, b.customer_id), max(a.customer_id, b.customer_id)
            FROM customer_keys a JOIN customer_keys b
              ON b.key = a.key AND b.customer_id <> a.customer_id
            WHERE a.customer_id IN ({", ".join("?" * len(ids))})
              AND (SELECT count(*) FROM customer_keys k WHERE k.key = a.key) <= ?
            """,
                [*ids, GROUP_CAP],
            )
        )
    dismissed = set(store.db.execute("SELECT first_id, second_id FROM duplicate_dismissals"))
    return len(pairs - dismissed)


def dismiss(store: Store, first_id: str, second_id: str) -> None:
    """Say two customers are not the same: the pair is not offered again here."""
    pair = sorted((first_id, second_id))
    with store.transaction():
        store.db.execute("INSERT OR IGNORE INTO duplicate_dismissals VALUES (?, ?)", pair)


def differences(first: Customer, second: Customer) -> dict[str, tuple[Any, Any]]:
    """The fields the rep chooses between: {field: (first's, second's)},
    only where both have a value and they differ."""
    found = {}
    for name in CHOSEN:
        mine, theirs = getattr(first, name), getattr(second, name)
        if mine is not None and theirs is not None and mine != theirs:
            found[name] = (mine, theirs)
    return found


def merged_fields(
    first: Customer,
    second: Customer,
    chosen: dict[str, Any],
    rep_name: Callable[[str], str] = str,
) -> dict[str, Any]:
    """The merged customer's values: what the rep chose, else the first's,
    else the second's where the first has none; tags of both; both notes.
    Nothing is lost: every value not kept (the one not picked, tags past the
    limit) is written into the notes, with where it came from."""
    values: dict[str, Any] = {
        name: getattr(first, name) if getattr(first, name) is not None else getattr(second, name)
        for name in CHOSEN
    }
    values |= chosen
    tags = list(dict.fromkeys([*first.tags, *second.tags]))
    values["tags"] = tags[:MAX_TAGS]
    notes = [n for n in (first.notes, second.notes) if n]
    if len(notes) == 2 and notes[0] != notes[1]:
        notes[1] = tr("(from {name}) {notes}", name=second.name, notes=notes[1])
    elif notes:
        notes = notes[:1]
    if left := _left_out(first, second, values, rep_name):
        notes.append("\n".join([tr("Not kept in the merge:"), *left]))
    if tags[MAX_TAGS:]:
        notes.append(f"{field_label('customers', 'tags')}: {', '.join(tags[MAX_TAGS:])}")
    values["notes"] = "\n\n".join(notes) or None
    return values


def _left_out(
    first: Customer, second: Customer, values: dict[str, Any], rep_name: Callable[[str], str]
) -> list[str]:
    """'Phone: +86 21 5555 0199 (from ACME Pumps Ltd)' for each value of
    either customer that the merged one does not hold."""
    lines = []
    for name in CHOSEN:
        for side in (first, second):
            value = getattr(side, name)
            if value is None or value == values[name]:
                continue
            shown = rep_name(value) if name == "owner" else getattr(value, "label", value)
            lines.append(
                tr(
                    "{field}: {value} (from {name})",
                    field=field_label("customers", name),
                    value=shown,
                    name=side.name,
                )
            )
    return lines


@dataclass
class MergeRecord:
    """What a merge changed, so it can be taken back."""

    survivor: str
    merged: str
    survivor_before: dict[str, Any]
    moved: dict[str, list[str]] = field(default_factory=dict)  # entity -> ids


def merge(store: Store, first_id: str, second_id: str, chosen: dict[str, Any]) -> Customer:
    """Make two customers one: every contact, deal, activity and follow-up of
    both, the first's values unless `chosen` says otherwise (merged_fields).
    The record with the smaller id is the one kept, whichever is first, so two
    reps who merge the same pair on their own devices keep the same record and
    their bundles agree; the other is tombstoned pointing at it. One
    transaction; undoable (undo_last_merge) until the next merge."""
    if first_id == second_id:
        raise ValueError(tr("a customer cannot be merged with itself"))
    unknown = chosen.keys() - set(CHOSEN)
    if unknown:
        raise ValueError(f"not a field to choose: {', '.join(sorted(unknown))}")
    with store.transaction():
        first = store.require(Customer, first_id)
        second = store.require(Customer, second_id)
        if first.deleted or second.deleted:
            raise NotFound(tr("both customers must exist (one was deleted or merged already)"))
        values = merged_fields(first, second, chosen, partial(_rep_name, store))
        survivor_id, merged_id = sorted((first_id, second_id))
        survivor = first if first_id == survivor_id else second
        record = MergeRecord(
            survivor_id, merged_id, survivor.model_dump(mode="json", include=set(values))
        )
        for model in BELONGINGS:
            ids = [
                row[0]
                for row in store.db.execute(
                    f"SELECT id FROM {model.entity} WHERE customer_id = ?", [merged_id]
                )
            ]
            for record_id in ids:  # (deleted ones too, which need not be valid: in the Trash)
                store.write_fields(ENTITIES[model.entity], record_id, {"customer_id": survivor_id})
            record.moved[model.entity] = ids
        store.update(Customer, merged_id, deleted=True, merged_into=survivor_id)
        result = store.update(Customer, survivor_id, **values)
        store.set_local(UNDO_KEY, json.dumps(asdict(record)))
    return result


def _rep_name(store: Store, rep_id: str) -> str:
    rep = store.get(Rep, rep_id)
    return rep.name if rep else rep_id


def last_merge(store: Store) -> MergeRecord | None:
    """The last merge, while it stands (ctrl+z may have taken it back since)."""
    saved = store.local(UNDO_KEY)
    record = MergeRecord(**json.loads(saved)) if saved else None
    if record is None:
        return None
    merged = store.get(Customer, record.merged)
    return record if merged and merged.merged_into == record.survivor else None


def undo_last_merge(store: Store) -> Customer:
    """Take the last merge back: the merged customer returns with what was
    moved off it, and the survivor gets its old values. Returns the restored
    customer. Records added to the survivor since stay with the survivor."""
    record = last_merge(store)
    if record is None:
        raise NotFound(tr("no merge to undo (only the last merge can be undone)"))
    with store.transaction():
        restored = store.update(Customer, record.merged, deleted=False, merged_into=None)
        for entity, ids in record.moved.items():
            for record_id in ids:
                store.write_fields(ENTITIES[entity], record_id, {"customer_id": record.merged})
        store.update(Customer, record.survivor, **record.survivor_before)
        store.set_local(UNDO_KEY, None)
    return restored
