"""The merge rule, for one field of one record, given every change to it.

A change names the changes of the same field it supersedes (`prev`: what its
device had seen). The field's *heads* are the changes nobody supersedes.
One head: that is the value. Several: they were written without seeing each
other (a conflict); the value shown is the head with the greatest
(hlc, origin, seq), and the others are kept as conflicts until a rep picks
one (a change whose prev names them all). The result depends only on which
changes exist, never on the order they arrived in.

Two kinds of change are settled without a conflict:
- *seeded* ones (origin `SEED`: the default stages every database starts
  with, logged identically everywhere) give way to any other change of
  their field, whether or not it names them: an edit made before the seed
  was logged still wins;
- concurrent *creations* of a field nobody edits (a record's created_at
  and owner, for records with a deterministic id such as targets and stages
  set on two machines) are one creation: the earliest is kept.

A field only some devices may change (a rep's name: `owners`, that rep's own
devices) takes its value from them: another device's change supersedes none
of theirs and never wins over one, so it stays a conflict until they settle it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SEED = "seed"  # the origin of the seeded changes; no device writes under it
SEED_STAMP = "000000000000000-0000-seed"  # their clock stamp: before everything
CREATION_FIELDS = frozenset({"created_at", "owner"})  # set when a record is made, never edited


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
    losers: tuple[FieldChange, ...]  # concurrent heads that lost

    @property
    def conflicts(self) -> list[FieldChange]:
        """The losers to keep as conflicts: those whose value is not the winner's."""
        return [lost for lost in self.losers if lost.value != self.winner.value]


def heads(
    changes: Iterable[FieldChange], owners: frozenset[str] = frozenset()
) -> list[FieldChange]:
    """The changes of one field that no other supersedes, in merge order
    (the last one wins; with `owners`, the last of theirs)."""
    known = list(changes)
    superseded = {
        old
        for change in known
        for old in change.prev
        if change.origin in owners or _origin(old) not in owners
    }
    if any(change.origin != SEED for change in known):
        superseded |= {change.id for change in known if change.origin == SEED}

    def order(change: FieldChange) -> tuple[bool, str, str, int]:
        return (change.origin in owners, *change.order)

    found = sorted((c for c in known if c.id not in superseded), key=order)
    if not found:  # every change superseded by another: a cycle only forged data makes
        found = sorted(known, key=order)[-1:]
    return found


def _origin(change_id: str) -> str:
    return change_id.rsplit(":", 1)[0]


def resolve(
    changes: Iterable[FieldChange], field: str = "", owners: frozenset[str] = frozenset()
) -> Outcome:
    """The field's value and its conflicts, from all its changes (at least one)."""
    found = heads(changes, owners)
    if field in CREATION_FIELDS and len(found) > 1 and not any(c.prev for c in found):
        return Outcome(found[0], ())
    return Outcome(found[-1], tuple(found[:-1]))
