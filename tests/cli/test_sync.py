"""workbench export and bundle-schema."""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli


def test_export_and_the_bundle_schema(tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), *args])
        return result.exit_code, result.output

    assert run("me", "Li Wei")[0] == 0
    (tmp_path / "out").mkdir()
    code, output = run("export", "-o", str(tmp_path / "out" / "mine.json"))
    assert code == 0 and "(full)" in output
    bundle = json.loads((tmp_path / "out" / "mine.json").read_text())
    assert bundle["header"]["count"] == len(bundle["changes"]) > 0
    code, output = run("export", "-o", str(tmp_path / "x.json"), "--for", "Sam")
    assert code == 2 and "not a peer we have had a bundle from" in output
    assert not (tmp_path / "x.json").exists()
    assert run("export", "-o", str(tmp_path / "y.json"), "--for", "Sam", "--full")[0] == 2
    schema = json.loads(CliRunner().invoke(cli, ["bundle-schema"]).output)
    assert "Change" in schema["$defs"]


def test_import_prints_a_summary_and_refuses_with_one_line(tmp_path: Path) -> None:
    def run(db: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / db), *args])
        return result.exit_code, result.output

    run("a.db", "demo", "--customers", "5")
    run("a.db", "export", "-o", str(tmp_path / "a.json"))
    code, output = run("b.db", "import", str(tmp_path / "a.json"))
    assert code == 0 and "a.json from Alex Chen:" in output and " added" in output
    assert run("b.db", "customers")[1] == run("a.db", "customers")[1]
    code, output = run("b.db", "import", str(tmp_path / "a.json"), "--json")
    assert json.loads(output)["imported"][0]["new"] == 0

    (tmp_path / "bad.json").write_text('{"header": ')
    code, output = run("b.db", "import", str(tmp_path / "bad.json"))
    assert code == 2
    assert output.strip().splitlines() == [
        f"Error: {tmp_path / 'bad.json'} ends too early: the file is cut short (truncated); "
        "nothing was imported from it"
    ]


def test_sync_remembers_the_folder(tmp_path: Path) -> None:
    def run(db: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / db), *args])
        return result.exit_code, result.output

    run("a.db", "me", "Li Wei")
    code, output = run("a.db", "sync")
    assert code == 2 and "which folder?" in output
    assert run("a.db", "sync", str(tmp_path / "missing"))[0] == 2
    (tmp_path / "team").mkdir()
    code, output = run("a.db", "sync", str(tmp_path / "team"))
    assert code == 0 and "Wrote" in output and "li-wei-" in output
    run("b.db", "me", "Sam Patel")
    code, output = run("b.db", "sync", str(tmp_path / "team"), "--json")
    assert json.loads(output)["imported"][0]["rep"] == "Li Wei"
    code, output = run("a.db", "sync")  # the remembered folder
    assert code == 0 and "from Sam Patel" in output


def test_a_locked_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*_: object) -> None:
        busy = sqlite3.OperationalError("database is locked")
        busy.sqlite_errorcode, busy.sqlite_errorname = 5, "SQLITE_BUSY"  # as SQLite raises it
        raise busy

    runner = CliRunner()
    runner.invoke(cli, ["--db", str(tmp_path / "a.db"), "export", "-o", str(tmp_path / "a.json")])
    monkeypatch.setattr("workbench.sync.importer.import_bundle", locked)
    result = runner.invoke(
        cli, ["--db", str(tmp_path / "b.db"), "import", str(tmp_path / "a.json")]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: the database cannot be written now (database is locked); nothing was changed: "
        "try again"
    ]


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b2J"  # set the window title, clear the screen (and C1 CSI)


def test_a_bundle_s_text_reaches_the_terminal_inert(tmp_path: Path) -> None:
    """A teammate's rep name holding escape codes is printed with them as '?'
    by import, sync and export --for (its list of peers), in text and JSON."""
    from tests.sync.bundles import read_bundle_file, write_bundle

    def run(db: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / db), *args])
        return result.exit_code, result.output

    run("a.db", "me", "Li Wei")
    run("a.db", "export", "-o", str(tmp_path / "a.json"))
    header, changes = read_bundle_file(tmp_path / "a.json")
    folder = tmp_path / "team"
    folder.mkdir()
    write_bundle(folder / "li-wei.json", header | {"rep": ESCAPES}, changes)
    outputs = [
        run("b.db", "import", str(folder / "li-wei.json")),
        run("b.db", "import", "--json", str(folder / "li-wei.json")),
        run("b.db", "sync", str(folder)),
        run("b.db", "export", "-o", str(tmp_path / "b.json"), "--for", "x"),
    ]
    for _, output in outputs:
        assert not any(char in output for char in "\x1b\x07\x9b"), output
    assert "li-wei.json from ?]0;pwned??[2J?2J: " in outputs[0][1]
    assert json.loads(outputs[1][1])["imported"][0]["rep"] == ESCAPES  # the JSON says what it was
    assert "(peers: ?]0;pwned??[2J?2J (" in outputs[3][1]
