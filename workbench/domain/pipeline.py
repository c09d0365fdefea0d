"""The pipeline as a kanban: columns of deal cards with their figures.

A column's figures are its count, total amount and weighted amount (each
amount times the deal's own probability, or its stage's). A card is *stale*
when it has sat in its stage longer than the stage's rot days with no
follow-up ahead, and *overdue* when its expected close date has passed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from workbench.domain.stages import StageKind
from workbench.i18n import Worded, later, tr


class StageLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> StageKind: ...
    @property
    def rot_days(self) -> int | None: ...


class CardLike(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def probability(self) -> int: ...
    @property
    def expected_close(self) -> date | None: ...
    @property
    def entered_stage(self) -> datetime | None: ...
    @property
    def next_follow_up(self) -> date | None: ...
    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: StageKind
    count: int
    total: Counter[str]  # per currency
    weighted: Counter[str]


def columns(stages: Sequence[StageLike], cards: Iterable[CardLike]) -> list[Column]:
    """Every stage's figures, in pipeline order (stages with no cards included)."""
    counts: Counter[str] = Counter()
    totals: dict[str, Counter[str]] = {s.key: Counter() for s in stages}
    weighted: dict[str, Counter[str]] = {s.key: Counter() for s in stages}
    for card in cards:
        if card.stage not in totals:
            continue  # a stage this database does not (yet) know
        counts[card.stage] += 1
        totals[card.stage][card.currency] += card.amount
        weighted[card.stage][card.currency] += card.amount * card.probability // 100
    return [
        Column(s.key, s.label, s.kind, counts[s.key], totals[s.key], weighted[s.key])
        for s in stages
    ]


def days_in_stage(card: CardLike, today: date) -> int | None:
    return (today - card.entered_stage.date()).days if card.entered_stage else None


def is_stale(card: CardLike, stage: StageLike, today: date) -> bool:
    days = days_in_stage(card, today)
    return (
        stage.kind == StageKind.OPEN
        and stage.rot_days is not None
        and days is not None
        and days > stage.rot_days
        and card.next_follow_up is None
    )


def is_overdue(card: CardLike, stage: StageLike, today: date) -> bool:
    close = card.expected_close
    return stage.kind == StageKind.OPEN and close is not None and close < today


class SortBy(Worded):
    CLOSE = later("close date")
    AMOUNT = later("amount")
    AGE = later("days in stage")


def sorter(by: SortBy) -> Callable[[CardLike], tuple[object, ...]]:
    """A sort key: soonest close, largest amount, or longest in stage first."""
    if by == SortBy.AMOUNT:
        return lambda card: (-card.amount, card.title)
    if by == SortBy.AGE:  # oldest entry first; cards with no history last
        return lambda card: (
            card.entered_stage is None,
            card.entered_stage.timestamp() if card.entered_stage else 0.0,
            card.title,
        )
    return lambda card: (card.expected_close is None, card.expected_close or date.max, card.title)


def neighbour(stages: Sequence[StageLike], key: str, step: int) -> str | None:
    """Where `<` (-1) and `>` (+1) take a deal in stage `key`: along the open
    stages and on to Won; from Won or Lost, back reopens it (in the last open
    stage, unless the board knows the one it was closed from). Never from one
    closed stage to the other (that is W or L, which say so), and None past
    the ends."""
    kinds = {stage.key: stage.kind for stage in stages}
    opens = [stage.key for stage in stages if stage.kind == StageKind.OPEN]
    if key not in kinds or not opens:
        return None
    if kinds[key] != StageKind.OPEN:
        return opens[-1] if step < 0 else None
    path = opens + [stage.key for stage in stages if stage.kind == StageKind.WON][:1]
    index = path.index(key) + step
    return path[index] if 0 <= index < len(path) else None


@dataclass(frozen=True)
class BoardFilter:
    """Which deals the board shows. Names are resolved by the store."""

    who: str = "me"  # "me", "everyone", or a teammate's name
    period: str | None = None  # close period: "this month", "2026-Q4", ...
    customer: str | None = None  # a customer's name (or the start of it)
    min_amount: int = 0  # minor units

    def describe(self, format_amount: Callable[[int], str]) -> str:
        parts = [tr(self.who) if self.who in ("me", "everyone") else self.who]
        if self.period:
            parts.append(tr("closing {period}", period=self.period))
        if self.customer:
            parts.append(self.customer)
        if self.min_amount:
            parts.append(f"≥ {format_amount(self.min_amount)}")
        return " · ".join(parts)
