"""Follow-up phrases from other projects' test suites (Duckling, dateparser,
JioNLP, parsedatetime, recurrent, rrule.js), graded by the shared grader in
../shared/realworld/dates: an answer may be refused, never silently wrong."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "realworld" / "dates"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "run_cases.py").exists(),
    reason=f"the shared date corpus is not beside this checkout ({CORPUS})",
)


def grader() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_cases", CORPUS / "run_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_phrase_is_silently_wrong() -> None:
    cases = grader()
    wrong = []
    for path in sorted(CORPUS.glob("*_cases.jsonl")):
        for line in path.open(encoding="utf-8"):
            case = json.loads(line)
            if cases.relevance(case):
                continue  # not a follow-up kind of phrase (past, holidays, seconds…)
            grade, got, why = cases.grade(case)
            if grade == "crash":
                wrong.append(f"{case['phrase']!r} crashed: {why}")
            elif grade == "wrong" and not (cases.DISPUTED.get((case["source"], case["phrase"]))
                                           or cases.convention(case, got)):  # fmt: skip
                wrong.append(f"{case['phrase']!r} at {case['ref']}: {got} ({why})")
    assert wrong == [], f"{len(wrong)} silently wrong:\n" + "\n".join(wrong[:40])
