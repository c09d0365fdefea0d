"""Each command through click's runner, good input and bad."""

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench import __version__
from workbench.cli import cli

Run = Callable[..., Result]
DUE_KEYS = {
    "id",
    "title",
    "due_date",
    "due_time",
    "snoozed_until",
    "recurrence",
    "customer_id",
    "customer",
    "deal_id",
    "deal",
    "amount",
    "currency",
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def run(db_path: Path) -> Run:
    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def demo_db(run: Run) -> Run:
    assert run("demo").exit_code == 0
    return run


def test_version_and_help() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("demo", "today", "log", "customers", "deals", "me"):
        assert command in result.output


def test_demo_fills_and_then_refuses(run: Run) -> None:
    first = run("demo", "--customers", "30")
    assert first.exit_code == 0, first.output
    assert "30 customers" in first.output
    again = run("demo")
    assert again.exit_code == 2
    assert "already has customers; use --force" in again.output
    same_seed = run("demo", "--force")
    assert same_seed.exit_code == 2 and "seed 7 is already in this database" in same_seed.output
    assert run("demo", "--customers", "5", "--seed", "8", "--force").exit_code == 0
    assert len(json.loads(run("customers", "--json").output)) == 35


def test_demo_keeps_an_existing_rep(run: Run) -> None:
    run("me", "Li Wei")
    assert run("demo", "--customers", "3").exit_code == 0
    assert run("me").output.strip() == "Li Wei"


def test_today_json_has_stable_keys(demo_db: Run) -> None:
    result = demo_db("today", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["date"] == "2026-11-23"
    assert set(data) == {"date", "overdue", "today", "next_7_days"}
    every = data["overdue"] + data["today"] + data["next_7_days"]
    assert every, "the demo has follow-ups around today"
    assert set(every[0]) == DUE_KEYS
    assert all(item["due_date"] < "2026-11-23" for item in data["overdue"])
    assert all("2026-11-23" < item["due_date"] <= "2026-11-30" for item in data["next_7_days"])


def test_today_text(demo_db: Run) -> None:
    result = demo_db("today")
    assert result.exit_code == 0
    assert "Overdue (" in result.output and "d overdue" in result.output


def test_today_text_is_capped_per_section(demo_db: Run) -> None:
    overdue = len(json.loads(demo_db("today", "--json").output)["overdue"])
    assert overdue > 2
    output = demo_db("today", "--limit", "2").output
    assert f"Overdue ({overdue})" in output
    assert f"… and {overdue - 2} more (--limit {overdue} shows them)" in output


def test_done_snooze_and_reschedule_from_the_ids_today_lists(demo_db: Run) -> None:
    """What the Today pane's d, s and r do, by the start of the id `today` lists."""
    overdue = json.loads(demo_db("today", "--json").output)["overdue"]
    first, second, third = (row["id"] for row in overdue[:3])
    assert first[:6] in demo_db("today").output
    done = demo_db("done", first[:6])
    assert done.exit_code == 0 and done.output.startswith(f"Done: {overdue[0]['title']}")
    gone = demo_db("done", first[:6])
    assert gone.exit_code == 2 and "no open follow-up has an id starting" in gone.output
    snoozed = demo_db("snooze", second[:8], "next mon")
    assert snoozed.exit_code == 0 and "Snoozed until Mon" in snoozed.output
    moved = demo_db("reschedule", third, "in 2 weeks 3pm")
    assert moved.exit_code == 0 and "15:00" in moved.output
    left = {
        row["id"]: row
        for rows in json.loads(demo_db("today", "--json").output).values()
        if isinstance(rows, list)
        for row in rows
    }
    assert first not in left and left[second]["snoozed_until"] is not None
    assert third not in left  # two weeks away
    nexted = demo_db("done", second[:8], "--next", "tomorrow")
    assert nexted.exit_code == 0 and "Next: " in nexted.output


def test_done_with_a_log_as_the_apps_d_does(demo_db: Run, db_path: Path) -> None:
    first = json.loads(demo_db("today", "--json").output)["overdue"][0]
    refused = demo_db("done", first["id"][:8], "--satisfaction", "4")
    assert refused.exit_code == 2 and "go with --log KIND" in refused.output
    args = ["--log", "call", "--note", "Asked for a quote", "--outcome", "connected"]
    done = demo_db("done", first["id"][:8], *args, "--satisfaction", "4")
    assert done.exit_code == 0, done.output
    assert done.output.startswith(
        f"Logged call with {first['customer']} (connected).\nDone: {first['title']}"
    )
    assert first["id"] not in demo_db("today", "--json").output
    with sqlite3.connect(db_path) as db:
        logged = db.execute(
            "SELECT customer_id, deal_id, kind, outcome, satisfaction FROM activities "
            "WHERE notes = ?",
            ["Asked for a quote"],
        ).fetchall()
    assert logged == [(first["customer_id"], first["deal_id"], "call", "connected", 4)]


def test_move_a_deal_closes_and_reopens_it_as_the_boards_keys_do(
    demo_db: Run, db_path: Path
) -> None:
    """`move ID lost` from an open stage: no Won on the way; a future close
    day, or a reason for an open stage, is refused with nothing written."""
    deal = next(d for d in json.loads(demo_db("deals", "--json").output) if d["stage"] == "lead")
    short = deal["id"][:8]
    future = demo_db("move", short, "won", "--on", "next week")
    assert future.exit_code == 2 and "in the future" in future.output
    lost = demo_db("move", short, "lost", "--on", "yesterday", "--reason", "Went with a rival")
    assert lost.exit_code == 0 and lost.output == f"{deal['title']} → Lost\n"
    again = demo_db("move", short, "lost")
    assert again.output == f"“{deal['title']}” is Lost already\n"
    why = demo_db("move", short, "qualified", "--reason", "Back in")
    assert why.exit_code == 2 and "go with won or lost" in why.output
    assert demo_db("move", short, "qualified").output == f"{deal['title']} → Qualified\n"
    with sqlite3.connect(db_path) as db:
        moves = db.execute(
            "SELECT from_stage, to_stage FROM stage_history WHERE deal_id = ? ORDER BY at, rowid",
            [deal["id"]],
        ).fetchall()
    assert moves[-2:] == [("lead", "lost"), ("lost", "qualified")]


def test_done_names_what_an_unclear_id_could_be(demo_db: Run) -> None:
    result = demo_db("done", "1")
    assert result.exit_code == 2 and "follow-ups' ids" in result.output
    assert "type more of it" in result.output
    assert "no open follow-up" in demo_db("done", "[/]").output


def test_today_on_empty_database(run: Run) -> None:
    assert run("today").output.strip() == "Nothing due in the next 7 days."


def test_log_a_call_with_next_follow_up(demo_db: Run) -> None:
    first = json.loads(demo_db("customers", "--json", "--limit", "1").output)[0]
    name = first["name"]
    result = demo_db(
        "log",
        "call",
        first["id"][:8],
        "--outcome",
        "no answer",
        "--next",
        "fri 3pm",
        "--note",
        "rang twice",
    )
    assert result.exit_code == 0, result.output
    assert f"Logged call with {name} (no answer)." in result.output
    assert "Next: Fri 27 Nov 15:00 — Follow up on call: rang twice" in result.output
    upcoming = json.loads(demo_db("today", "--json").output)["next_7_days"]
    assert any(
        i["customer"] == name and (i["due_date"], i["due_time"]) == ("2026-11-27", "15:00")
        for i in upcoming
    )


def test_log_with_someone_new_adds_them_only_when_asked(run: Run) -> None:
    assert run("me", "Li Wei").exit_code == 0
    refused = run("log", "call", "Nobody Ltd", "--note", "Asked for a quote")
    assert refused.exit_code == 2
    assert "no customer named 'Nobody Ltd' (--new-customer adds it)" in refused.output
    added = run("log", "call", "Nobody Ltd", "--note", "Asked for a quote", "--new-customer")
    assert added.exit_code == 0, added.output
    assert "Nobody Ltd" in run("customers").output
    bad = run("log", "call", "Other Ltd", "--outcome", "meeting_held", "--new-customer")
    assert bad.exit_code == 2
    assert "Other Ltd" not in run("customers").output, "no customer without its log"


def test_log_a_rated_visit_and_a_complaint(demo_db: Run, db_path: Path) -> None:
    from workbench.store.database import fetch_all, open_store

    first = json.loads(demo_db("customers", "--json", "--limit", "1").output)[0]["id"]
    assert demo_db("log", "visit", first, "--satisfaction", "5").exit_code == 0
    assert demo_db("log", "complaint", first, "--note", "Late again").exit_code == 0
    store = open_store(db_path)
    newest = (
        "SELECT kind, satisfaction, complaint_status FROM activities "
        "WHERE customer_id = ? ORDER BY rowid DESC LIMIT 2"
    )
    rows = fetch_all(store.db, newest, [first])
    store.close()
    assert [tuple(r.values()) for r in rows] == [("complaint", None, "open"), ("visit", 5, None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("log", "call", "No Such Customer"), "no customer named 'No Such Customer'"),
        (("log", "fax", "x"), "'fax' is not one of"),
        (("log", "call", "{first}", "--next", "someday"), "can't read 'someday' as a date"),
        (("log", "call", "{first}", "--next", "2026-02-30"), "not a real date"),
        (("log", "call", "{first}", "--outcome", "sent"), "'sent' is not an outcome of a call"),
        (("log", "call", "{first}", "--outcome", "great"), "unknown outcome 'great'"),
        (("log", "call", "{first}", "--deal", "zzz"), "'zzz' matches no deal"),
        (("log", "note", "{first}", "--note", "x" * 20_001), "notes: is too long"),
        (("log", "visit", "{first}", "--satisfaction", "6"), "6 is not in the range 1<=x<=5"),
        (("deals", "--stage", "dreaming"), "no stage 'dreaming'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    demo_db: Run, args: tuple[str, ...], message: str
) -> None:
    first = json.loads(demo_db("customers", "--json", "--limit", "1").output)[0]["id"]
    before = demo_db("today", "--json").output
    result = demo_db(*(arg.replace("{first}", first) for arg in args))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert demo_db("today", "--json").output == before


def test_ambiguous_customer_lists_candidates(demo_db: Run) -> None:
    result = demo_db("log", "call", "B")
    assert result.exit_code == 2
    assert "'B' matches" in result.output and "customers:" in result.output


def test_customers_and_deals(demo_db: Run) -> None:
    everyone = json.loads(demo_db("customers", "--json", "--limit", "1000").output)
    assert len(everyone) == 200
    found = json.loads(demo_db("customers", "--search", "教育", "--json").output)
    assert found and all("教育" in c["name"] for c in found)
    proposals = json.loads(demo_db("deals", "--stage", "proposal", "--json").output)
    assert proposals and {d["stage"] for d in proposals} == {"proposal"}
    listed = demo_db("deals", "--all").output
    assert "Stage" in listed
    first = proposals[0]
    assert f"¥{first['amount'] / 100:,.2f}" in listed, "a deal's exact amount, fen included"


def test_duplicates(run: Run, db_path: Path) -> None:
    from workbench.domain.models import Customer
    from workbench.store.database import open_store

    assert "No likely duplicates" in run("duplicates").output
    store = open_store(db_path)
    store.add(Customer(name="Hengtai Pumps Co., Ltd.", email="info@hengtai.cn"))
    store.add(Customer(name="HENGTAI PUMPS", email="li@hengtai.cn"))
    store.add(Customer(name="Somebody Else", email="x@gmail.com"))
    store.close()
    (pair,) = json.loads(run("duplicates", "--json").output)
    assert (pair["first"]["name"], pair["second"]["name"]) == (
        "Hengtai Pumps Co., Ltd.",
        "HENGTAI PUMPS",
    )
    assert pair["reasons"] == [
        "same e-mail domain (hengtai.cn)",
        "same name once legal suffixes are dropped",
    ]
    assert "same e-mail domain (hengtai.cn)" in run("duplicates").output


def test_markup_and_escape_codes_print_as_text(run: Run, db_path: Path) -> None:
    from workbench.domain.models import Customer
    from workbench.store.database import open_store

    store = open_store(db_path)
    store.add(Customer(name="[bold red]Loud[/] Ltd"))
    # A name the models refuse, as a foreign writer could leave it in the table.
    store.db.execute(
        "INSERT INTO customers (id, updated_at, name) VALUES ('x', '', ?)", ["Evil\x1b[2J Corp"]
    )
    store.close()
    output = run("customers").output
    assert "[bold red]Loud[/] Ltd" in output
    assert "Evil?[2J Corp" in output and "\x1b" not in output


def test_me(run: Run) -> None:
    missing = run("me")
    assert missing.exit_code == 2 and "no rep set yet" in missing.output
    assert run("me", "Li Wei").output.strip() == "You are Li Wei."
    assert run("me").output.strip() == "Li Wei"
    assert run("me", "Li Wei-Zhang").exit_code == 0
    assert run("me").output.strip() == "Li Wei-Zhang"


def test_demo_flag_before_or_after_the_command(db_path: Path) -> None:
    for args in (["--demo", "today", "--json"], ["today", "--demo", "--json"]):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0
        assert json.loads(result.output)["overdue"]
    assert not db_path.exists(), "a throw-away demo never touches the real database"


def test_bad_database_paths(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite, just a text file that is long enough" * 20)
    result = CliRunner().invoke(cli, ["--db", str(junk), "today"])
    assert result.exit_code == 2 and "is not a Workbench database" in result.output
    result = CliRunner().invoke(cli, ["--db", str(tmp_path), "today"])
    assert result.exit_code == 2 and "is a folder" in result.output


def test_newer_database_is_refused(tmp_path: Path) -> None:
    from sqlite_utils import Database

    path = tmp_path / "newer.db"
    assert CliRunner().invoke(cli, ["--db", str(path), "today"]).exit_code == 0
    Database(path)["_sqlite_migrations"].insert(
        {"migration_set": "workbench", "name": "9999_future", "applied_at": "2027"}
    )
    result = CliRunner().invoke(cli, ["--db", str(path), "today"])
    assert result.exit_code == 2
    assert "written by a newer Workbench" in result.output


def test_default_database_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "env.db"))
    assert CliRunner().invoke(cli, ["demo", "--customers", "3"]).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_stages_list_and_change(demo_db: Run) -> None:
    listed = demo_db("stages").output
    assert "negotiation" in listed and "Rot days" in listed
    changed = demo_db("stages", "set", "needs", "--label", "Discovery", "--rot-days", "30")
    assert changed.exit_code == 0 and "Discovery" in changed.output
    added = demo_db(
        "stages", "add", "demo", "--label", "Demo", "--probability", "50", "--after", "needs"
    )
    lines = [line.split()[0] for line in added.output.splitlines()[1:]]
    assert lines[:5] == ["lead", "qualified", "needs", "demo", "proposal"]
    assert demo_db("stages", "move", "demo", "--after", "lead").exit_code == 0
    deleted = demo_db("stages", "delete", "proposal", "--move-to", "demo")
    assert (
        deleted.exit_code == 0
        and "moved" in deleted.output
        and "proposal" not in deleted.output.split("\n", 1)[1]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("stages", "delete", "proposal"), "move them first (--move-to STAGE)"),
        (("stages", "delete", "won"), "built in"),
        (("stages", "move", "won", "--after", "lead"), "Won and Lost stay at the end"),
        (("stages", "set", "needs", "--probability", "150"), "probability: must be at most 100"),
        (("stages", "set", "needs"), "say what to change"),
        (("stages", "set", "nope", "--label", "x"), "no stage 'nope'"),
        (("stages", "add", "lead", "--label", "x", "--probability", "5"), "already a stage"),
    ],
)
def test_stage_mistakes(demo_db: Run, args: tuple[str, ...], message: str) -> None:
    before = demo_db("stages").output
    result = demo_db(*args)
    assert result.exit_code == 2 and message in result.output
    assert demo_db("stages").output == before


def test_the_language_is_asked_for_by_name_and_an_unknown_one_refused() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "fr", "--help"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "no language 'fr': Workbench speaks en, zh_CN" in done.stderr
    assert "--lang LANG" in CliRunner().invoke(cli, ["--help"]).output


def test_a_deal_imported_without_a_customer_is_given_one(run: Run, tmp_path: Path) -> None:
    """HubSpot's deal export names no company: the deals land, `deals` says
    so, and `deal ID --customer` names it by the id `deals` lists."""
    assert run("me", "Li Wei").exit_code == 0
    path = tmp_path / "deals.csv"
    path.write_text("Record ID,Deal Name,Deal Stage,Amount\n9001,Seed round,lead,25000\n")
    assert run("import-csv", "deals", str(path)).exit_code == 0
    (row,) = json.loads(run("deals", "--json").output)
    assert (row["title"], row["customer_id"]) == ("Seed round", None)
    listed = run("deals").output
    assert f"{row['id'][:6]}  lead   Seed round  (no customer)" in listed
    assert run("deal", row["id"][:6]).output.startswith("Seed round — (no customer)\n")
    missing = run("deal", row["id"][:6], "--customer", "Acme")
    assert missing.exit_code == 2 and "no customer named 'Acme'" in missing.output
    assert run("log", "call", "Acme", "--new-customer").exit_code == 0
    named = run("deal", row["id"][:6], "--customer", "Acme")
    assert named.exit_code == 0 and "Seed round is now Acme's deal." in named.output
    assert json.loads(run("deals", "--json").output)[0]["customer_name"] == "Acme"
    assert "no deal has an id starting 'zz'" in run("deal", "zz").output
