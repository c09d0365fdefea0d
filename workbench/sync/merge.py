"""The merge rule, for one field of one record, given every change to it.

A change names the changes of the same field it supersedes (`prev`: what its
device had seen). The field's *heads* are the changes nobody supersedes.
One head: that is the value. Several: they were written without seeing each
other (a conflict); the value shown is the head with the greatest
(hlc, origin, seq), and the others are kept as conflicts until a rep picks
one (a change whose prev names them all). The result depends only on which
changes exist, never on the order they arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    origin: str
    seq: int
    hlc: str
    value: str | None  # JSON text
    prev: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.origin}:{self.seq}"

    @property
    def order(self) -> tuple[str, str, int]:
        return (self.hlc, self.origin, self.seq)


@dataclass(frozen=True)
class Outcome:
    winner: FieldChange
    losers: tuple[FieldChange, ...]  # concurrent heads that lost: conflicts


def resolve(changes: Iterable[FieldChange]) -> Outcome:
    """The field's value and its conflicts, from all its changes (at least one)."""
    known = list(changes)
    superseded = {old for change in known for old in change.prev}
    heads = sorted((c for c in known if c.id not in superseded), key=lambda c: c.order)
    if not heads:  # every change superseded by another: a cycle only forged data makes
        heads = sorted(known, key=lambda c: c.order)[-1:]
    return Outcome(heads[-1], tuple(heads[:-1]))
