"""Real cards from phones, mail programs and other projects' test suites
(../shared/realworld/vcf): each is read as it was meant or refused with a
reason, never landed with a wrong or garbled value."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import vobject

from tests.realworld import ROOT, needs
from workbench.interop.csv_import import apply_plan
from workbench.interop.csv_text import FileFormatError
from workbench.interop.vcard import plan_vcf_import
from workbench.store.database import open_store

CORPUS = ROOT / "vcf"
pytestmark = needs(CORPUS / "fixtures" / "expected.json", "vCard corpus")
EXPECTED: dict[str, Any] = (
    json.loads((CORPUS / "fixtures" / "expected.json").read_text(encoding="utf-8"))
    if CORPUS.exists()
    else {}
)
PUBLIC = sorted(path.name for path in (CORPUS / "src").glob("*.vcf"))
# Cards refused on purpose: no name at all (2), bytes that are not the UTF-8
# the card declares (1), a card without END.
REFUSED = {"ezvcard__John_Doe_ANDROID.vcf": 3, "khard__unparsable.vcf": 1}
# (name, customer) of cards vobject cannot read or misreads (it cuts FN at a
# comma, and has no FN to give when a card names the person in N only),
# checked by hand against the file.
BY_HAND = {
    "ezvcard__John_Doe_GMAIL.vcf": [("Mr. John Richter, James Doe Sr.", "IBM")],
    "ezvcard__John_Doe_IPHONE.vcf": [("Mr. John Richter James Doe Sr.", "IBM")],
    "ezvcard__John_Doe_LOTUS_NOTES.vcf": [("Mr. Doe John I Johny", "IBM")],
    "ezvcard__John_Doe_MS_OUTLOOK.vcf": [("Mr. John Richter James Doe Sr.", "IBM")],
    "ezvcard__outlook-2003.vcf": [("John Doe III", "Company, The")],
    "ezvcard__outlook-2007.vcf": [("Mr. Michael Angstadt Jr.", "TheCompany")],
    "khard__nickname.vcf": [("Michael Smith", "Michael Smith")],
    "khard__no-nickname.vcf": [("Mike Jones", "Mike Jones")],
}


def imported(path: Path, tmp_path: Path) -> tuple[list[dict[str, Any]], int]:
    """The contacts a fresh database holds after importing `path` (bad
    cards skipped), and how many cards were refused."""
    store = open_store(tmp_path / "t.db")
    copy = tmp_path / path.name  # (skipped cards are written beside it: not in the corpus)
    copy.write_bytes(path.read_bytes())
    try:
        plan = plan_vcf_import(store, copy)
    except FileFormatError:
        return [], 1
    apply_plan(store, plan, skip_bad=True)
    rows = store.db.execute(
        "SELECT c.name, c.title, c.phone, c.email, c.notes, cu.name FROM contacts c "
        "JOIN customers cu ON cu.id = c.customer_id ORDER BY c.rowid"
    ).fetchall()
    store.close()
    keys = ("name", "title", "phone", "email", "notes", "customer")
    return [dict(zip(keys, row, strict=True)) for row in rows], len(plan.rejected)


def garbled(contact: dict[str, Any]) -> list[str]:
    """Values that still hold quoted-printable or a replacement character."""
    return [
        f"{name}={value!r}"
        for name, value in contact.items()
        if value and ("\ufffd" in value or re.search(r"=[0-9A-F]{2}", value))
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_peer_card_lands_as_meant(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    contacts, refused = imported(CORPUS / "fixtures" / name, tmp_path)
    assert refused == 0
    for want, got in zip(
        [expected, *filter(None, [expected.get("second")])], contacts, strict=True
    ):
        assert got["name"] == want["name"]
        for field in ("customer", "title", "phone", "email"):
            if want.get(field):
                assert got[field] == want[field], field
        assert (got["phone"] or "").startswith(want.get("phone_starts", ""))
        for part in want.get("notes_has", []):
            assert part in got["notes"]
        assert not garbled(got)


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_card_lands_as_an_address_book_reads_it(name: str, tmp_path: Path) -> None:
    """Against vobject's reading: the name, the first ORG part, the
    preferred e-mail and phone; by hand where vobject cannot read the card."""
    path = CORPUS / "src" / name
    contacts, refused = imported(path, tmp_path)
    assert refused == REFUSED.get(name, 0)
    if refused:
        return
    if name in BY_HAND:
        assert [(got["name"], got["customer"]) for got in contacts] == BY_HAND[name]
        assert not any(garbled(got) for got in contacts)
        return
    read = list(vobject.readComponents(path.read_text(encoding="utf-8", errors="replace")))
    assert len(contacts) == len(read)
    for card, got in zip(read, contacts, strict=True):
        assert got["name"] == card.fn.value
        org = card.contents.get("org")
        assert got["customer"] == ((org[0].value[0] if org else "") or card.fn.value)
        assert not garbled(got)
        emails = card.contents.get("email", [])
        if emails:
            preferred = [e for e in emails if _preferred(e)] or emails
            assert got["email"] == preferred[0].value.lower()
        phones = card.contents.get("tel", [])
        if phones:  # (as a number: vobject keeps a tel: URI as written)
            number = re.sub(r"^tel:|;ext=", " ", str(phones[0].value)).split()[0]
            assert number in (got["phone"] or "")


def _preferred(line: Any) -> bool:
    types = [str(t).lower() for t in line.params.get("TYPE", [])]
    return "pref" in types or "PREF" in line.params
