"""Each pane's questions, timed on a data set (shared/DESIGN.md: ≤ 2 ms
median and ≤ 5 ms max each; whole-table aggregates ≤ 150 ms)."""

from __future__ import annotations

from benchmarks.budgets import AGGREGATE, QUERY, Figure
from benchmarks.timing import Sample, timed
from workbench.store.database import Store
from workbench.store.questions import PANES

# Panes whose questions add up whole tables; they run in a worker.
AGGREGATING = ("Targets",)


def measure(store: Store, runs: int) -> list[Figure]:
    customer = _busiest_customer(store)
    figures = []
    for pane, questions in PANES.items():
        for name, question in questions.items():
            sample = timed(lambda q=question: q(store, customer), runs)  # type: ignore[misc]
            figures.append(Figure(
                "Queries", f"{pane}: {name}", "ms", _ms(sample),
                AGGREGATE if pane in AGGREGATING else QUERY,
            ))  # fmt: skip
    return figures


def _busiest_customer(store: Store) -> str:
    """One of my customers with the longest timeline: the 360 view's worst case."""
    row = store.db.execute(
        "SELECT customer_id FROM activities WHERE owner = ? GROUP BY customer_id "
        "ORDER BY count(*) DESC, customer_id LIMIT 1",
        [store.me],
    ).fetchone()
    return str(row[0])


def _ms(sample: Sample) -> Sample:
    return Sample(sample.median * 1000, sample.low * 1000, sample.high * 1000)
