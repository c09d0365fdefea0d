from dataclasses import dataclass
from datetime import UTC, date, datetime

from workbench.domain.pipeline import (
    SortBy,
    columns,
    days_in_stage,
    is_overdue,
    is_stale,
    neighbour,
    sorter,
)
from workbench.domain.stages import StageKind

TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class S:
    key: str
    label: str
    kind: StageKind = StageKind.OPEN
    rot_days: int | None = 14


@dataclass(frozen=True)
class C:
    title: str
    stage: str
    amount: int = 100_00
    currency: str = "CNY"
    probability: int = 50
    expected_close: date | None = None
    entered_stage: datetime | None = None
    next_follow_up: date | None = None


STAGES = [S("lead", "Lead"), S("proposal", "Proposal"), S("won", "Won", StageKind.WON, None)]


def test_column_figures_by_hand() -> None:
    cards = [
        C("a", "lead", 1000_00, probability=10),
        C("b", "lead", 500_00, probability=40),
        C("c", "won", 300_00, probability=100),
        C("d", "gone", 1),
    ]
    lead, proposal, won = columns(STAGES, cards)
    assert (lead.count, lead.total["CNY"], lead.weighted["CNY"]) == (2, 1500_00, 100_00 + 200_00)
    assert (proposal.count, sum(proposal.total.values())) == (0, 0)
    assert (won.count, won.weighted["CNY"]) == (1, 300_00)


def test_mixed_currencies_are_kept_apart() -> None:
    (lead, *_) = columns(STAGES, [C("a", "lead", 100, "CNY"), C("b", "lead", 7, "USD")])
    assert dict(lead.total) == {"CNY": 100, "USD": 7}


def test_stale_and_overdue() -> None:
    lead = STAGES[0]
    entered = datetime(2026, 11, 1, tzinfo=UTC)  # 22 days ago, rot days 14
    assert days_in_stage(C("a", "lead", entered_stage=entered), TODAY) == 22
    assert is_stale(C("a", "lead", entered_stage=entered), lead, TODAY)
    planned = C("a", "lead", entered_stage=entered, next_follow_up=date(2026, 11, 25))
    assert not is_stale(planned, lead, TODAY)
    assert not is_stale(C("a", "won", entered_stage=entered), STAGES[2], TODAY)
    assert is_overdue(C("a", "lead", expected_close=date(2026, 11, 22)), lead, TODAY)
    assert not is_overdue(C("a", "lead", expected_close=TODAY), lead, TODAY)
    assert not is_overdue(C("a", "won", expected_close=date(2026, 1, 1)), STAGES[2], TODAY)


def test_sorting() -> None:
    early = C(
        "early",
        "lead",
        5,
        expected_close=date(2026, 12, 1),
        entered_stage=datetime(2026, 11, 20, tzinfo=UTC),
    )
    big = C(
        "big",
        "lead",
        900,
        expected_close=date(2027, 1, 1),
        entered_stage=datetime(2026, 10, 1, tzinfo=UTC),
    )
    undated = C("undated", "lead", 50)
    cards = [undated, big, early]
    assert [c.title for c in sorted(cards, key=sorter(SortBy.CLOSE))] == ["early", "big", "undated"]
    assert [c.title for c in sorted(cards, key=sorter(SortBy.AMOUNT))] == [
        "big",
        "undated",
        "early",
    ]
    assert [c.title for c in sorted(cards, key=sorter(SortBy.AGE))] == ["big", "early", "undated"]


def test_neighbours() -> None:
    assert neighbour(STAGES, "lead", 1) == "proposal"
    assert neighbour(STAGES, "proposal", 1) == "won"
    assert neighbour(STAGES, "lead", -1) is None
    assert neighbour(STAGES, "won", 1) is None
    assert neighbour([*STAGES, S("lost", "Lost", StageKind.LOST, None)], "won", 1) is None
    assert neighbour(STAGES, "won", -1) == "proposal"  # reopened in the last open stage
    assert neighbour(STAGES, "nope", 1) is None
