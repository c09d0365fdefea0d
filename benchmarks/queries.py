"""Each pane's questions, timed on a data set (shared/DESIGN.md: ≤ 2 ms
median and ≤ 5 ms max each; whole-table aggregates ≤ 150 ms)."""

from __future__ import annotations

from benchmarks.budgets import AGGREGATE, QUERY, Figure
from benchmarks.timing import Sample, timed
from workbench.store.database import Store
from workbench.store.questions import PANES, Subject

# Panes whose questions add up whole tables; they run in a worker.
AGGREGATING = ("Targets",)


def measure(store: Store, runs: int) -> list[Figure]:
    subject = _busiest(store)
    figures = []
    for pane, questions in PANES.items():
        for name, question in questions.items():
            sample = timed(lambda q=question: q(store, subject), runs)  # type: ignore[misc]
            figures.append(
                Figure(
                    "Queries",
                    f"{pane}: {name}",
                    "ms",
                    _ms(sample),
                    AGGREGATE if pane in AGGREGATING else QUERY,
                )
            )
    return figures


def _busiest(store: Store) -> Subject:
    """My customer and my deal with the longest timelines: the worst cases of
    the 360 view and the deal view."""
    busiest = (
        "SELECT {0} FROM activities WHERE owner = ? AND {0} IS NOT NULL GROUP BY {0} "
        "ORDER BY count(*) DESC, {0} LIMIT 1"
    )
    customer, deal = (
        str(store.db.execute(busiest.format(column), [store.me]).fetchone()[0])
        for column in ("customer_id", "deal_id")
    )
    return Subject(customer, deal)


def _ms(sample: Sample) -> Sample:
    return Sample(sample.median * 1000, sample.low * 1000, sample.high * 1000)
