"""vCards: what we write, read back with `vobject` as an address book would;
what phones and mail programs write (3.0, 4.0, even 2.1), read in."""

from pathlib import Path

import pytest
import vobject

from tests.store.bundles import dump
from workbench.demo import Shape, generate
from workbench.domain.models import Contact, Customer, CustomerKind, Rep
from workbench.interop.csv_import import apply_plan
from workbench.interop.csv_text import FileFormatError
from workbench.interop.vcard import export_vcf, plan_vcf_import
from workbench.store.database import Store, open_store

PHONE_EXPORT = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n"
    "N:Wang;Fang;;;\r\nFN:Fang Wang\r\nORG:Hengtai Pumps Co.\\, Ltd.;Purchasing\r\n"
    "TITLE:Head of purchasing\r\n"
    "TEL;TYPE=HOME,VOICE:+86 21 5555 0199\r\n"
    "TEL;TYPE=CELL,pref,VOICE:+86 139 0000 1111\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:fang.wang@hengtai.cn\r\n"
    "NOTE:Met at the Shanghai fair\\; likes\r\n  early calls\r\n"
    "UID:AB12-CD34\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:李娜\r\nN:李;娜;;;\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+86-138-0000-2222\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    "END:VCARD\r\n"
)


def vcf(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(text.encode(encoding))
    return path


def contact_named(store: Store, name: str) -> Contact:
    (found,) = store.db.execute("SELECT id FROM contacts WHERE name = ?", [name]).fetchall()
    return store.require(Contact, found[0])


def test_a_phone_export_becomes_contacts_and_customers(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    hengtai = store.add(Customer(name="HENGTAI PUMPS"))
    plan = plan_vcf_import(store, vcf(tmp_path, PHONE_EXPORT))
    apply_plan(store, plan, skip_bad=False)
    fang = contact_named(store, "Fang Wang")
    assert fang.customer_id == hengtai.id  # ORG matched without its legal form
    assert fang.phone == "+86 139 0000 1111"  # the preferred one
    assert fang.email == "fang.wang@hengtai.cn"
    assert fang.notes == "Met at the Shanghai fair; likes early calls\nAlso: +86 21 5555 0199"
    na = contact_named(store, "李娜")
    assert na.phone == "+86-138-0000-2222"
    person = store.require(Customer, na.customer_id)
    assert (person.name, person.kind) == ("李娜", CustomerKind.PERSON)  # no ORG: a private person
    report = plan.report()
    assert "accepted 2 cards: 2 new, 0 already here (updated where they differ)" in report
    assert "creates 1 customer: 李娜" in report


def test_importing_the_same_export_again_adds_nothing(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    path = vcf(tmp_path, PHONE_EXPORT)
    apply_plan(store, plan_vcf_import(store, path), skip_bad=False)
    changes = "SELECT count(*) FROM changes"
    before = store.db.execute(changes).fetchone()
    again = plan_vcf_import(store, path)
    assert all(row.record is None for row in again.good)
    apply_plan(store, again, skip_bad=False)
    assert store.db.execute(changes).fetchone() == before  # not one field written


def test_a_card_for_a_contact_already_here_fills_only_its_blanks(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    held = store.add(Contact(customer_id=acme.id, name="Zhao Lei", title="CFO"))
    card = ("BEGIN:VCARD\nVERSION:3.0\nFN:zhao lei\nORG:Acme Pumps\nTITLE:Finance\n"
            "EMAIL:zl@acme.cn\nEND:VCARD\n")  # fmt: skip
    plan = plan_vcf_import(store, vcf(tmp_path, card))
    assert "  line 1: Zhao Lei (same name)" in plan.report()
    apply_plan(store, plan, skip_bad=False)
    now = store.require(Contact, held.id)
    assert (now.title, now.email) == ("CFO", "zl@acme.cn")
    assert store.db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1


def test_vcard_2_1_quoted_printable_in_gbk(store: Store, me: Rep, tmp_path: Path) -> None:
    name = "张伟".encode("gbk").hex("=").upper()
    card = (f"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:={name};;;;\r\n"
            "TEL;CELL;PREF:13900001111\r\nEND:VCARD\r\n")  # fmt: skip
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, card)), skip_bad=False)
    assert contact_named(store, "张伟").phone == "13900001111"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no vCard"),
        ("BEGIN:VCARD\nVERSION:3.0\nFN:Half\n", "the card from line 1 has no END:VCARD"),
        ("BEGIN:VCARD\nthis is not a property\nEND:VCARD\n", "line 2: 'this is not a property'"),
        ("Name,Email\nWang,w@x.cn\n", "holds no vCard"),
    ],
)
def test_files_that_are_not_vcards_say_why(
    store: Store, me: Rep, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(FileFormatError, match=message):
        plan_vcf_import(store, vcf(tmp_path, text))


def test_a_bad_card_stops_the_file_unless_skipped(store: Store, me: Rep, tmp_path: Path) -> None:
    cards = ("BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nORG:Acme\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nORG:Acme\nEMAIL:not-an-address\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nORG:Acme\nEND:VCARD\n")  # fmt: skip
    path = vcf(tmp_path, cards)
    before = dump(store)
    plan = plan_vcf_import(store, path)
    assert [line for line, _ in plan.rejected] == [6, 12]
    assert "does not look like an email address" in plan.rejected[0][1]
    with pytest.raises(ValueError, match=r"2 bad cards .* nothing was imported"):
        apply_plan(store, plan, skip_bad=False)
    assert dump(store) == before
    rejects = apply_plan(store, plan, skip_bad=True)
    assert rejects is not None and "Bad Mail" in rejects.read_text(encoding="utf-8-sig")
    assert contact_named(store, "Good One").customer_id


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_what_we_write_address_books_read(tmp_path: Path, version: str) -> None:
    source = open_store(tmp_path / "a.db")
    generate(source, shape=Shape(customers=20))
    source.update(Contact, _first_contact(source), notes="Line one,\nline two; \\ done",
                  name="Wang [b]Fang[/b] " + "长" * 40)  # fmt: skip
    path = tmp_path / "out.vcf"
    count = export_vcf(source, path, version)
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert len(cards) == count == source.db.execute(
        "SELECT count(*) FROM contacts WHERE deleted = 0").fetchone()[0]  # fmt: skip
    read = {card.uid.value.removeprefix("urn:uuid:"): card for card in cards}
    for contact_id in read:
        contact = source.require(Contact, contact_id)
        card = read[contact_id]
        customer = source.require(Customer, contact.customer_id)
        assert card.fn.value == contact.name
        assert card.org.value == [customer.name]
        assert (card.tel.value if contact.phone else None) == contact.phone
        assert (card.email.value if contact.email else None) == contact.email
        assert (card.note.value if contact.notes else None) == contact.notes


def test_export_then_import_loses_nothing(tmp_path: Path) -> None:
    source = open_store(tmp_path / "a.db")
    generate(source, shape=Shape(customers=20))
    target = open_store(tmp_path / "b.db")
    export_vcf(source, tmp_path / "out.vcf")
    apply_plan(target, plan_vcf_import(target, tmp_path / "out.vcf"), skip_bad=False)
    query = "SELECT id, name, title, phone, email, notes FROM contacts ORDER BY id"
    assert target.db.execute(query).fetchall() == source.db.execute(query).fetchall()


def _first_contact(store: Store) -> str:
    return str(store.db.execute("SELECT id FROM contacts ORDER BY id").fetchone()[0])


def test_a_card_without_fn_is_named_from_n(store: Store, acme: Customer, tmp_path: Path) -> None:
    cards = ("BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;;;\nORG:Acme Pumps\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nN:王;芳;;;\nORG:Acme Pumps\nEND:VCARD\n")  # fmt: skip
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, cards)), skip_bad=False)
    names = store.db.execute("SELECT name FROM contacts ORDER BY name").fetchall()
    assert names == [("John Smith",), ("王芳",)]
