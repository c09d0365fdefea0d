"""Putting mistakes right from the command line: an activity shown whole,
edited and deleted; any record deleted into the Trash and restored."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    def invoke(*args: str, input: str | None = None) -> Result:
        db = str(tmp_path / "cli.db")
        return CliRunner().invoke(cli, ["--db", db, *args], input=input, catch_exceptions=False)

    assert invoke("me", "Li Wei").exit_code == 0
    return invoke


def _activity(run: Run) -> str:
    logged = run("log", "call", "Acme [bold]", "--new-customer", "--note", "Line one\nline two")
    assert logged.exit_code == 0, logged.output
    listed = run("activity", "list", "Acme [bold]")
    return listed.output.splitlines()[1].split()[0]


def test_an_activity_is_shown_whole_and_edited(run: Run) -> None:
    short = _activity(run)
    shown = run("activity", "show", short)
    assert "Acme [bold]" in shown.output and "Line one\nline two\n" in shown.output
    edited = run("activity", "edit", short, "--note", "-", "--outcome", "no answer", input="A\nB\n")
    assert edited.exit_code == 0, edited.output
    data = json.loads(run("activity", "show", short, "--json").output)
    assert (data["notes"], data["outcome"]) == ("A\nB", "no_answer")
    moved = run("activity", "edit", short, "--at", "yesterday 3pm", "--kind", "visit")
    assert moved.exit_code == 2
    assert (
        "it was no_answer, not an outcome of a visit: add --outcome (meeting_held" in moved.output
    )
    assert json.loads(run("activity", "show", short, "--json").output)["kind"] == "call"
    email = run("activity", "edit", short, "--kind", "email", "--outcome", "sent")
    assert email.exit_code == 0, email.output
    assert run("activity", "edit", short, "--kind", "call", "--outcome", "no answer").exit_code == 0
    moved = run("activity", "edit", short, "--at", "yesterday 3pm", "--outcome", "")
    assert moved.exit_code == 0, moved.output
    data = json.loads(run("activity", "show", short, "--json").output)
    assert data["at"] == "2026-11-22T07:00:00Z" and data["outcome"] is None


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("next week", "still to come"),
        ("every day", "a day, not a repeat"),
        ("zz", "can't read 'zz' as a date"),
    ],
)
def test_an_activity_never_moves_to_a_day_not_meant(run: Run, at: str, said: str) -> None:
    short = _activity(run)
    before = run("activity", "show", short, "--json").output
    result = run("activity", "edit", short, "--at", at)
    assert result.exit_code == 2 and said in result.output
    assert run("activity", "show", short, "--json").output == before


def test_delete_trash_and_restore(run: Run) -> None:
    short = _activity(run)
    customer = json.loads(run("customers", "--json").output)[0]["id"]
    gone = run("delete", "customer", customer[:6])
    assert "Deleted Acme [bold] and 1 record with it" in gone.output
    assert run("activity", "show", short).exit_code == 2
    listed = run("trash")
    assert "Acme [bold]" in listed.output and "Li Wei" in listed.output
    (entry,) = json.loads(run("trash", "--json").output)
    assert (entry["kind"], len(entry["records"]), entry["by"]) == ("customer", 2, "Li Wei")
    back = run("restore", customer[:6])
    assert back.output == "Restored Acme [bold] and 1 record with it.\n"
    assert run("trash").output == "The Trash is empty.\n"
    assert run("activity", "delete", short).exit_code == 0
    assert "call" in run("trash").output and run("restore", short).exit_code == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("delete", "deal", "abc"), "no deal has an id starting 'abc'"),
        (("delete", "rep", "abc"), "'rep' is not one of"),
        (("restore", "abc"), "nothing in the Trash has the id 'abc'"),
        (("activity", "show", "[bold]"), "no activity has an id starting '[bold]'"),
    ],
)
def test_what_is_not_there_is_said(run: Run, args: tuple[str, ...], said: str) -> None:
    result = run(*args)
    assert result.exit_code != 0 and said in result.output


def test_a_second_laptop_claims_its_rep(tmp_path: Path) -> None:
    office, laptop = (str(tmp_path / f"{name}.db") for name in ("office", "laptop"))
    bundle = str(tmp_path / "office.json")

    def run(db: str, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)

    assert run(office, "me", "Li Wei").exit_code == 0
    assert run(laptop, "me", "Li Wei").exit_code == 0  # typed before the first sync
    assert run(office, "export", "-o", bundle).exit_code == 0
    assert run(laptop, "import", bundle).exit_code == 0
    told = run(laptop, "me")
    assert "Another rep is called Li Wei too" in told.output
    ambiguous = run(laptop, "me", "--claim", "Li Wei")
    assert ambiguous.exit_code == 2 and "2 reps are called 'Li Wei'" in ambiguous.output
    other = told.output.split("(")[1].split(")")[0]
    claimed = run(laptop, "me", "--claim", other)
    assert claimed.output == "You are Li Wei on this computer too.\n"
    assert run(laptop, "me").output == "Li Wei\n", "one Li Wei now"
