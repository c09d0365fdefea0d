"""Conflicts: values written on two devices without either seeing the other.

The record shows the later one; the other waits here, with who wrote each
and when, until a rep keeps one of them. Keeping writes a change that
supersedes both, so the choice travels in the next bundle and settles the
conflict on every device.

Each conflict is named as a rep knows the record: the customer it belongs
to, the kind of record and its name, the field's label in the rep's
language ("Acme Pumps · deal Conveyor line · Next step"), and by a short id
for the command line (`workbench conflicts keep ID`). An import tells the rep
of the conflicts it brought from their side (`Told`): their value lost, or
was kept; or a teammate settled one of their values before it reached them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.domain.display import printable
from workbench.domain.errors import NotYours
from workbench.domain.hlc import Stamp
from workbench.domain.models import ActivityKind, Metric, Rep, field_label
from workbench.domain.money import format_money
from workbench.i18n import later, tr
from workbench.store.database import Store
from workbench.store.lookup import SHORT_ID  # of a record's id, told apart from one named alike
from workbench.store.schema import ENTITIES
from workbench.sync.export import PEER_KEY

ID_LENGTH = 6  # of a conflict's id, as listed and typed
SHOWN_AT_MOST = 40  # characters of a value in an import's word on a conflict

_CUSTOMER_OF = "(SELECT name FROM customers WHERE id = r.customer_id)"
# Per kind of record: SQL for what names it (one or more columns, put
# together by _NAMED) and for the name of the customer it belongs to.
_RECORDS: dict[str, tuple[str, str]] = {
    "reps": ("r.name", "NULL"),
    "customers": ("r.name", "r.name"),
    "contacts": ("r.name", _CUSTOMER_OF),
    "stages": ("r.label", "NULL"),
    "deals": ("r.title", _CUSTOMER_OF),
    "stage_history": (
        "(SELECT title FROM deals WHERE id = r.deal_id), r.from_stage, r.to_stage",
        "(SELECT c.name FROM deals d JOIN customers c ON c.id = d.customer_id "
        "WHERE d.id = r.deal_id)",
    ),
    "activities": ("r.kind, substr(r.at, 1, 10)", _CUSTOMER_OF),
    "follow_ups": ("r.title", _CUSTOMER_OF),
    "targets": ("(SELECT name FROM reps WHERE id = r.rep_id), r.metric, r.period", "NULL"),
    "device_claims": ("(SELECT name FROM reps WHERE id = r.rep_id)", "NULL"),
}
# Fields holding another record's id: a value is shown as that record's name.
_NAMES_OF: dict[str, str] = {
    "customer_id": "SELECT name FROM customers WHERE id = ?",
    "contact_id": "SELECT name FROM contacts WHERE id = ?",
    "deal_id": "SELECT title FROM deals WHERE id = ?",
    "rep_id": "SELECT name FROM reps WHERE id = ?",
    "manager_id": "SELECT name FROM reps WHERE id = ?",
}
# Per kind of record belonging to a customer: what a record shares with
# another of the customer's that a rep would call by the same name ({} is
# the table's alias). Such a record's name ends in the start of its id.
_ALIKE: dict[str, tuple[str, ...]] = {
    "contacts": ("{}.name",),
    "deals": ("{}.title",),
    "follow_ups": ("{}.title",),
    "activities": ("{}.kind", "substr({}.at, 1, 10)"),
}
_KINDS = {
    "reps": later("rep"),
    "customers": later("customer"),
    "contacts": later("contact"),
    "stages": later("stage"),
    "deals": later("deal"),
    "stage_history": later("stage move"),
    "activities": later("activity"),
    "follow_ups": later("follow-up"),
    "targets": later("target"),
    "device_claims": later("device"),
}


@dataclass(frozen=True)
class Side:
    """One of the values in a conflict, and where it came from."""

    value: Any
    origin: str
    seq: int
    rep: str  # who wrote it (their name, or the device id if unknown here)
    at: datetime
    mine: bool = False  # written on this device
    named: str | None = None  # the name of the record the value is the id of

    @property
    def text(self) -> str:
        return self.named or show_value(self.value)

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "text": self.text,
            "rep": self.rep,
            "device": self.origin,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "mine": self.mine,
        }


@dataclass(frozen=True)
class Conflict:
    entity: str
    row_id: str
    field: str
    label: str  # the record's name
    shown: Side  # the value the record holds
    other: Side  # the one that lost
    customer: str | None = None  # the name of the customer the record belongs to (or is)

    @property
    def kind(self) -> str:
        """What kind of record it is, in the chosen language."""
        return kind_of(self.entity)

    @property
    def field_label(self) -> str:
        """The field as the forms call it, in the chosen language."""
        return field_label(self.entity, self.field)

    @property
    def id(self) -> str:
        """A short id that stays the conflict's own while it is open (the
        value that lost names it), for `workbench conflicts keep`."""
        key = f"{self.entity}/{self.row_id}/{self.field}/{self.other.origin}:{self.other.seq}"
        return hashlib.sha256(key.encode()).hexdigest()[:ID_LENGTH]

    @property
    def record(self) -> str:
        """'deal Conveyor line'."""
        return f"{self.kind} {self.label}"

    @property
    def place(self) -> str:
        """'Acme Pumps · deal Conveyor line · Next step': where the values differ."""
        owner = [self.customer] if self.customer and self.entity != "customers" else []
        return " · ".join([*owner, self.record, self.field_label])

    @property
    def mine(self) -> Side | None:
        """This device's side, if one is."""
        return next((side for side in (self.shown, self.other) if side.mine), None)

    @property
    def theirs(self) -> Side | None:
        """The other device's side, if one of the sides is this device's."""
        if self.shown.mine == self.other.mine:
            return None
        return self.other if self.shown.mine else self.shown

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "kind": self.kind,
            "row_id": self.row_id,
            "customer": self.customer,
            "record": self.label,
            "field": self.field,
            "field_label": self.field_label,
            "shown": self.shown.as_json(),
            "other": self.other.as_json(),
        }


def kind_of(entity: str) -> str:
    """What a kind of record is called, in the chosen language: 'deal', '商机'."""
    return tr(_KINDS[entity])


def count_conflicts(store: Store) -> int:
    (count,) = store.db.execute("SELECT count(*) FROM conflicts").fetchone()
    return int(count)


def list_conflicts(store: Store) -> list[Conflict]:
    """Every open conflict, the most recent first."""
    rows = store.db.execute(
        "SELECT k.entity, k.row_id, k.field, w.origin, w.seq, w.hlc, w.value, "
        "l.origin, l.seq, l.hlc, l.value FROM conflicts k "
        "JOIN changes w ON w.origin = k.winner_origin AND w.seq = k.winner_seq "
        "JOIN changes l ON l.origin = k.origin AND l.seq = k.seq "
        "ORDER BY w.hlc DESC, k.entity, k.row_id, k.field, l.hlc DESC"
    ).fetchall()
    return _conflicts(store, rows)


def find_conflict(store: Store, text: str) -> list[Conflict]:
    """The open conflicts whose id starts with `text` (one, if it names one)."""
    wanted = text.strip().lower()
    return [
        conflict for conflict in list_conflicts(store) if wanted and conflict.id.startswith(wanted)
    ]


def keep(store: Store, conflict: Conflict, side: Side) -> None:
    """Settle a conflict with one of its values, here and, by sync, everywhere.
    A rep's own fields are settled only on that rep's computers, as they are edited."""
    mine = conflict.row_id == store.me
    if conflict.entity == "reps" and conflict.field in Rep.OWN_FIELDS and not mine:
        raise NotYours(
            tr(
                "{rep} is another rep: only their own computers settle a conflict on their record",
                rep=repr(conflict.label),
            )
        )
    store.write_fields(ENTITIES[conflict.entity], conflict.row_id, {conflict.field: side.value})


def show_value(value: Any) -> str:
    if isinstance(value, dict) and {"amount", "currency"} <= value.keys():
        if not value["currency"]:  # a count target (calls, visits): no money, no cents
            return f"{value['amount'] or 0:,}"
        return format_money(value["amount"] or 0, value["currency"], cents=True)
    if isinstance(value, dict):
        return " ".join(str(part) for part in value.values() if part is not None) or "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None or value == "" else str(value)


# --- what an import tells ------------------------------------------------------

# A conflict an import found: entity, row id, field, and the two changes
# (origin, seq) of the value shown and of the other.
Found = tuple[str, str, str, str, int, str, int]


@dataclass(frozen=True)
class Told:
    """A conflict an import brought, as the rep who imported it hears of it:
    open (`conflict.shown` is the value the record holds), or `settled` by a
    teammate before it reached this device (`conflict.shown` is what they
    kept, `conflict.other` this device's value)."""

    conflict: Conflict
    settled: bool = False

    def text(self) -> str:
        """One sentence, from this device's rep's point of view."""
        c = self.conflict
        what, shown, other = printable(c.place), _quoted(c.shown), _quoted(c.other)
        if self.settled:
            if c.shown.value == c.other.value:
                return tr(
                    '{rep} settled {what}, keeping your value ("{mine}")',
                    rep=printable(c.shown.rep),
                    what=what,
                    mine=other,
                )
            return tr(
                '{rep} settled {what}: "{kept}" kept over your "{mine}"',
                rep=printable(c.shown.rep),
                what=what,
                kept=shown,
                mine=other,
            )
        if c.other.mine and not c.shown.mine:
            return tr(
                'your value for {what} ("{mine}") lost to {rep}\'s ("{theirs}")',
                what=what,
                mine=other,
                rep=printable(c.shown.rep),
                theirs=shown,
            )
        if c.shown.mine and not c.other.mine:
            return tr(
                'your value for {what} ("{mine}") was kept over {rep}\'s ("{theirs}")',
                what=what,
                mine=shown,
                rep=printable(c.other.rep),
                theirs=other,
            )
        return tr(
            '{what}: {winner}\'s value ("{shown}") was kept over {loser}\'s ("{other}")',
            what=what,
            winner=printable(c.shown.rep),
            shown=shown,
            loser=printable(c.other.rep),
            other=other,
        )

    def as_json(self) -> dict[str, Any]:
        found = self.conflict.as_json() | {"settled": self.settled, "text": self.text()}
        if self.settled:
            found["id"] = None  # nothing left to settle
        return found


def told(store: Store, opened: Iterable[Found], settled: Iterable[Found]) -> list[Told]:
    """The conflicts an import opened and those of this device's values a
    teammate settled, as the rep hears of them (the ones opened first)."""
    pick = (
        "SELECT w.origin, w.seq, w.hlc, w.value, l.origin, l.seq, l.hlc, l.value "
        "FROM changes w, changes l WHERE w.origin = ? AND w.seq = ? "
        "AND l.origin = ? AND l.seq = ?"
    )
    found: list[Told] = []
    for is_settled, chosen in ((False, opened), (True, settled)):
        rows = []
        for entity, row_id, field, *changes in chosen:
            if pair := store.db.execute(pick, changes).fetchone():
                rows.append((entity, row_id, field, *pair))
        found += [Told(conflict, is_settled) for conflict in _conflicts(store, rows)]
    return found


def _quoted(side: Side) -> str:
    text = printable(side.text)
    return text if len(text) <= SHOWN_AT_MOST else text[: SHOWN_AT_MOST - 1] + "…"


# --- reading them ----------------------------------------------------------------


def _conflicts(store: Store, rows: list[tuple[Any, ...]]) -> list[Conflict]:
    """Conflicts from rows of entity, row id, field, then the shown and the
    other change's origin, seq, clock stamp and value."""
    names, records = writers(store), _Records(store)
    found = []
    for entity, row_id, field, *sides in rows:
        label, customer = records.named(entity, row_id)
        shown, other = (
            _side(store, names, field, *sides[:4]),
            _side(store, names, field, *sides[4:]),
        )
        found.append(Conflict(entity, row_id, field, label, shown, other, customer))
    return found


class _Records:
    """What names each record, and its customer; read once per record."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[tuple[str, str], tuple[str, str | None]] = {}

    def named(self, entity: str, row_id: str) -> tuple[str, str | None]:
        """(the record's name, the name of its customer)."""
        if (entity, row_id) not in self.known:
            label, customer = _RECORDS[entity]
            found = self.store.db.execute(
                f"SELECT {customer}, {label} FROM {entity} r WHERE r.id = ?", [row_id]
            ).fetchone()
            if found is None:  # (held aside until the rest of it arrives)
                self.known[entity, row_id] = (row_id, None)
            else:
                name = _NAMED.get(entity, _first)(*found[1:]) or row_id
                if self._alike(entity, row_id):
                    name = f"{name} #{row_id[:SHORT_ID]}"
                owner = None if found[0] is None else str(found[0])
                self.known[entity, row_id] = (name, owner)
        return self.known[entity, row_id]

    def _alike(self, entity: str, row_id: str) -> bool:
        """Whether another live record of its customer goes by the same name."""
        if (named := _ALIKE.get(entity)) is None:
            return False
        same = " AND ".join(f"{part.format('o')} IS {part.format('r')}" for part in named)
        return bool(
            self.store.db.execute(
                f"SELECT EXISTS (SELECT 1 FROM {entity} o JOIN {entity} r ON r.id = ? "
                f"WHERE o.id != r.id AND o.deleted = 0 AND o.customer_id IS r.customer_id "
                f"AND {same})",
                [row_id],
            ).fetchone()[0]
        )


def _first(value: Any) -> str:
    return "" if value is None else str(value)


def _worded(kind: Callable[[str], Any], value: Any) -> str:
    """A stored choice in the rep's language ('call' -> '电话'), else as it is."""
    try:
        return str(kind(value).label)
    except ValueError:
        return _first(value)


_NAMED: dict[str, Callable[..., str]] = {
    "stages": lambda label: tr(label) if label else "",  # a default stage's label is English
    "stage_history": lambda deal, start, end: f"{_first(deal)}: {start or '—'} → {_first(end)}",
    "activities": lambda kind, day: f"{_worded(ActivityKind, kind)} {_first(day)}",
    "targets": lambda rep, metric, period: " ".join(
        part for part in (_first(rep), _worded(Metric, metric), _first(period)) if part
    ),
}


def _side(
    store: Store, names: dict[str, str], field: str, origin: str, seq: int, hlc: str, value: str
) -> Side:
    parsed = json.loads(value)
    return Side(
        parsed,
        origin,
        seq,
        names.get(origin, origin),
        Stamp.parse(hlc).moment(),
        origin == store.device,
        _name_of(store, field, parsed),
    )


def _name_of(store: Store, field: str, value: Any) -> str | None:
    """A manager's or a customer's name, not their id; None for other values."""
    if field not in _NAMES_OF or not isinstance(value, str):
        return None
    found = store.db.execute(_NAMES_OF[field], [value]).fetchone()
    return None if found is None or found[0] is None else str(found[0])


def writers(store: Store) -> dict[str, str]:
    """{device: the name of the rep who writes on it}, from what we know."""
    peers = store.db.execute("SELECT key, value FROM local_state WHERE key LIKE 'peer:%'")
    names = {key.removeprefix(PEER_KEY): json.loads(value).get("rep") for key, value in peers}
    names |= dict(
        store.db.execute(
            "SELECT d.origin, r.name FROM devices d JOIN reps r ON r.id = d.rep_id"
        ).fetchall()
    )
    return {device: name for device, name in names.items() if name}
