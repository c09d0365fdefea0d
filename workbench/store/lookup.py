"""Finding records as a rep names them: a customer by id, name or the start
of one, a rep by name or 'me', whose records 'everyone' means; and as a
spreadsheet names them: by name or title (any case), within a customer where
names repeat, and which ids exist already."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.domain.models import Customer, Rep
from workbench.i18n import tr
from workbench.store.database import NotFound, Store, chunks, fetch_all
from workbench.store.queries import (
    CustomerRow,
    customers_by_id_prefix,
    customers_named,
    rep_names,
)
from workbench.store.schema import ENTITIES, decode

# What each kind of record is called by, and the customer it is named within.
_NAMED = {
    "reps": ("name", None),
    "customers": ("name", None),
    "contacts": ("name", "customer_id"),
    "deals": ("title", "customer_id"),
}


def ids_by_name(store: Store, entity: str) -> dict[tuple[str, str], list[str]]:
    """(customer id or '', name case-folded) -> the ids of live records so named."""
    column, within = _NAMED[entity]
    scope = within or "''"
    found: dict[tuple[str, str], list[str]] = {}
    for record_id, name, customer in store.db.execute(
        f"SELECT id, {column}, {scope} FROM {entity} WHERE deleted = 0 ORDER BY id"
    ):
        found.setdefault((customer, name.casefold()), []).append(record_id)
    return found


def existing_ids(store: Store, entity: str, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that name a record of `entity` (deleted ones too)."""
    assert entity in ENTITIES
    found: set[str] = set()
    for chunk in chunks(sorted(set(ids)), 500):
        marks = ", ".join("?" * len(chunk))
        found.update(
            row[0]
            for row in store.db.execute(f"SELECT id FROM {entity} WHERE id IN ({marks})", chunk)
        )
    return found


def live_records(store: Store, entity: str) -> list[dict[str, Any]]:
    """Every record of `entity` not deleted, oldest first, as model input."""
    table = ENTITIES[entity]
    return [
        decode(table, row)
        for row in fetch_all(
            store.db, f"SELECT * FROM {entity} WHERE deleted = 0 ORDER BY created_at, id"
        )
    ]


def customer_names(store: Store) -> dict[str, str]:
    """Every customer's name by id, merged and deleted ones too."""
    return dict(store.db.execute("SELECT id, name FROM customers").fetchall())


def customers_by_name_key(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Name match key (see domain.duplicates) -> the (id, name) of each live
    customer with it: "HENGTAI PUMPS" for "Hengtai Pumps Co., Ltd."."""
    found: dict[str, list[tuple[str, str]]] = {}
    for name_key, customer_id, name in store.db.execute(
        "SELECT substr(k.key, 6), c.id, c.name FROM customer_keys k "
        "JOIN customers c ON c.id = k.customer_id WHERE k.key LIKE 'name:%' ORDER BY c.id"
    ):
        found.setdefault(name_key, []).append((customer_id, name))
    return found


def contacts_by_email(store: Store) -> dict[tuple[str, str], str]:
    """(customer id, e-mail in lower case) -> the oldest live contact with them."""
    rows = store.db.execute(
        "SELECT customer_id, lower(email), id FROM contacts "
        "WHERE deleted = 0 AND email IS NOT NULL ORDER BY created_at DESC, id DESC"
    )
    return {(customer, email): contact for customer, email, contact in rows}


def ever_filled(store: Store, entity: str, record_id: str) -> set[str]:
    """The fields of a record that have held a value at some time (one
    empty now was emptied by someone, not never filled)."""
    return {
        field
        for (field,) in store.db.execute(
            "SELECT DISTINCT field FROM changes WHERE entity = ? AND row_id = ? "
            "AND value IS NOT NULL AND value NOT IN ('null', '\"\"', '[]')",
            [entity, record_id],
        )
    }


Started = tuple[str, str, str | None]  # (id, what, customer's name)


def open_follow_ups_starting(store: Store, text: str) -> list[Started]:
    """The open follow-ups whose id starts with `text`."""
    return _starting(
        store,
        text,
        "SELECT f.id, f.title, c.name FROM follow_ups f "
        "LEFT JOIN customers c ON c.id = f.customer_id WHERE f.deleted = 0 "
        "AND f.done_at IS NULL AND substr(f.id, 1, ?) = ? ORDER BY f.id",
    )


def deals_starting(store: Store, text: str) -> list[Started]:
    """The deals whose id starts with `text`."""
    return _starting(
        store,
        text,
        "SELECT d.id, d.title, c.name FROM deals d "
        "LEFT JOIN customers c ON c.id = d.customer_id WHERE d.deleted = 0 "
        "AND substr(d.id, 1, ?) = ? ORDER BY d.id",
    )


# What names a record of each kind a rep deletes, when listed by its id.
# What names a record of each kind a rep deletes, when listed by its id.
NAMED_BY = {
    "customers": "name",
    "contacts": "name",
    "deals": "title",
    "activities": "kind",
    "follow_ups": "title",
}


def named_rows(table: str) -> str:
    """SELECT of id, name (or title, or kind) and customer's name of `table`'s
    records (as `r`; merged customers left out), ending in an open WHERE … AND."""
    if table == "customers":
        return "SELECT r.id, r.name, NULL FROM customers r WHERE r.merged_into IS NULL AND"
    return (
        f"SELECT r.id, r.{NAMED_BY[table]}, c.name FROM {table} r "
        "LEFT JOIN customers c ON c.id = r.customer_id WHERE"
    )


def live_starting(store: Store, table: str, text: str) -> list[Started]:
    """The records of `table` (one of those a rep deletes) not deleted whose
    id starts with `text`."""
    sql = f"{named_rows(table)} r.deleted = 0 AND substr(r.id, 1, ?) = ? ORDER BY r.id"
    return _starting(store, text, sql)


def _starting(store: Store, text: str, sql: str) -> list[Started]:
    prefix = text.strip().lower()
    if not prefix or not all(char in "0123456789abcdef-" for char in prefix):
        return []
    return [
        (row_id, what, name) for row_id, what, name in store.db.execute(sql, [len(prefix), prefix])
    ]


def rep_named(store: Store, name: str) -> Rep | None:
    """The rep with exactly this name (any case). Two with it are two people
    (or one on two computers, who claims one: `rep_to_claim`): which is
    meant cannot be guessed."""
    found = _reps_called(store, name)
    if len(found) > 1:
        raise NotFound(
            tr(
                "{count} reps are called {name!r} ({ids}): name yours by its id, "
                "`workbench me --claim ID`",
                count=len(found),
                name=name,
                ids=", ".join(rep_id[:SHORT_ID] for rep_id in found),
            )
        )
    return store.get(Rep, found[0]) if found else None


def _reps_called(store: Store, name: str) -> list[str]:
    wanted = name.strip().casefold()
    reps = rep_names(store).items()
    return sorted(rep_id for rep_id, known in reps if known.strip().casefold() == wanted)


def is_rep_id(store: Store, text: str) -> bool:
    """`text` is the start of one rep's id as listed beside their name (all
    SHORT_ID characters of it: a name such as "Bead" is a name)."""
    return len(text.strip()) >= SHORT_ID and len(_reps_starting(store, text)) == 1


def _reps_starting(store: Store, text: str) -> list[str]:
    prefix = text.strip().lower()
    return [rep_id for rep_id in rep_names(store) if len(prefix) >= 4 and rep_id.startswith(prefix)]


def rep_to_claim(store: Store, text: str) -> Rep:
    """The rep a rep says they are on this computer: by the start of their id
    (as `workbench me` lists them), else by their exact name."""
    by_id = _reps_starting(store, text)
    if len(by_id) == 1:
        return store.require(Rep, by_id[0])
    rep = rep_named(store, text)
    if rep is None:
        known = ", ".join(
            f"{name} ({rep_id[:SHORT_ID]})" for rep_id, name in rep_names(store).items()
        )
        raise NotFound(tr("no rep is {text!r} (reps: {known})", text=text, known=known or "—"))
    return rep


SHORT_ID = 8  # enough of an id to tell customers apart, and to type


class NoSuchCustomer(NotFound):
    """No customer goes by the name typed (`name`)."""

    def __init__(self, name: str) -> None:
        super().__init__(tr("no customer named {text!r}", text=name))
        self.name = name


class Ambiguous(LookupError):
    def __init__(self, text: str, candidates: list[CustomerRow]) -> None:
        names = ", ".join(f"{c.name} ({c.id[:SHORT_ID]})" for c in candidates[:8])
        if len(candidates) > 8:
            names = tr("{names} and {count} more", names=names, count=len(candidates) - 8)
        super().__init__(
            tr(
                "{text!r} matches {count} customers: {names}; type more of the name, "
                "or the id in brackets",
                text=text,
                count=len(candidates),
                names=names,
            )
        )
        self.candidates = candidates


def find_customer(store: Store, text: str) -> Customer:
    """A customer by id (or its first 8+ characters), exact name, or a name
    prefix that only one customer has."""
    text = text.strip()
    if not text:
        raise NotFound(tr("name a customer"))
    by_id = customers_by_id_prefix(store, text) if len(text) >= SHORT_ID else []
    if len(by_id) == 1:
        return store.require(Customer, by_id[0].id)
    candidates = customers_named(store, text, limit=50)
    exact = [c for c in candidates if c.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(candidates) == 1:
        return store.require(Customer, (exact or candidates)[0].id)
    if not candidates:
        raise NoSuchCustomer(text)
    raise Ambiguous(text, candidates)


def find_rep(store: Store, name: str) -> str:
    """A rep's id from 'me' (or 'mine'), their name (any case), or the start
    of a name only one rep's has."""
    folded = name.strip().casefold()
    if folded in ("me", "mine", tr("me").casefold()):
        if store.me is None:
            raise NotFound(tr("no rep yet: set your name with `workbench me NAME`"))
        return store.me
    reps = rep_names(store)
    exact = [rep_id for rep_id, known in reps.items() if known.strip().casefold() == folded]
    found = exact or [
        rep_id for rep_id, known in reps.items() if folded and known.casefold().startswith(folded)
    ]
    if len(found) == 1 or exact:
        return min(found)
    if found:
        names = ", ".join(sorted(reps[rep_id] for rep_id in found))
        raise NotFound(
            tr(
                "{name!r} starts several reps' names ({known}); type more of it",
                name=name,
                known=names,
            )
        )
    known = ", ".join(sorted(reps.values()))
    raise NotFound(tr("no rep named {name!r} (reps: {known})", name=name, known=known))


def whose(store: Store, text: str) -> str | None:
    """Whose records a rep asks for, in one way everywhere: 'me' (or nothing)
    is this rep, 'everyone' (or 'all', 'team') is None, anything else a rep
    as `find_rep` finds them."""
    folded = text.strip().casefold()
    if folded in ("everyone", "all", "team", tr("everyone").casefold()):
        return None
    return find_rep(store, text.strip() or "me")
