from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from workbench.domain.agenda import Section, build, priority

TODAY = date(2026, 11, 23)
TOUCH = {"A": 30, "B": 60, "C": 120}


@dataclass(frozen=True)
class FU:
    id: str
    shown_on: date
    title: str = "Call back"
    due_time: time | None = None
    recurrence: str | None = None
    customer_id: str = "c1"
    customer_name: str | None = "Acme"
    deal_id: str | None = None
    deal_title: str | None = None
    amount: int | None = None
    currency: str | None = None
    tier: str | None = "C"
    probability: int | None = None


@dataclass(frozen=True)
class DealH:
    id: str
    entered_stage: datetime | None
    rot_days: int | None = 14
    next_step: str | None = "Send quote"
    has_future_follow_up: bool = False
    has_open_follow_up: bool = False
    title: str = "Pumps"
    customer_id: str | None = "c1"
    customer_name: str | None = "Acme"
    tier: str | None = "B"
    stage_label: str = "Proposal"
    amount: int = 100_000_00
    currency: str = "CNY"
    probability: int = 60


@dataclass(frozen=True)
class Account:
    id: str
    tier: str | None
    last_contact: datetime | None
    has_open_follow_up: bool = False
    name: str = "Acme"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_priority_by_hand() -> None:
    # 3 days late: 30; ¥60,000 weighted: 10*log10(60001) = 47.78; tier A: 30
    assert priority(30, 60_000_00, "A") == 107.8
    assert priority(20, 0, None) == 20.0
    assert priority(0, 9_900, "B") == 35.0  # ¥99 weighted: 10*log10(100) = 20, + 15


def test_sections_and_order() -> None:
    rows = [
        FU("late-small", date(2026, 11, 20)),
        FU(
            "late-big",
            date(2026, 11, 21),
            deal_id="d",
            deal_title="Big",
            amount=1_000_000_00,
            currency="CNY",
            probability=50,
        ),
        FU("today", TODAY, due_time=time(14)),
        FU("ahead", date(2026, 11, 26)),
        FU("beyond", date(2026, 12, 5)),  # outside the 7-day window
    ]
    items = build(TODAY, rows, [], [], TOUCH)
    assert [(i.section, i.follow_up_id) for i in items] == [
        (Section.OVERDUE, "late-big"),  # 20 + 10*log10(500001)=57 -> 77, beats 30
        (Section.OVERDUE, "late-small"),
        (Section.TODAY, "today"),
        (Section.NEXT, "ahead"),
    ]
    assert [i.due for i in items] == ["2d overdue", "3d overdue", "today 14:00", "in 3d"]
    assert items[0].score == 77.0


def test_overdue_urgency_is_capped() -> None:
    old = build(TODAY, [FU("old", date(2025, 1, 1))], [], [], TOUCH)[0]
    month = build(TODAY, [FU("month", date(2026, 10, 24))], [], [], TOUCH)[0]
    assert old.score == month.score == 300.0


def test_stale_deals_and_deals_without_a_next_step() -> None:
    deals = [
        DealH("stale", at("2026-11-01")),  # 22 days in stage > 14
        DealH("fresh", at("2026-11-15")),
        DealH("planned", at("2026-11-01"), has_future_follow_up=True),
        DealH("no-step", at("2026-11-20"), next_step=None),
        DealH("no-step-but-planned", at("2026-11-20"), next_step=None, has_open_follow_up=True),
    ]
    items = build(TODAY, [], deals, [], TOUCH)
    assert [(i.key, i.due) for i in items] == [
        ("stale:stale", "idle 22d"),
        ("no_step:no-step", "no step"),
    ]
    # stale: 8 days past 14 + 10*log10(60001) + B 15
    assert items[0].score == round(8 + 10 * 4.778158 + 15, 1)
    assert all(i.section == Section.SUGGESTED for i in items)


def test_a_stale_deal_without_a_customer_says_so() -> None:
    """A CRM's deal imported without its company goes stale like any other."""
    (item,) = build(
        TODAY,
        [],
        [DealH("seed", at("2026-11-01"), customer_id=None, customer_name=None)],
        [],
        TOUCH,
    )
    assert (item.key, item.customer_id, item.customer) == ("stale:seed", None, "(no customer)")


@pytest.mark.parametrize(
    ("tier", "last", "planned", "expected"),
    [
        ("A", "2026-10-20", False, "34d quiet"),
        ("A", "2026-10-30", False, None),
        ("B", "2026-10-20", False, None),
        ("C", None, False, "never contacted"),
        ("A", "2026-01-01", True, None),
        (None, None, False, None),
    ],
)
def test_untouched_accounts(
    tier: str | None, last: str | None, planned: bool, expected: str | None
) -> None:
    account = Account("c9", tier, at(last) if last else None, planned)
    items = build(TODAY, [], [], [account], TOUCH)
    assert [i.due for i in items] == ([expected] if expected else [])
