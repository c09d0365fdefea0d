"""Contacts as vCards (RFC 2426 for 3.0, RFC 6350 for 4.0): reading a phone's
or mail program's export, and writing ours for them.

A card becomes a row of the contacts import (`csv_import`), so it is
checked, matched and written exactly as a CSV row is: ORG names the
customer (found by name, or by name once legal forms are dropped, or
created), a card without ORG is a private person and becomes a customer of
its own, a card that is a contact we hold fills only that contact's empty
fields. Only one phone and one e-mail fit a contact: the others go into
its notes, so nothing on the card is lost.

The cards we write carry X-WORKBENCH-CUSTOMER (the customer's id) and our
contact id as UID, so reading them back, here or on a teammate's
computer, finds the same records.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.domain.models import CustomerKind
from workbench.i18n import tr
from workbench.interop.content_lines import (
    Property,
    components,
    escape,
    fold,
    parse,
    unescape,
    unfold,
)
from workbench.interop.csv_columns import Mapping
from workbench.interop.csv_import import Plan, plan_table
from workbench.interop.csv_text import FileFormatError, Table, read_text
from workbench.interop.files import replacing
from workbench.store.database import Store
from workbench.store.lookup import customer_names, live_records

VERSIONS = ("3.0", "4.0")
CUSTOMER_ID = "X-WORKBENCH-CUSTOMER"
# The card's values as import columns, named as the card names them.
_COLUMNS = {"UID": "external_id", "WORKBENCH-ID": "id", CUSTOMER_ID: "customer_id",
            "ORG": "customer", "FN": "name", "TITLE": "title", "TEL": "phone",
            "EMAIL": "email", "NOTE": "notes"}  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def plan_vcf_import(store: Store, path: Path) -> Plan:
    """The plan for the cards in `path`; ValueError if it holds none."""
    text, encoding = read_text(path, kind="vCard")
    rows, persons = [], set()
    for line, card in _cards(text, path.name):
        cells = _cells(card)
        if not cells["ORG"] and not cells[CUSTOMER_ID]:  # a private person: their own customer
            cells["ORG"] = cells["FN"]
            persons.add(cells["FN"])
        rows.append((line, [cells[column] for column in _COLUMNS]))
    if not rows:
        raise FileFormatError(tr("{file} holds no vCard (BEGIN:VCARD … END:VCARD)", file=path.name))
    table = Table(list(_COLUMNS), rows, encoding, "vCard", unit="card")
    plan = plan_table(store, "contacts", path, table, Mapping(columns=_COLUMNS))
    for customer in plan.new_customers.values():
        if customer.name in persons:
            customer.kind = CustomerKind.PERSON
    return plan


def _cards(text: str, name: str) -> Iterator[tuple[int, list[Property]]]:
    """(the line of BEGIN:VCARD, the card's properties), card by card.
    Text between cards is passed over."""
    card: list[Property] | None = None  # the card being read, if any
    start = 0
    for line, content in unfold(text):
        if card is None:
            if content.strip().upper() == "BEGIN:VCARD":
                start, card = line, []
            continue
        try:
            found = parse(content)
        except ValueError:
            raise FileFormatError(tr("{file} line {line}: {text!r} is not vCard", file=name,
                                     line=line, text=content[:40])) from None  # fmt: skip
        if found.name == "END":
            yield start, card
            card = None
        else:
            card.append(found)
    if card is not None:
        raise FileFormatError(tr("{file}: the card from line {line} has no END:VCARD", file=name,
                                 line=start))  # fmt: skip


def _cells(card: list[Property]) -> dict[str, str]:
    """The card's values by import column (see _COLUMNS)."""
    values: dict[str, list[str]] = {}
    for found in sorted(card, key=lambda p: "pref" not in p.types() and "PREF" not in p.params):
        values.setdefault(found.name, []).append(_decoded(found))
    uid = _first(values, "UID").removeprefix("urn:uuid:")
    ours = CUSTOMER_ID in values  # a card we wrote: its UID is our contact id
    phones = [unescape(phone).removeprefix("tel:") for phone in values.get("TEL", [])]
    emails = [unescape(email).removeprefix("mailto:") for email in values.get("EMAIL", [])]
    notes = [unescape(note) for note in values.get("NOTE", [])]
    if extra := phones[1:] + emails[1:]:
        notes.append("Also: " + ", ".join(extra))
    return {
        "UID": "" if ours else uid,
        "WORKBENCH-ID": uid if ours else "",
        CUSTOMER_ID: _first(values, CUSTOMER_ID),
        "ORG": components(_first(values, "ORG"))[0],
        "FN": unescape(_first(values, "FN")) or _from_n(_first(values, "N")),
        "TITLE": unescape(_first(values, "TITLE")),
        "TEL": phones[0] if phones else "",
        "EMAIL": emails[0] if emails else "",
        "NOTE": "\n".join(notes),
    }


def _decoded(found: Property) -> str:
    """vCard 2.1's quoted-printable values decoded, in their CHARSET."""
    if "QUOTED-PRINTABLE" not in (v.upper() for v in found.params.get("ENCODING", [])):
        return found.value
    charset = (found.params.get("CHARSET") or ["utf-8"])[0]
    raw = quopri.decodestring(found.value.encode())
    try:
        return raw.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return raw.decode("utf-8", "replace")


def _first(values: dict[str, list[str]], name: str) -> str:
    return values.get(name, [""])[0].strip()


def _from_n(value: str) -> str:
    """A name from N (family;given;middle;prefix;suffix): 王芳 or Fang Wang."""
    family, given, *_ = [*components(value), "", ""]
    if _CJK.search(family + given):
        return family + given  # Chinese names: family name first, no space
    return " ".join(part for part in (given, family) if part)


def export_vcf(store: Store, path: Path, version: str = "3.0") -> int:
    """Every live contact as a vCard of `version`; return how many."""
    if version not in VERSIONS:
        raise ValueError(tr("vCard {version} is not written (choose {versions})", version=version,
                            versions=" / ".join(VERSIONS)))  # fmt: skip
    names = customer_names(store)
    contacts = live_records(store, "contacts")
    with replacing(path) as file:
        for contact in contacts:
            file.writelines(fold(line) for line in _card(contact, names, version))
    return len(contacts)


def _card(contact: dict[str, Any], names: dict[str, str], version: str) -> Iterator[str]:
    v4 = version == "4.0"
    yield "BEGIN:VCARD"
    yield f"VERSION:{version}"
    yield f"UID:{'urn:uuid:' if v4 else ''}{contact['id']}"
    yield f"FN:{escape(contact['name'])}"
    yield f"N:{escape(contact['name'])};;;;"
    yield f"ORG:{escape(names.get(contact['customer_id'], ''))}"
    if contact["title"]:
        yield f"TITLE:{escape(contact['title'])}"
    if contact["phone"]:
        yield f"TEL;TYPE={'work,voice' if v4 else 'WORK,VOICE'}:{escape(contact['phone'])}"
    if contact["email"]:
        yield f"EMAIL;TYPE={'work' if v4 else 'INTERNET,WORK'}:{escape(contact['email'])}"
    if contact["notes"]:
        yield f"NOTE:{escape(contact['notes'])}"
    yield f"{CUSTOMER_ID}:{contact['customer_id']}"
    yield "END:VCARD"
