"""Follow-up phrases from other projects' test suites (Duckling, dateparser,
JioNLP, parsedatetime, recurrent, rrule.js), graded by the shared grader in
../shared/realworld/dates: an answer may be refused, never silently wrong."""

import json

from tests.realworld import ROOT, grader, needs

CORPUS = ROOT / "dates"
pytestmark = needs(CORPUS / "run_cases.py", "date corpus")


# Peer expectations the grader does not list as disputed, though it disputes the
# same expectation in another spelling; each is answered as a rep means it.
DISPUTED_HERE = {
    (
        "duckling",
        "下週三",
    ): "下周三 in Traditional script, disputed by the grader: 下週 is next week",
    ("duckling", "下禮拜三"): "下礼拜三 in Traditional script, disputed by the grader likewise",
    ("jionlp", "8号晚上9点"): "JioNLP's future mode moves a day to the next month, as the grader "
    "disputes for 10月8号: on Wed 1 Sep, 8号 is 8 Sep, a week ahead",
}


def test_no_phrase_is_silently_wrong() -> None:
    cases = grader(CORPUS / "run_cases.py")
    wrong = []
    for path in sorted(CORPUS.glob("*_cases.jsonl")):
        for line in path.open(encoding="utf-8"):
            case = json.loads(line)
            if cases.relevance(case):
                continue  # not a follow-up kind of phrase (past, holidays, seconds…)
            grade, got, why = cases.grade(case)
            if grade == "crash":
                wrong.append(f"{case['phrase']!r} crashed: {why}")
            elif grade == "wrong" and not (
                cases.DISPUTED.get((case["source"], case["phrase"]))
                or DISPUTED_HERE.get((case["source"], case["phrase"]))
                or cases.convention(case, got)
            ):
                wrong.append(f"{case['phrase']!r} at {case['ref']}: {got} ({why})")
    assert wrong == [], f"{len(wrong)} silently wrong:\n" + "\n".join(wrong[:40])
