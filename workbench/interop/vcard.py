"""Contacts as vCards (RFC 2426 for 3.0, RFC 6350 for 4.0): reading a phone's
or mail program's export, and writing ours for them.

A card becomes a row of the contacts import (`csv_import`), so it is
checked, matched and written exactly as a CSV row is: ORG names the
customer (found by name, or by name once legal forms are dropped, or
created), a card without ORG is a private person and becomes a customer of
its own, a card that is a contact we hold (ours read back, by its id, or
found by name and phone or e-mail) fills only that contact's empty fields:
what differs is kept and listed, as the file may be older than the contact.
What a card says beyond a contact's fields goes into its notes (`vcard_read`).

The cards we write carry X-WORKBENCH-CUSTOMER (the customer's id) and our
contact id as UID, so reading them back, here or on a teammate's
computer, finds the same records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.domain.models import CustomerKind
from workbench.i18n import tr
from workbench.interop.content_lines import escape, fold
from workbench.interop.csv_columns import Mapping
from workbench.interop.csv_import import Plan, plan_table
from workbench.interop.csv_text import FileFormatError, Table, read_text
from workbench.interop.files import replacing
from workbench.interop.vcard_read import CELLS, CUSTOMER_ID, CardError, cards, cells
from workbench.store.database import Store
from workbench.store.lookup import customer_names, live_records

VERSIONS = ("3.0", "4.0")
# The card's cells as import columns.
_COLUMNS = dict(
    zip(
        CELLS,
        (
            "external_id",
            "id",
            "customer_id",
            "customer",
            "name",
            "title",
            "phone",
            "email",
            "notes",
        ),
        strict=True,
    )
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Honorifics N keeps apart from the name (RFC 6350 6.2.2).
_PREFIXES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})
# Chinese family names of two characters; any other takes one.
_TWO_CHARACTER_FAMILY_NAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
)


def plan_vcf_import(store: Store, path: Path) -> Plan:
    """The plan for the cards in `path`; ValueError if it holds none."""
    text, encoding = read_text(path, kind="vCard")
    rows, unreadable, persons = [], [], set()
    for line, card in cards(text, path.name):
        try:
            found = cells(card)
        except CardError as error:
            unreadable.append((line, str(error)))
            continue
        if not found["FN"]:  # (else refused as "customer: is required", as a private person)
            unreadable.append((line, tr("no name (FN or N): a contact needs one")))
            continue
        if not found["ORG"] and not found[CUSTOMER_ID]:  # a private person: their own customer
            found["ORG"] = found["FN"]
            persons.add(found["FN"])
        rows.append((line, [found[cell] for cell in CELLS]))
    if not rows and not unreadable:
        raise FileFormatError(tr("{file} holds no vCard (BEGIN:VCARD … END:VCARD)", file=path.name))
    table = Table(list(CELLS), rows, encoding, "vCard", unit="card", unreadable=unreadable)
    plan = plan_table(store, "contacts", path, table, Mapping(columns=_COLUMNS), keep_held=True)
    for customer in plan.new_customers.values():
        if customer.name in persons:
            customer.kind = CustomerKind.PERSON
    return plan


def export_vcf(store: Store, path: Path, version: str = "3.0") -> int:
    """Every live contact as a vCard of `version`; return how many."""
    if version not in VERSIONS:
        raise ValueError(
            tr(
                "vCard {version} is not written (choose {versions})",
                version=version,
                versions=" / ".join(VERSIONS),
            )
        )
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
    yield f"N:{_n(contact['name'])}"
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


def _n(name: str) -> str:
    """N (family;given;additional;prefixes;suffixes) from a name: 王芳 and 王 芳
    as 王;芳, Fang Wang as Wang;Fang, Dr. John Quincy Doe Jr. as
    Doe;John;Quincy;Dr.;Jr."""
    words = name.split()
    if _CJK.match(name):  # the family name first, with or without a space
        if len(words) == 1:
            size = 2 if name.startswith(_TWO_CHARACTER_FAMILY_NAMES) and len(name) > 2 else 1
            words = [name[:size], name[size:]]
        parts = (words[0], " ".join(words[1:]), "", "", "")
    else:
        prefixes = _taken(words, _PREFIXES, 0)
        suffixes = _taken(words, _SUFFIXES, -1)[::-1]
        family = words.pop() if words else ""
        given = words.pop(0) if words else ""
        parts = (family, given, " ".join(words), " ".join(prefixes), " ".join(suffixes))
    return ";".join(escape(part) for part in parts)


def _taken(words: list[str], kinds: frozenset[str], end: int) -> list[str]:
    """The honorifics at one end of `words` (0: the start, -1: the end),
    taken out of them, as long as a name is left."""
    taken = []
    while len(words) > 1 and words[end].rstrip(".,").casefold() in kinds:
        taken.append(words.pop(end).rstrip(","))
    return taken
