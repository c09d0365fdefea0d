"""The line format iCalendar (RFC 5545) and vCard (RFC 6350, and 2426 for
vCard 3.0) share: `NAME;PARAM=value:value`, long lines folded at 75 octets
onto lines that start with a space, and text escaped with backslashes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n


def escape(text: str) -> str:
    """A TEXT value: backslash, comma, semicolon and line breaks escaped;
    control characters (escape codes) dropped, as no calendar shows them."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def fold(line: str) -> str:
    """A content line cut into pieces of at most 75 octets, never inside a
    UTF-8 character, joined by CRLF and a space."""
    pieces: list[str] = []
    piece, size = "", 0
    for char in line:
        octets = len(char.encode())
        limit = MAX_OCTETS if not pieces else MAX_OCTETS - 1  # the leading space counts
        if size + octets > limit:
            pieces.append(piece)
            piece, size = "", 0
        piece += char
        size += octets
    pieces.append(piece)
    return "\r\n ".join(pieces) + "\r\n"


@dataclass
class Property:
    name: str  # upper case, the group ("item1.") removed
    value: str  # as written: still escaped
    params: dict[str, list[str]] = field(default_factory=dict)  # upper-case names

    def types(self) -> set[str]:
        """TYPE=work,voice / TYPE=WORK;TYPE=VOICE / vCard 2.1's bare WORK: lower case."""
        found = {t.lower() for value in self.params.get("TYPE", []) for t in value.split(",")}
        return found | {name.lower() for name, values in self.params.items() if not values}


def parse(line: str) -> Property:
    """One unfolded content line. Raises ValueError if it has no ':'."""
    index = _colon(line)
    head, value = line[:index], line[index + 1 :]
    name, *params = _split_params(head)
    property_ = Property(name.rsplit(".", 1)[-1].strip().upper(), value)
    for param in params:
        key, _, values = param.partition("=")
        listed = property_.params.setdefault(key.strip().upper(), [])
        if values:
            listed.append(values.strip('"'))
    return property_


def _colon(line: str) -> int:
    """Where the value starts: the first ':' outside double quotes."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    raise ValueError("a line without ':'")


def _split_params(head: str) -> list[str]:
    parts: list[str] = []
    current, quoted = "", False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in ("n", "N") else following)
        else:
            out.append(char)
    return "".join(out)


def components(value: str, separator: str = ";") -> list[str]:
    """A structured value (N, ADR) split at unescaped separators, each part unescaped."""
    parts: list[str] = []
    current, escaped = "", False
    for char in value:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(unescape(current))
            current = ""
        else:
            current += char
    return [*parts, unescape(current)]
