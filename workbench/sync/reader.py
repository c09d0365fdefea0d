"""Reading a bundle file without trusting it and without holding it in memory.

The JSON text is read a megabyte at a time and the change list is taken one
object at a time, so a bundle of millions of changes needs little memory.
Every change is checked (the strict `Change` model, then its value against
the record model, see `values`) and handed on in batches as `changes` table
rows; the header is checked for format and schema version as soon as it is
read; the count, checksum and clock stamps are checked at the end. Anything
wrong raises BundleError with one line naming what and where. The caller
decides what a batch is for (the importer stages it inside a transaction
it rolls back on any error).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from workbench.domain.hlc import MAX_DRIFT_MS, Stamp
from workbench.i18n import tr
from workbench.store.log_text import json_text
from workbench.store.schema import ENTITIES
from workbench.sync.bundle import (
    FORMAT_VERSION,
    MAX_CHANGE_CHARS,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    Change,
    Digest,
    Header,
)
from workbench.sync.values import bad_id, check_for, id_check_for, literal

READ_CHARS = 1 << 20
BATCH = 5000
MAX_HEADER_CHARS = 1 << 20
MAX_DEPTH = 4  # a value is a scalar, a list of scalars or an object of them: 2 levels at most
MAX_MESSAGE = 400  # characters in a refusal: one line a rep can read
_INVISIBLE = {"Cf", "Zl", "Zp"}  # format characters and line or paragraph separators
_LAST_MS = int(datetime.max.replace(tzinfo=UTC).timestamp() * 1000)  # a stamp's latest moment
_BLANK = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_CHANGE: TypeAdapter[Change] = TypeAdapter(Change)
_CHANGES: TypeAdapter[list[Change]] = TypeAdapter(list[Change])

Row = tuple[str, int, str, str, str, str, str, str | None]  # a `changes` table row
Progress = Callable[[int, int], None]  # (bytes read, bytes in the file)


class BundleError(ValueError):
    """What is wrong with a bundle, in one line: the bundle's own text in it
    shown literally (control characters as symbols, invisible ones such as
    a right-to-left override as escapes), and a long line cut in the middle,
    so a name or value from the file can neither break nor bury the reason."""

    def __init__(self, problem: str) -> None:
        super().__init__(_one_line(problem))


def _one_line(text: str) -> str:
    if len(text) > MAX_MESSAGE:
        text = f"{text[: MAX_MESSAGE * 2 // 3]}…{text[-(MAX_MESSAGE // 3) :]}"
    shown = literal(text, multiline=False)
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in _INVISIBLE else char
        for char in shown
    )


def read_bundle(
    path: Path,
    take: Callable[[list[Row]], None],
    *,
    now: datetime,
    schema_version: str | None,
    progress: Progress | None = None,
    checked_header: Callable[[Header], None] | None = None,
) -> Header:
    """Check the bundle at `path`, giving its changes to `take` in batches;
    return its header (also given to `checked_header` once checked, before
    the changes if it comes first, as Workbench writes it). Raises
    BundleError at the first problem."""
    with _text(path, progress) as text:
        return _Reader(text, take, now, schema_version, checked_header).read()


# --- the file as text --------------------------------------------------------


@contextmanager
def _text(path: Path, progress: Progress | None) -> Iterator[_Text]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES >> 20
            raise BundleError(
                tr(
                    "is {size} MB; bundles over {limit} MB are refused",
                    size=f"{size >> 20:,}",
                    limit=f"{limit:,}",
                )
            )
        with path.open("rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream: io.BufferedIOBase = gzip.GzipFile(fileobj=raw) if compressed else raw
            yield _Text(_chunks(stream, raw, size, progress))
    except OSError as error:  # includes gzip.BadGzipFile
        raise BundleError(tr("cannot be read: {error}", error=error.strerror or error)) from None
    except (EOFError, zlib.error):
        raise BundleError(tr("is a damaged or cut-short compressed file")) from None
    except UnicodeDecodeError:
        raise BundleError(tr("is not UTF-8 text")) from None


def _chunks(
    stream: io.BufferedIOBase, raw: io.BufferedIOBase, size: int, progress: Progress | None
) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    total = 0
    while data := stream.read(READ_CHARS):
        total += len(data)
        if total > MAX_TEXT_CHARS:
            raise BundleError(
                tr("holds more than {size} MB of text; refused", size=MAX_TEXT_CHARS >> 20)
            )
        if progress:
            progress(raw.tell(), size)
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


class _Text:
    """A window over the file's text: `pos` is the next character to read."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped from the front of buf
        self.eof = False
        self._slow_until = 0  # (from the file's start) where `lines` may try again

    def _more(self) -> bool:
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not blank ('' at the end)."""
        if self.pos < len(self.buf) and self.buf[self.pos] not in " \t\n\r":
            return self.buf[self.pos]  # the common case, kept quick
        while True:
            match = _BLANK.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf) or self.eof or not self._more():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, chars: str) -> str:
        found = self.peek()
        if not found or found not in chars:
            raise self.error(tr("expected {chars}", chars=" / ".join(map(repr, chars))))
        self.pos += 1
        return found

    def value(self, limit: int) -> tuple[Any, str]:
        """The next JSON value and its text, reading on until it is whole."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:  # Python's decoder recurses once per level
                raise self.error(
                    tr("a value nested more than {count} levels deep", count=f"{MAX_DEPTH}")
                ) from None
            except json.JSONDecodeError as error:
                # With more than `limit` characters in hand, a value that fits
                # is whole: the text itself is wrong. Otherwise read on.
                if len(self.buf) - self.pos > limit or self.eof or not self._more():
                    cut = error.pos >= len(self.buf) - 1 or error.msg.startswith("Unterminated")
                    raise self.error(error.msg, at=error.pos, cut=cut) from None
                continue
            if end < len(self.buf) or self.eof or not self._more():  # a number may go on
                break
        text = self.buf[self.pos : end]
        if len(text) > limit:
            raise self.error(tr("a value longer than {limit} characters", limit=f"{limit:,}"))
        self.pos = end
        return value, text

    def lines(self, most: int, parse: Callable[[str], list[Any]]) -> list[tuple[Any, str]]:
        """The quick way through a change list as Workbench writes it, one
        change and its comma per line: up to `most` such lines parsed in one
        call of `parse` (given them as a JSON list), with their text. Nothing
        if the text ahead is laid out otherwise or `parse` raises ValueError
        (then `value` reads it, and says what is wrong if it is)."""
        if self.peek() != "{" or self.base + self.pos < self._slow_until:
            return []
        stop = self.buf.rfind("\n", self.pos)
        taken: list[str] = []
        for line in self.buf[self.pos : max(stop, self.pos)].split("\n", most)[:most]:
            if not (line.startswith("{") and line.endswith(",")) or len(line) > MAX_CHANGE_CHARS:
                break
            taken.append(line[:-1])
        try:
            values = parse("[" + ",".join(taken) + "]") if taken else []
        except ValueError:
            values = []
        if len(values) != len(taken) or not values:
            self._slow_until = self.base + stop  # read this stretch one value at a time
            return []
        self.pos += sum(len(line) + 2 for line in taken)  # each with its comma and newline
        return list(zip(values, taken, strict=True))

    def error(self, problem: str, at: int | None = None, cut: bool = False) -> BundleError:
        if self.eof and (cut or self.pos >= len(self.buf)):
            return BundleError(tr("ends too early: the file is cut short (truncated)"))
        where = self.base + (self.pos if at is None else at) + 1
        return BundleError(
            tr(
                "is not a valid bundle at character {where}: {problem}",
                where=f"{where:,}",
                problem=problem,
            )
        )


# --- the bundle --------------------------------------------------------------


class _Reader:
    def __init__(
        self,
        text: _Text,
        take: Callable[[list[Row]], None],
        now: datetime,
        schema_version: str | None,
        checked_header: Callable[[Header], None] | None,
    ) -> None:
        self.text = text
        self.take = take
        self.checked_header = checked_header
        self.latest_ms = int(now.timestamp() * 1000) + MAX_DRIFT_MS
        self.schema_version = schema_version
        self.header: Header | None = None
        self.digest = Digest()
        self.count = 0

    def read(self) -> Header:
        seen: set[str] = set()
        self.text.expect("{")
        while self.text.peek() != "}":
            if seen:
                self.text.expect(",")
            key, _ = self.text.value(100)
            if key not in ("header", "changes") or key in seen:
                if key in seen:
                    raise self.text.error(tr("unexpected repeated key {key!r}", key=key))
                raise self.text.error(tr("unexpected key {key!r}", key=key))
            seen.add(key)
            self.text.expect(":")
            self._header() if key == "header" else self._changes()
        self.text.expect("}")
        if self.text.peek():
            raise self.text.error(tr("more text after the bundle"))
        if self.header is None or "changes" not in seen:
            raise BundleError(tr("has no header") if self.header is None else tr("has no changes"))
        return self._finish(self.header)

    def _header(self) -> None:
        _, text = self.text.value(MAX_HEADER_CHARS)
        try:
            header = Header.from_text(text)
        except ValidationError as error:
            version = _version_in(text)
            if version is not None and version > FORMAT_VERSION:
                raise _newer(tr("bundle format {version}", version=version)) from None
            raise BundleError(
                tr("has a bad header: {problem}", problem=_first_error(error))
            ) from None
        if header.format_version > FORMAT_VERSION:
            raise _newer(tr("bundle format {version}", version=header.format_version))
        if _number(header.schema_version) > _number(self.schema_version):
            raise _newer(tr("schema {version}", version=header.schema_version))
        self.header = header
        if self.checked_header:
            self.checked_header(header)

    def _changes(self) -> None:
        text = self.text
        batch: list[tuple[Any, str]] = []
        text.expect("[")
        if text.peek() == "]":
            text.pos += 1
            return
        while True:
            if lines := text.lines(BATCH - len(batch), self._parse_checked):
                batch += lines
            else:
                value, change = text.value(MAX_CHANGE_CHARS)
                batch.append((self._checked(value, self.count + len(batch)), change))
                if text.expect(",]") == "]":
                    break
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        self._batch(batch)

    def _batch(self, batch: list[tuple[Any, str]]) -> None:
        if not batch:
            return
        values = [value for value, _ in batch]
        value_texts = self._check_values(values)
        self._check_clocks(values)
        self.digest.add([text for _, text in batch])
        self.take([_row(change, text) for change, text in zip(values, value_texts, strict=True)])
        self.count += len(batch)

    @staticmethod
    def _parse_checked(text: str) -> list[Change]:
        """A JSON list of changes parsed and checked in one go (in pydantic's
        Rust core: ~40% quicker than json.loads, then checking)."""
        return _CHANGES.validate_json(text, strict=True)

    @staticmethod
    def _checked(value: Any, index: int) -> Change:
        try:
            return _CHANGE.validate_python(value, strict=True)
        except ValidationError as error:
            problem = _first_error(error)
            raise BundleError(
                tr(
                    "has a bad change (number {number}): {problem}",
                    number=f"{index + 1:,}",
                    problem=problem,
                )
            ) from None

    def _check_values(self, changes: list[Change]) -> list[str]:
        """Each change's value checked and made literal, as JSON text."""
        texts = [""] * len(changes)
        by_field: dict[tuple[str, str], list[int]] = {}
        for index, change in enumerate(changes):
            by_field.setdefault((change["entity"], change["field"]), []).append(index)
        for (entity, field), indexes in by_field.items():
            number = f"{self.count + indexes[0] + 1:,}"
            if entity not in ENTITIES:
                raise BundleError(
                    tr(
                        "has a change (number {number}) to {entity!r}, a kind of "
                        "record this version does not know",
                        number=number,
                        entity=entity,
                    )
                )
            if field not in ENTITIES[entity].fields:
                raise BundleError(
                    tr(
                        "has a change (number {number}) to {field}, a field this "
                        "version does not know",
                        number=number,
                        field=f"{entity}.{field}",
                    )
                )
            if entity == "device_claims":
                self._claims_own_device(changes, indexes)
            for index in indexes if id_check_for(entity) else ():
                if problem := bad_id(entity, changes[index]["row_id"]):
                    raise BundleError(
                        tr(
                            "has a change (number {number}) to a record of {entity} "
                            "with a bad id: {problem}",
                            entity=entity,
                            number=f"{self.count + index + 1:,}",
                            problem=problem,
                        )
                    )
            deep = next((i for i in indexes if _too_deep(changes[i].get("value"))), None)
            if deep is not None:
                raise BundleError(
                    tr(
                        "has a value nested more than {count} levels deep (change number {number})",
                        count=MAX_DEPTH,
                        number=f"{self.count + deep + 1:,}",
                    )
                )
            try:
                cleaned = check_for(entity, field).clean([changes[i].get("value") for i in indexes])
            except ValidationError as error:
                at = error.errors()[0]["loc"]  # (empty if the list as a whole is wrong)
                index = indexes[int(at[0]) if at else 0]
                raise BundleError(
                    tr(
                        "has a bad value for {field} (change number {number}): {problem}",
                        field=f"{entity}.{field}",
                        number=f"{self.count + index + 1:,}",
                        problem=_first_error(error, skip=1),
                    )
                ) from None
            for index, text in zip(indexes, cleaned, strict=True):
                texts[index] = text
        return texts

    def _claims_own_device(self, changes: list[Change], indexes: list[int]) -> None:
        """A device says whose it is for itself alone: a claim under another
        device's id would let any device change any rep's own fields."""
        for index in indexes:
            if changes[index]["row_id"] != changes[index]["origin"]:
                raise BundleError(
                    tr(
                        "has a change (number {number}) by device {origin} saying "
                        "whose computer device {device} is: only a device says that "
                        "of itself; the file is damaged or forged",
                        number=f"{self.count + index + 1:,}",
                        origin=changes[index]["origin"],
                        device=changes[index]["row_id"],
                    )
                )

    def _check_clocks(self, changes: list[Change]) -> None:
        latest = Stamp.parse(max(change["hlc"] for change in changes))
        if latest.wall_ms > _LAST_MS:
            raise BundleError(
                tr(
                    "has changes from device {device} dated after the year 9999: "
                    "their clock stamps are damaged or forged",
                    device=latest.device,
                )
            )
        if latest.wall_ms > self.latest_ms:
            raise BundleError(
                tr(
                    "has changes from device {device} dated {moment} UTC, more "
                    "than a day ahead of this computer's clock: set that device's "
                    "clock right and export again",
                    device=latest.device,
                    moment=f"{latest.moment():%Y-%m-%d %H:%M}",
                )
            )

    def _finish(self, header: Header) -> Header:
        if header.count != self.count:
            raise BundleError(
                tr(
                    "says it holds {said} changes but holds {count}: it is "
                    "incomplete or was altered",
                    said=f"{header.count:,}",
                    count=f"{self.count:,}",
                )
            )
        if header.sha256 != self.digest.hexdigest():
            raise BundleError(
                tr("fails its checksum: it was altered or damaged after it was written")
            )
        return header


def _too_deep(value: Any) -> bool:
    """Whether a value nests lists or objects more than MAX_DEPTH levels (found
    without recursion: checking must not be what overflows the stack)."""
    if not isinstance(value, (list, dict)):
        return False  # nearly every value: a scalar
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack += [(child, depth + 1) for child in children if isinstance(child, (list, dict))]
    return False


def _row(change: Change, value: str) -> Row:
    prev = change.get("prev")
    return (
        change["origin"],
        change["seq"],
        change["hlc"],
        change["entity"],
        change["row_id"],
        change["field"],
        value,
        json_text(prev) if prev else None,
    )


def _first_error(error: ValidationError, skip: int = 0) -> str:
    first = error.errors()[0]
    place = ".".join(str(part) for part in first["loc"][skip:])
    message = first["msg"].removeprefix("Value error, ")
    return f"{place}: {message}" if place else message


def _version_in(text: str) -> int | None:
    try:
        version = json.loads(text).get("format_version")
    except (ValueError, AttributeError):
        return None
    return version if type(version) is int else None


def _number(schema_version: str | None) -> int:
    """The number a schema version (a migration name, '0005_…') starts with
    (read to 19 digits: a longer one is as newer, and Python's int() refuses
    thousands of digits)."""
    match = re.match(r"\d{1,19}", schema_version or "")
    return int(match[0]) if match else 0


def _newer(what: str) -> BundleError:
    return BundleError(
        tr(
            "was written by a newer Workbench ({what}); update Workbench on this "
            "computer to import it",
            what=what,
        )
    )
