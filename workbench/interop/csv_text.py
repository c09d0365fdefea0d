"""Reading a spreadsheet's CSV export as it comes: UTF-8 (with or without the
BOM Excel writes), UTF-16, GBK/GB18030 (Chinese Excel) or Windows-1252
(Excel elsewhere), separated by commas, semicolons or tabs, whichever the
header line uses."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.i18n import later, tr
from workbench.interop.files import replacing

MAX_BYTES = 200 << 20  # a CSV over 200 MB is not a spreadsheet export
MAX_CELL = 100_000  # characters in one cell
_LAYOUTS = {
    ",": later("comma-separated"),
    ";": later("semicolon-separated"),
    "\t": later("tab-separated"),
}


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
    lines = io.StringIO(text, newline="")  # only CR and LF end a row (not U+2028, not \f)
    first = next((line for line in lines if line.strip()), "")
    lines.seek(0)
    if not first:
        raise FileFormatError(tr("{file} is empty", file=path.name))
    delimiter = max(_LAYOUTS, key=first.count)
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FileFormatError(
            tr("{file} line {line}: {error}", file=path.name, line=reader.line_num, error=error)
        ) from None
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    (_, header), *rows = records
    header = [name.strip() for name in header]
    rows = [(line, [unguard(cell) for cell in row]) for line, row in rows]
    if len(set(header)) != len(header):
        twice = sorted({name for name in header if header.count(name) > 1})
        raise FileFormatError(
            tr("{file} has the column {name!r} twice", file=path.name, name=twice[0])
        )
    return Table(header, rows, encoding, _LAYOUTS[delimiter])


def read_text(path: Path, kind: str = "CSV") -> tuple[str, str]:
    """The file's text and encoding: UTF-16 with its BOM, UTF-8 (BOM or
    not), GBK or Windows-1252."""
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except OSError as error:
        raise FileFormatError(
            tr("{path} cannot be read: {error}", path=path, error=error.strerror or error)
        ) from None
    if data is None:
        raise FileFormatError(
            tr("{file} is over {size} MB; split it", file=path.name, size=MAX_BYTES >> 20)
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileFormatError(
                tr("{file} starts as UTF-16 text but is not", file=path.name)
            ) from None
    if b"\x00" in data[:4096]:
        if kind == "CSV":
            raise FileFormatError(
                tr("{file} is not a CSV text file (an .xlsx? save it as CSV)", file=path.name)
            )
        raise FileFormatError(tr("{file} is not a {kind} text file", file=path.name, kind=kind))
    return _decoded(data, path.name)


def _decoded(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 if every line is; else GBK (read as GB18030, which holds it) or
    Windows-1252, whichever the bytes are. A file whose lines are UTF-8 but
    for some, or that fits neither, is refused at its first odd line: a guess
    would garble every name on it without a word."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8 = [_is_utf8(line) for line in lines]
    if any(ok and not line.isascii() for ok, line in zip(utf8, lines, strict=True)):
        raise FileFormatError(
            tr(
                "{file} line {line} is not UTF-8 like the rest of the file "
                "(pasted from a GBK or Windows file?); save it as UTF-8",
                file=name,
                line=utf8.index(False) + 1,
            )
        )
    if looks_like_gbk(data):
        return data.decode("gb18030"), "gb18030"
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileFormatError(
            tr(
                "{file} line {line} is neither UTF-8, GBK nor Windows-1252 text",
                file=name,
                line=line,
            )
        ) from None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def looks_like_gbk(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 are GBK: Chinese text is pairs of
    bytes from 0xA1 up (GB2312's characters); Windows-1252's accented
    letters stand alone, before ASCII ("M\xfcller"), which GBK would read
    as a rare character ("M黮ler")."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [char for char in text if not char.isascii()]
    common = sum(all(byte >= 0xA1 for byte in char.encode("gb18030")) for char in wide)
    return bool(wide) and common >= 0.9 * len(wide)


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
