"""workbench target and workbench report, good input and bad."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli

Run = Callable[..., Result]
REPORT_KEYS = {
    "period",
    "previous_period",
    "rep",
    "currency",
    "pace",
    "targets",
    "kpis",
    "previous",
    "stage_conversion",
    "needed",
    "trend",
    "leaderboard",
    "leaderboard_by_team",
    "leaderboard_by_manager",
}
GAUGE_KEYS = {"target", "achieved", "weighted_open", "forecast", "gap", "progress", "coverage"}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--db", str(tmp_path / "r.db"), *args], catch_exceptions=False
        )

    assert invoke("me", "Li Wei").exit_code == 0
    return invoke


def test_set_targets_and_report_them(run: Run) -> None:
    assert run("target", "set", "revenue", "261,000", "--period", "2026").exit_code == 0
    assert run("target", "set", "calls", "42", "--period", "this month").exit_code == 0
    listed = run("target", "list").output
    assert "¥261,000" in listed and "2026-11" in listed
    report = json.loads(run("report", "--json").output)
    assert set(report) == REPORT_KEYS
    assert set(report["targets"]["revenue"]) == GAUGE_KEYS
    assert report["period"] == "2026-11" and report["rep"] == "Li Wei"
    assert report["targets"]["revenue"]["target"] == 21_000_00  # 21 of 261 working days
    assert report["targets"]["calls"]["target"] == 42
    assert report["targets"]["visits"]["target"] is None
    assert report["kpis"]["win_rate"] is None  # nothing closed: no rate, not 0
    assert report["pace"] == {
        "working_day": 16,
        "working_days": 21,
        "expected": 0.7619,
        "days_left": 5,
    }
    text = run("report").output
    assert "working day 16 of 21: on pace at 76%" in text
    assert "Win rate" in text and "—" in text
    week = json.loads(run("report", "--period", "2026-W48", "--json").output)
    assert week["targets"]["revenue"]["target"] == 5_000_00


def test_holidays_and_split(run: Run) -> None:
    run("target", "set", "revenue", "259000", "--period", "2026")
    assert (
        "2026-10-01"
        in run("target", "holidays", "--add", "2026-10-01", "--add", "oct 2 2026").output
    )
    october = json.loads(run("report", "--period", "2026-10", "--json").output)
    assert october["targets"]["revenue"]["target"] == 20_000_00
    assert (
        "weekends only"
        in run("target", "holidays", "--remove", "2026-10-01", "--remove", "2026-10-02").output
    )
    assert run("target", "split", "last-year").exit_code == 0
    # no revenue won last year to weigh by: an even split still
    november = json.loads(run("report", "--json").output)
    assert november["targets"]["revenue"]["target"] == round(259_000_00 * 21 / 261)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("target", "set", "calls", "many", "--period", "2026"), "'many' is not a whole number"),
        (("target", "set", "--period", "2026", "calls", "--", "-3"), "zero or more"),
        (("target", "set", "revenue", "lots", "--period", "2026"), "'lots' is not an amount"),
        (("target", "set", "calls", "5", "--period", "2026-13"), "is not a period"),
        (
            ("target", "set", "calls", "5", "--period", "2026", "--rep", "Nobody"),
            "no rep named 'Nobody'",
        ),
        (("target", "holidays", "--add", "2026-02-30"), "not a real date"),
        (("target", "holidays", "--add", "every monday"), "give one day"),
        (("report", "--period", "fortnight"), "is not a period"),
        (("report", "--rep", "Nobody"), "no rep named 'Nobody'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert "No targets yet" in run("target", "list").output


def test_the_team_report_has_a_leaderboard(run: Run) -> None:
    assert run("demo").exit_code == 0
    report = json.loads(run("report", "--rep", "all", "--json").output)
    assert report["rep"] == "everyone"
    assert len(report["leaderboard"]) == 5  # the demo's four reps, and you, with no target
    assert {
        "rep": "Li Wei",
        "team": None,
        "manager": None,
        "won_revenue": 0,
        "target": None,
        "attainment": None,
    } in report["leaderboard"]
    teams = [group["group"] for group in report["leaderboard_by_team"]]
    assert teams == ["South", "East", None]  # the demo's two regions; you are in neither
    assert "Leaderboard by manager" in run("report", "--rep", "all", "--by", "manager").output
    revenue = [entry["won_revenue"] for entry in report["leaderboard"]]
    assert revenue == sorted(revenue, reverse=True)
    assert "Leaderboard" in run("report", "--rep", "all").output


def test_the_home_currency_is_set_and_targets_in_another_stop_counting(run: Run) -> None:
    """A CNY target measured against USD revenue would be silently wrong: it
    no longer counts, and the rep is told so."""
    assert "Home currency: CNY" in run("currency").output
    run("target", "set", "revenue", "261,000", "--period", "2026")
    run("target", "set", "calls", "42", "--period", "this month")
    changed = run("currency", "usd")
    assert changed.exit_code == 0
    assert "Home currency: USD." in changed.output
    assert "1 revenue target is in another currency" in changed.output
    report = json.loads(run("report", "--json").output)
    assert report["currency"] == "USD"
    assert report["targets"]["revenue"]["target"] is None  # the CNY one: not converted
    assert report["targets"]["calls"]["target"] == 42  # counts have no currency
    run("target", "set", "revenue", "522,000", "--period", "2026")
    report = json.loads(run("report", "--json").output)
    assert report["targets"]["revenue"]["target"] == 42_000_00
    refused = run("currency", "dollars")
    assert refused.exit_code != 0 and "not an ISO 4217 currency code" in refused.output
    assert "Home currency: USD" in run("currency").output


def test_reps_are_placed_in_teams_and_the_leaderboard_grouped(run: Run) -> None:
    assert run("reps", "set", "me", "--team", "华东区").exit_code == 0
    refused = run("reps", "set", "me", "--manager", "Li Wei")
    assert refused.exit_code == 2 and "not their own manager" in refused.output
    assert "Li Wei  华东区" in run("reps").output
    (listed,) = json.loads(run("reps", "--json").output)
    assert (listed["team"], listed["manager"]) == ("华东区", None)
    text = run("report", "--rep", "all", "--by", "team").output
    assert "Leaderboard by team" not in text  # one rep: no leaderboard at all
    report = json.loads(run("report", "--json").output)
    assert report["leaderboard"][0]["team"] == "华东区"
    assert report["leaderboard_by_team"][0]["group"] == "华东区"
    assert report["leaderboard_by_manager"][0]["group"] is None
