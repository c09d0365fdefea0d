"""Pipeline stages: the default sales process, from lead to won or lost.

Defaults follow common practice (`shared/domain/BRIEF.md`): lead →
qualified → needs → proposal → negotiation, then won or lost. A stage's
key doubles as its record id, so two reps who create the same stage
converge on one record when they sync.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from workbench.i18n import Worded, later, tr

if TYPE_CHECKING:
    from workbench.domain.models import Stage


class StageKind(Worded):
    OPEN = "open"
    WON = later("won")
    LOST = later("lost")
    __names__: ClassVar[dict[str, str]] = {"open": later("in progress")}


# key, label, probability %, kind, rot days (an open deal idle longer is stale)
DEFAULT_STAGES: tuple[tuple[str, str, int, StageKind, int | None], ...] = (
    ("lead", later("Lead"), 10, StageKind.OPEN, 14),
    ("qualified", later("Qualified"), 20, StageKind.OPEN, 14),
    ("needs", later("Needs"), 40, StageKind.OPEN, 21),
    ("proposal", later("Proposal"), 60, StageKind.OPEN, 21),
    ("negotiation", later("Negotiation"), 80, StageKind.OPEN, 14),
    ("won", later("Won"), 100, StageKind.WON, None),
    ("lost", later("Lost"), 0, StageKind.LOST, None),
)
# The labels are kept in English, as the schema seeds them; screens show a
# default label in the rep's language (tr), and a label a rep typed as typed.

# The pick list offered when a deal is lost (free text is allowed too).
LOST_REASONS = (
    later("Price too high"),
    later("Went with a competitor"),
    later("No budget"),
    later("Project cancelled"),
    later("No decision"),
    later("Timing"),
)


def stage_cells(stage: Stage, deals: int) -> tuple[str, ...]:
    """A stage as the app's Stages view and `workbench stages` list it: key,
    label, probability, rot days, kind and how many deals it holds."""
    return (
        stage.key,
        tr(stage.label),
        f"{stage.probability}%",
        str(stage.rot_days or ""),
        stage.kind.label,
        str(deals),
    )
