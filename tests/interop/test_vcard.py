"""vCards: what we write, read back with `vobject` as an address book would;
what phones and mail programs write (3.0, 4.0, even 2.1), read in."""

from pathlib import Path

import pytest
import vobject

from tests.sync.bundles import dump
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
    assert fang.notes == (
        "Met at the Shanghai fair; likes early calls\nAlso: +86 21 5555 0199\n"
        "Department: Purchasing"
    )  # ORG's second part: nothing dropped
    na = contact_named(store, "李娜")
    assert na.phone == "+86-138-0000-2222"
    person = store.require(Customer, na.customer_id)
    assert (person.name, person.kind) == ("李娜", CustomerKind.PERSON)  # no ORG: a private person
    report = plan.report()
    assert "accepted 2 cards: 2 new, 0 already here (their empty fields filled)" in report
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
    card = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:zhao lei\nORG:Acme Pumps\nTITLE:Finance\n"
        "EMAIL:zl@acme.cn\nEND:VCARD\n"
    )
    plan = plan_vcf_import(store, vcf(tmp_path, card))
    assert "  line 1: Zhao Lei (same name)" in plan.report()
    apply_plan(store, plan, skip_bad=False)
    now = store.require(Contact, held.id)
    assert (now.title, now.email) == ("CFO", "zl@acme.cn")
    assert store.db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1


def test_vcard_2_1_quoted_printable_in_gbk(store: Store, me: Rep, tmp_path: Path) -> None:
    name = "张伟".encode("gbk").hex("=").upper()
    card = (
        f"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:={name};;;;\r\n"
        "TEL;CELL;PREF:13900001111\r\nEND:VCARD\r\n"
    )
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
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Good One\nORG:Acme\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nORG:Acme\nEMAIL:not-an-address\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nORG:Acme\nEND:VCARD\n"
    )
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
    source.update(
        Contact,
        _first_contact(source),
        notes="Line one,\nline two; \\ done",
        name="Wang [b]Fang[/b] " + "长" * 40,
    )
    path = tmp_path / "out.vcf"
    count = export_vcf(source, path, version)
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert (
        len(cards)
        == count
        == source.db.execute("SELECT count(*) FROM contacts WHERE deleted = 0").fetchone()[0]
    )
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


def test_an_older_export_read_again_overwrites_nothing(tmp_path: Path) -> None:
    """Our cards carry the contact's id: read back after the contact changed
    here, one used to put the old phone back without a word."""
    store = open_store(tmp_path / "a.db")
    generate(store, shape=Shape(customers=20))
    export_vcf(store, tmp_path / "old.vcf")
    first = _first_contact(store)
    store.update(Contact, first, phone="+86 139 0000 0000", title=None)
    plan = plan_vcf_import(store, tmp_path / "old.vcf")
    apply_plan(store, plan, skip_bad=False)
    contact = store.require(Contact, first)
    assert contact.phone == "+86 139 0000 0000"  # kept, and said
    assert contact.title is None  # emptied here: not filled again
    (kept,) = [line for line in plan.report() if contact.name in line]
    assert "(Title, Phone)" in kept
    assert "1 card unlike what is here: what is here is kept" in "\n".join(plan.report())


def _first_contact(store: Store) -> str:
    return str(store.db.execute("SELECT id FROM contacts ORDER BY id").fetchone()[0])


def test_a_card_without_fn_is_named_from_n(store: Store, acme: Customer, tmp_path: Path) -> None:
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;;;\nORG:Acme Pumps\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nN:王;芳;;;\nORG:Acme Pumps\nEND:VCARD\n"
    )
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, cards)), skip_bad=False)
    names = store.db.execute("SELECT name FROM contacts ORDER BY name").fetchall()
    assert names == [("John Smith",), ("王芳",)]


def card(*lines: str, version: str = "2.1") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            card("FN;CHARSET=UTF-8;QUOTED-PRINTABLE:=E5=BC=A0=E4=BC=9F"),  # a bare QUOTED-PRINTABLE
            {"name": "张伟"},
        ),
        (
            card("FN;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller"),  # no charset: Windows-1252
            {"name": "Jürgen Müller"},
        ),
        (
            card("FN:Ann", "NOTE;ENCODING=QUOTED-PRINTABLE:Met at=0D=0A=", "the fair"),
            {"name": "Ann", "notes": "Met at\nthe fair"},
        ),  # a line break, and a soft break
        (
            card("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9=") + card("FN:Bo"),
            {"name": "René"},
        ),  # a stray '=' does not swallow END:VCARD and the next card
        (
            card(
                "FN:Ann",
                "EMAIL:ann@x.cn",
                "NOTE;ENCODING=QUOTED-PRINTABLE:Call=0D=0A=",
                "Email: other@x.cn",
                "NOTE;QUOTED-PRINTABLE:Meeting locatio=",
                "n: Shanghai",
                "NOTE;QUOTED-PRINTABLE:abc=",
                " def",
            ),  # a soft break joins whatever follows
            {
                "email": "ann@x.cn",
                "notes": "Call\nEmail: other@x.cn\nMeeting location: Shanghai\nabc def",
            },
        ),
        (
            card("FN;ENCODING=QUOTED-PRINTABLE:=" + "张三".encode("gbk").hex("=").upper()),
            {"name": "张三"},
        ),  # GBK with no CHARSET: not Windows-1252's "ÕÅÈý"
        (
            card(
                "FN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:="
                + "王喆".encode("gbk").hex("=").upper()
            ),
            {"name": "王喆"},
        ),  # 喆 is GBK, not GB2312
        (card("FN:Peter", " Bui"), {"name": "Peter Bui"}),  # 2.1 folds keep their space
        (card("FN:Pe", " ter", version="3.0"), {"name": "Peter"}),  # 3.0 folds do not
        (
            card("FN:Kim", "EMAIL;PREF=2:two@x.cn", "EMAIL;PREF=1:one@x.cn", version="4.0"),
            {"email": "one@x.cn", "notes": "Also: two@x.cn"},
        ),
        (
            card("FN:Kim", "TEL;VALUE=uri:tel:+1-418-656-9254;ext=102", version="4.0"),
            {"phone": "+1-418-656-9254 ext. 102"},
        ),
        (card("N:Doe;John;Quincy;Dr.;Jr.", version="3.0"), {"name": "Dr. John Quincy Doe Jr."}),
        (
            card("NICKNAME:Sunny,Sun", version="3.0"),
            {"name": "Sunny", "notes": "Nickname: Sunny, Sun"},
        ),
        (
            card("FN:Ann", "TEL;WORK:ask reception"),
            {"phone": None, "notes": "Phone: ask reception"},
        ),
        (
            card(
                "FN:Ann",
                "ORG:Acme;Sales;EMEA",
                "ORG:Beta",
                "ADR;WORK:;;1 Main St;Austin;TX;;USA",
                "URL:https://a.example",
                "BDAY:19800321",
                version="3.0",
            ),
            {
                "customer": "Acme",
                "notes": "Department: Sales, EMEA\nAlso at: Beta\n"
                "Address: 1 Main St, Austin, TX, USA\nWebsite: https://a.example\n"
                "Birthday: 1980-03-21",
            },
        ),
    ],
)
def test_cards_as_phones_and_mail_programs_write_them(
    store: Store, me: Rep, tmp_path: Path, text: str, expected: dict[str, object]
) -> None:
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, text)), skip_bad=False)
    row = store.db.execute(
        "SELECT c.name, c.phone, c.email, c.notes, cu.name AS customer FROM contacts c "
        "JOIN customers cu ON cu.id = c.customer_id ORDER BY c.rowid LIMIT 1"
    ).fetchone()
    got = dict(zip(("name", "phone", "email", "notes", "customer"), row, strict=True))
    assert {name: got[name] for name in expected} == expected


def test_a_value_not_in_its_declared_charset_refuses_its_card(
    store: Store, me: Rep, tmp_path: Path
) -> None:
    text = card("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=80") + card("FN:Bo")
    plan = plan_vcf_import(store, vcf(tmp_path, text))
    assert plan.rejected == [(1, "FN is not UTF-8 text, as the card says")]
    apply_plan(store, plan, skip_bad=True)
    assert "FN is not UTF-8" in plan.rejects_path.read_text(encoding="utf-8-sig")
    assert contact_named(store, "Bo")


def test_a_utf16_file_is_read(store: Store, me: Rep, tmp_path: Path) -> None:
    text = "\ufeff" + card("FN:Anna Schmidt", "ORG:Müller GmbH", version="3.0")
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, text, "utf-16-le")), skip_bad=False)
    assert contact_named(store, "Anna Schmidt")


@pytest.mark.parametrize(
    ("name", "n"),
    [
        ("Fang Wang", "Wang;Fang;;;"),
        ("王芳", "王;芳;;;"),
        ("欧阳娜娜", "欧阳;娜娜;;;"),
        ("王 芳", "王;芳;;;"),
        ("Kim", "Kim;;;;"),
        ("John Smith Jr.", "Smith;John;;;Jr."),
        ("Dr. John Quincy Doe Jr.", "Doe;John;Quincy;Dr.;Jr."),
        ("Dr.", "Dr.;;;;"),
    ],
)
def test_export_writes_n_from_the_names_parts(tmp_path: Path, name: str, n: str) -> None:
    store = open_store(tmp_path / "a.db")
    acme = store.add(Customer(name="Acme"))
    store.add(Contact(customer_id=acme.id, name=name))
    export_vcf(store, tmp_path / "out.vcf")
    (read,) = vobject.readComponents((tmp_path / "out.vcf").read_text(encoding="utf-8"))
    assert read.n.serialize().strip().removeprefix("N:") == n


def test_many_cards_under_one_company_fold_its_search_text_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The customer's search text holds all its contacts: rebuilding it for
    each card made 4,000 cards take 40 s and 20,000 over five minutes."""
    from workbench.store import migrate

    folded: list[str] = []
    monkeypatch.setattr(migrate, "fold", lambda text: folded.append(text) or text.casefold())
    store = open_store(tmp_path / "many.db")
    text = "".join(
        card(f"FN:Person {i}", "ORG:Acme Pumps", f"EMAIL:p{i}@acme.cn", version="3.0")
        for i in range(500)
    )
    apply_plan(store, plan_vcf_import(store, vcf(tmp_path, text)), skip_bad=False)
    assert len(folded) <= 2  # (not once per card)
    (found,) = store.db.execute(
        "SELECT count(*) FROM customer_search WHERE customer_search MATCH 'p499'"
    ).fetchone()
    assert found == 1  # and the last card is found
