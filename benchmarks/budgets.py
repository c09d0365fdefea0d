"""Figures, and the budgets of shared/DESIGN.md they are held to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from benchmarks.timing import Sample


@dataclass(frozen=True)
class Budget:
    limit: float
    of: Literal["median", "high"] = "median"  # which statistic it bounds
    at_least: bool = False  # throughputs: more is better

    def holds(self, sample: Sample) -> bool:
        value = getattr(sample, self.of)
        return bool(value >= self.limit) if self.at_least else bool(value <= self.limit)

    def describe(self, unit: str) -> str:
        word = "max" if self.of == "high" else "median"
        return f"{'≥' if self.at_least else '≤'} {self.limit:,g} {unit} {word}"


@dataclass(frozen=True)
class Figure:
    group: str
    name: str
    unit: str
    sample: Sample
    budgets: tuple[Budget, ...] = ()
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def misses(self) -> list[str]:
        return [b.describe(self.unit) for b in self.budgets if not b.holds(self.sample)]

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "unit": self.unit,
            **asdict(self.sample),
            "budgets": [b.describe(self.unit) for b in self.budgets],
            "misses": self.misses,
            "note": self.note,
            **self.extra,
        }


# shared/DESIGN.md, "Performance budgets".
QUERY = (Budget(2.0), Budget(5.0, of="high"))  # ms, each pane query on the reference data
AGGREGATE = (Budget(150.0),)  # ms, whole-table aggregates (run in a worker)
START_RATIO = (Budget(1.3),)  # x a bare Textual app painting one line: Today with its rows
LAYOUT_RATIO = (Budget(1.2),)  # x bare: the empty layout, the first frame
FILL = (Budget(100.0),)  # ms, rows in to first frame out
KEYSTROKE = (Budget(50.0),)  # ms, search per keystroke; nothing blocks the UI longer
CURSOR = (Budget(16.0), Budget(50.0, of="high"))  # ms, a cursor key's work: within a frame
BLOCK = (Budget(50.0, of="high"),)  # ms, nothing keeps the screen still longer
SAVE = (Budget(10.0),)  # ms, saving a quick log
THROUGHPUT = (Budget(100_000.0, at_least=True),)  # changes/s, bundle export and import
CSV_10K = (Budget(5.0),)  # s, 10,000 deals from CSV (issue 8)
MEMORY = (Budget(100.0),)  # MB resident with the reference data open
