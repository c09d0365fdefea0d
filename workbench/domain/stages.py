"""Pipeline stages: the default sales process, from lead to won or lost.

Defaults follow common practice (`shared/domain/BRIEF.md`): lead →
qualified → needs → proposal → negotiation, then won or lost. A stage's
key doubles as its record id, so two reps who create the same stage
converge on one record when they sync.
"""

from __future__ import annotations

from enum import StrEnum


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


# key, label, probability %, kind, rot days (an open deal idle longer is stale)
DEFAULT_STAGES: tuple[tuple[str, str, int, StageKind, int | None], ...] = (
    ("lead", "Lead", 10, StageKind.OPEN, 14),
    ("qualified", "Qualified", 20, StageKind.OPEN, 14),
    ("needs", "Needs", 40, StageKind.OPEN, 21),
    ("proposal", "Proposal", 60, StageKind.OPEN, 21),
    ("negotiation", "Negotiation", 80, StageKind.OPEN, 14),
    ("won", "Won", 100, StageKind.WON, None),
    ("lost", "Lost", 0, StageKind.LOST, None),
)

# The pick list offered when a deal is lost (free text is allowed too).
LOST_REASONS = (
    "Price too high",
    "Went with a competitor",
    "No budget",
    "Project cancelled",
    "No decision",
    "Timing",
)
