"""Writing an export file so that a crash, a full disk or a bad record
never leaves half a file under the name the user asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def replacing(path: Path, encoding: str = "utf-8", newline: str = "") -> Iterator[TextIO]:
    """A text file beside `path` that takes its name once the block ends
    without an error, and is removed if it raises."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("w", encoding=encoding, newline=newline) as file:
            yield file
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
