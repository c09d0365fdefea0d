"""Text from users, files and other reps' bundles, made safe to show."""

from __future__ import annotations


def printable(value: object) -> str:
    """`value` as text with control characters (terminal escape codes) shown
    as '?', so a name can never move the cursor or recolour the screen.
    Markup is a separate matter: front ends show this as plain text."""
    text = "" if value is None else str(value)
    return "".join("?" if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text)


def counted(count: int, noun: str) -> str:
    """'1 row', '2 rows', '1,200 rows': a count with its noun, singular for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
