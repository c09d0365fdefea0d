"""What a vCard says, as phones and mail programs write it: 2.1 (Outlook,
older Android: quoted-printable in any charset, folds that keep their space,
base64 blocks without indent), 3.0 (RFC 2426) and 4.0 (RFC 6350).

A card becomes the cells of one contacts import row (`CELLS`). A contact
holds one phone and one e-mail, the preferred ones; everything else a rep
may want (the other phones and e-mails, nickname, department, address,
web site, birthday…) goes into its notes, a labelled line each, so nothing
the card says about the person is lost. Photos, logos, sounds and keys, and
a program's bookkeeping (REV, PRODID, X- properties) are not kept.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator

from workbench.domain.fields import looks_like_phone
from workbench.i18n import later, tr
from workbench.interop.content_lines import Property, components, parse, unescape
from workbench.interop.csv_text import FileFormatError, looks_like_gbk

CUSTOMER_ID = "X-WORKBENCH-CUSTOMER"
# The cells of a card's import row, named as the card names them.
CELLS = ("UID", "WORKBENCH-ID", CUSTOMER_ID, "ORG", "FN", "TITLE", "TEL", "EMAIL", "NOTE")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030"}  # (phones say GB2312 and write GBK)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]+")
_CARD_EDGE = re.compile(r"(BEGIN|END):VCARD", re.IGNORECASE)
# What goes into the notes, in this order, and how each line is labelled.
_EXTRAS = {
    "NICKNAME": later("Nickname"),
    "ROLE": later("Role"),
    "ADR": later("Address"),
    "URL": later("Website"),
    "BDAY": later("Birthday"),
    "ANNIVERSARY": later("Anniversary"),
    "IMPP": later("Chat"),
}


class CardError(ValueError):
    """Why one card cannot be read (its other cards still can)."""


def cards(text: str, name: str) -> Iterator[tuple[int, list[Property]]]:
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
            raise FileFormatError(
                tr(
                    "{file} line {line}: {text!r} is not vCard",
                    file=name,
                    line=line,
                    text=content[:40],
                )
            ) from None
        if found.name == "END":
            yield start, card
            card = None
        else:
            card.append(found)
    if card is not None:
        raise FileFormatError(
            tr("{file}: the card from line {line} has no END:VCARD", file=name, line=start)
        )


def unfold(text: str) -> list[tuple[int, str]]:
    """The logical lines of a file with the line number each starts on,
    blank lines dropped. A line that starts with a space or tab continues
    the one before (3.0 and 4.0 drop that space, 2.1 keeps it); so does the
    line after a quoted-printable value's soft break ('=' at the end), and in
    2.1 a base64 block's unindented lines, up to the blank line ending it."""
    lines: list[tuple[int, str]] = []
    keeps_space = after_blank = False  # (2.1 folds as e-mail headers do)
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if lines and (joined := _continued(lines[-1][1], raw, keeps_space, after_blank)):
            lines[-1] = (lines[-1][0], joined)
        elif raw.strip():
            lines.append((number, raw))
            upper = raw.strip().upper()
            if upper == "BEGIN:VCARD" or upper.startswith("VERSION:"):
                keeps_space = upper == "VERSION:2.1"
        after_blank = not raw.strip()
    return lines


def _continued(last: str, raw: str, keeps_space: bool, after_blank: bool) -> str | None:
    """`last` with `raw` joined to it, if `raw` continues it. A soft break
    joins whatever follows ("Email: …" inside a note too), except the card's
    end: a stray '=' must not swallow END:VCARD and the card after it."""
    if last.endswith("=") and "QUOTED-PRINTABLE" in last.upper():
        return None if _CARD_EDGE.fullmatch(raw.strip()) else last[:-1] + raw
    if raw[:1] in (" ", "\t"):
        return last + (raw if keeps_space else raw[1:])
    head = last.partition(":")[0].upper()
    if keeps_space and not after_blank and "BASE64" in head and _BASE64.fullmatch(raw.strip()):
        return last + raw.strip()
    return None


def cells(card: list[Property]) -> dict[str, str]:
    """The card's values by import cell (see CELLS). Raises CardError."""
    values: dict[str, list[str]] = {}
    for found in sorted(card, key=_rank):
        values.setdefault(found.name, []).append(_decoded(found))
    uid = _first(values, "UID").removeprefix("urn:uuid:")
    ours = CUSTOMER_ID in values  # a card we wrote: its UID is our contact id
    phones = [_phone(unescape(phone)) for phone in values.get("TEL", [])]
    phones, not_numbers = (
        [p for p in phones if looks_like_phone(p)],
        [p for p in phones if p and not looks_like_phone(p)],
    )  # ("ask reception", an Outlook template's "BusinessPhone"): kept as written, in notes
    emails = [unescape(email).removeprefix("mailto:").strip() for email in values.get("EMAIL", [])]
    orgs = [components(org) for org in values.get("ORG", [])] or [[""]]
    notes = [unescape(note) for note in values.get("NOTE", [])]
    if extra := phones[1:] + emails[1:]:
        notes.append(tr("Also: {values}", values=", ".join(extra)))
    notes += [tr("Phone: {value}", value=text) for text in not_numbers]
    notes += _extras(values, orgs)
    return {
        "UID": "" if ours else uid,
        "WORKBENCH-ID": uid if ours else "",
        CUSTOMER_ID: _first(values, CUSTOMER_ID),
        "ORG": orgs[0][0].strip(),
        "FN": unescape(_first(values, "FN")) or _name(values),
        "TITLE": unescape(_first(values, "TITLE")),
        "TEL": phones[0] if phones else "",
        "EMAIL": emails[0] if emails else "",
        "NOTE": "\n".join(note for note in notes if note.strip()),
    }


def _rank(found: Property) -> int:
    """How preferred a value is: 4.0's PREF=1 (most) to 100, 2.1 and 3.0's
    PREF or TYPE=pref as 1, others last (kept in the card's order)."""
    pref = found.params.get("PREF")
    if pref and pref[0].isdigit():
        return int(pref[0])
    return 1 if pref is not None or "pref" in found.types() else 101


def _decoded(found: Property) -> str:
    """The value as text: quoted-printable decoded in its CHARSET (or, with
    none, UTF-8, else GBK or Windows-1252 as the bytes are), line breaks as \\n."""
    if not (
        {"QUOTED-PRINTABLE"}
        & ({v.upper() for v in found.params.get("ENCODING", [])} | found.params.keys())
    ):
        return _lines(found.value)
    raw = quopri.decodestring(found.value.encode())
    named = [_WIDER.get(charset.lower(), charset) for charset in found.params.get("CHARSET", [])]
    charsets = [*named, "utf-8"]
    if not named:  # Chinese phones write GBK, Outlook Windows-1252 (latin-1: its 5 gaps)
        charsets += ["gb18030"] if looks_like_gbk(raw) else ["cp1252", "latin-1"]
    for charset in charsets:
        try:
            return _lines(raw.decode(charset))
        except (LookupError, UnicodeDecodeError):
            continue
    raise CardError(
        tr("{name} is not {charset} text, as the card says", name=found.name, charset=charsets[0])
    )


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first(values: dict[str, list[str]], name: str) -> str:
    return values.get(name, [""])[0].strip()


def _phone(value: str) -> str:
    """A TEL as written, or a tel: URI's number (with its extension)."""
    if not value.lower().startswith("tel:"):
        return value.strip()
    number, _, params = value[4:].partition(";")
    extension = next((p[4:] for p in params.split(";") if p.lower().startswith("ext=")), "")
    return f"{number} ext. {extension}" if extension else number


def _name(values: dict[str, list[str]]) -> str:
    """A name from N (family;given;middle;prefix;suffix): 王芳, or
    Dr. John Quincy Doe Jr.; else the first nickname."""
    family, given, middle, prefix, suffix, *_ = [
        part.replace(",", " ").strip() for part in [*components(_first(values, "N")), *[""] * 5]
    ]
    if _CJK.search(family + given):
        return family + given + middle  # Chinese names: family name first, no space
    name = " ".join(part for part in (prefix, given, middle, family, suffix) if part)
    return name or components(_first(values, "NICKNAME"), ",")[0].strip()


def _extras(values: dict[str, list[str]], orgs: list[list[str]]) -> list[str]:
    """A labelled line for each value the contact has no field for."""
    lines = []
    if department := ", ".join(part.strip() for part in orgs[0][1:] if part.strip()):
        lines.append(tr("Department: {value}", value=department))
    for org in orgs[1:]:
        lines.append(tr("Also at: {value}", value=", ".join(p for p in org if p.strip())))
    texts = {name: [unescape(value) for value in values.get(name, [])] for name in _EXTRAS}
    texts["NICKNAME"] = [", ".join(components(v, ",")) for v in values.get("NICKNAME", [])]
    texts["ADR"] = [_address(adr) for adr in values.get("ADR", [])] or [
        unescape(label).replace("\n", ", ") for label in values.get("LABEL", [])
    ]  # (a 2.1 LABEL is the address written out)
    texts["BDAY"], texts["ANNIVERSARY"] = (
        [_date(t) for t in texts[name]] for name in ("BDAY", "ANNIVERSARY")
    )
    for name, label in _EXTRAS.items():
        kept = dict.fromkeys(text.strip() for text in texts[name])  # (the same URL twice: once)
        lines += [f"{tr(label)}: {text}" for text in kept if text]
    return lines


def _address(value: str) -> str:
    """ADR (box; extended; street; city; region; code; country) on one line."""
    parts = [part.replace("\n", ", ").strip() for part in components(value)]
    return ", ".join(part for part in parts if part)


def _date(text: str) -> str:
    """19800321 as 1980-03-21; any other form as written."""
    text = text.strip()
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text
