"""Reading a spreadsheet's CSV export as it comes: UTF-8 (with or without the
BOM Excel writes) or GBK/GB18030 (Chinese Excel), separated by commas,
semicolons or tabs, whichever the header line uses."""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import later, tr
from workbench.interop.files import replacing

MAX_BYTES = 200 << 20  # a CSV over 200 MB is not a spreadsheet export
MAX_CELL = 100_000  # characters in one cell
_LAYOUTS = {",": later("comma-separated"), ";": later("semicolon-separated"),
            "\t": later("tab-separated")}  # fmt: skip
_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 reads every GBK file


class FileFormatError(ValueError):
    """Why a file cannot be read (as CSV, or vCard), in one line."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    encoding: str
    layout: str  # how the file lays records out: "comma-separated", "vCard"…
    unit: str = "row"  # what one record of the file is called
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (line, why): not in rows


def read_table(path: Path) -> Table:
    text, encoding = read_text(path)
    lines = text.splitlines(keepends=True)
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise FileFormatError(tr("{file} is empty", file=path.name))
    delimiter = max(_LAYOUTS, key=first.count)
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FileFormatError(tr("{file} line {line}: {error}", file=path.name,
                                    line=reader.line_num, error=error)) from None  # fmt: skip
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    (_, header), *rows = records
    header = [name.strip() for name in header]
    rows = [(line, [unguard(cell) for cell in row]) for line, row in rows]
    if len(set(header)) != len(header):
        twice = sorted({name for name in header if header.count(name) > 1})
        raise FileFormatError(tr("{file} has the column {name!r} twice", file=path.name,
                                    name=twice[0]))  # fmt: skip
    return Table(header, rows, encoding, _LAYOUTS[delimiter])


def read_text(path: Path, kind: str = "CSV") -> tuple[str, str]:
    """The file's text and encoding: UTF-16 with its BOM, UTF-8 (BOM or
    not), else GB18030."""
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except OSError as error:
        raise FileFormatError(tr("{path} cannot be read: {error}", path=path,
                                    error=error.strerror or error)) from None  # fmt: skip
    if data is None:
        raise FileFormatError(tr("{file} is over {size} MB; split it", file=path.name,
                                    size=MAX_BYTES >> 20))  # fmt: skip
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileFormatError(tr("{file} starts as UTF-16 text but is not",
                                     file=path.name)) from None  # fmt: skip
    if b"\x00" in data[:4096]:
        if kind == "CSV":
            raise FileFormatError(tr("{file} is not a CSV text file (an .xlsx? save it as CSV)",
                                     file=path.name))  # fmt: skip
        raise FileFormatError(tr("{file} is not a {kind} text file", file=path.name, kind=kind))
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    raise FileFormatError(tr("{file} is neither UTF-8 nor GBK text", file=path.name))


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """UTF-8 with a BOM, so Excel opens non-ASCII text right; written to a
    temporary file first and renamed, so a crash never leaves half a file.
    No cell runs as a formula (`guard`)."""
    with replacing(path, encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows([guard(cell) for cell in row] for row in rows)


# A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first),
# also behind apostrophes: OWASP's CSV injection. An apostrophe in front
# makes it text (and is not shown); reading takes one off again.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def guard(cell: str) -> str:
    """A cell as a spreadsheet shows it as text: "=HYPERLINK(…)" as "'=HYPERLINK(…)"."""
    return f"'{cell}" if _FORMULA.match(cell) else cell


def unguard(cell: str) -> str:
    """A cell as written before `guard`: exactly, whatever it held."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell
