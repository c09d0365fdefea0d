"""Pasted text arrives whole and in order, without control characters.

A terminal sends a paste between ESC[200~ and ESC[201~. Textual's parser
reads an ESC inside it as the start of an escape sequence: what follows
arrives as key presses ahead of the Paste event, so pasting
`Wang ESC[31mRed` into a name stored `[31mRedWang `. A control character
in a paste is never meant, so a sieve takes them out of the terminal's
input before the parser reads it; tabs and line breaks stay (a one-line
input keeps the first line, as Textual's does). `install` puts the sieve in
front of the parser of the driver the app runs with.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from textual._xterm_parser import XTermParser
from textual.message import Message

START, END = "\x1b[200~", "\x1b[201~"
# C0 but tab and line breaks, DEL, and C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The modules whose drivers read a terminal's input through XTermParser
# (Windows' reads it in win32, which its driver imports).
_READERS = ("linux_driver", "linux_inline_driver", "web_driver", "win32")


class PasteSieve:
    """The terminal's input with the control characters inside pastes
    removed; everything else passes as it came, at once."""

    def __init__(self) -> None:
        self.pasting = False
        self.held = ""  # a paste's end marker, cut in two by a read
        self.seen = ""  # the last characters outside a paste: a start cut in two

    def sift(self, data: str) -> str:
        out: list[str] = []
        text, self.held = self.held + data, ""
        while text:
            text = self._inside(text, out) if self.pasting else self._outside(text, out)
        return "".join(out)

    def _outside(self, text: str, out: list[str]) -> str:
        out.append(text)  # passed on at once: a lone ESC is the escape key
        joined = self.seen + text
        found = joined.find(START)
        if found < 0:
            self.seen = joined[-(len(START) - 1) :]
            return ""
        self.seen, self.pasting = "", True
        rest = joined[found + len(START) :]
        out[-1] = text[: len(text) - len(rest)]
        return rest

    def _inside(self, text: str, out: list[str]) -> str:
        found = text.find(END)
        if found < 0:
            self.held = _partial_end(text)
            out.append(_CONTROLS.sub("", text[: len(text) - len(self.held)]))
            return ""
        out.append(_CONTROLS.sub("", text[:found]) + END)
        self.pasting = False
        return text[found + len(END) :]


def _partial_end(text: str) -> str:
    """The end of `text` that may be the start of the end marker."""
    for size in range(min(len(END) - 1, len(text)), 0, -1):
        if END.startswith(text[-size:]):
            return text[-size:]
    return ""


class SievedParser(XTermParser):
    """Textual's parser, reading the terminal's input through a PasteSieve."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sieve = PasteSieve()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            return super().feed(data)
        sifted = self.sieve.sift(data)
        return super().feed(sifted) if sifted else ()


def install() -> None:
    """The drivers loaded (the app's, once it has chosen one) read through a
    SievedParser. Textual's headless test driver reads no terminal."""
    for name in _READERS:
        driver = sys.modules.get(f"textual.drivers.{name}")
        if driver is not None and getattr(driver, "XTermParser", None) is XTermParser:
            driver.XTermParser = SievedParser  # type: ignore[attr-defined]
