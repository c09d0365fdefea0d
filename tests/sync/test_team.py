"""Only the team gets in: bundles signed with the team's key are taken;
forged, re-signed, other-team and unsigned ones are refused with the
database unchanged; a database in no team works as before."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sync.bundles import dump, read_bundle_file, send, write_bundle
from workbench.cli import cli
from workbench.domain.models import Customer
from workbench.domain.team import Team
from workbench.store.database import Store
from workbench.sync.export import export_bundle
from workbench.sync.importer import import_bundle
from workbench.sync.reader import BundleError

PASSPHRASE = "correct horse battery"
TEAM = Team.join("3f2a9c1b7d4e", PASSPHRASE)


@pytest.fixture
def team(pair: tuple[Store, Store], tmp_path: Path) -> tuple[Store, Store, Path]:
    """a and b in one team; a's signed bundle of a new customer."""
    a, b = pair
    a.team = b.team = TEAM
    a.add(Customer(name="Acme", phone="+86 21 5555 0100"))
    return a, b, export_bundle(a, tmp_path / "a.json").path


def refused(store: Store, path: Path, words: str) -> None:
    before = dump(store)
    with pytest.raises(BundleError, match=words):
        import_bundle(store, path)
    assert dump(store) == before


def test_a_teammate_s_signed_bundle_is_taken(team: tuple[Store, Store, Path]) -> None:
    _, b, path = team
    header, _ = read_bundle_file(path)
    assert header["team"] == TEAM.id and len(header["hmac"]) == 64
    assert import_bundle(b, path).new > 0


def test_a_forged_bundle_is_refused(team: tuple[Store, Store, Path], tmp_path: Path) -> None:
    """A phone edited and the sha256 recomputed: the signature no longer fits."""
    _, b, path = team
    header, changes = read_bundle_file(path)
    for change in changes:
        if change["field"] == "phone":
            change["value"] = "+1 555 0199"
    refused(b, write_bundle(tmp_path / "forged.json", header, changes), "bad signature")


def test_re_signed_with_another_key_other_team_and_unsigned_are_refused(
    team: tuple[Store, Store, Path], tmp_path: Path
) -> None:
    _, b, path = team
    header, changes = read_bundle_file(path)
    wrong = Team.join(TEAM.id, "another passphrase")
    resigned = header | {"hmac": wrong.sign(header)}
    refused(b, write_bundle(tmp_path / "r.json", resigned, changes), "bad signature")
    other = Team.join("0123456789ab", PASSPHRASE)
    theirs = header | {"team": other.id}
    theirs["hmac"] = other.sign(theirs)
    refused(b, write_bundle(tmp_path / "o.json", theirs, changes), "another team")
    unsigned = {k: v for k, v in header.items() if k not in ("team", "hmac")}
    refused(b, write_bundle(tmp_path / "u.json", unsigned, changes), "is not signed")


def test_a_database_in_no_team_works_as_before_and_cannot_check_a_signed_one(
    pair: tuple[Store, Store], tmp_path: Path
) -> None:
    a, b = pair
    a.add(Customer(name="Acme"))
    assert send(a, b, tmp_path).new > 0
    a.team = TEAM
    refused(b, export_bundle(a, tmp_path / "signed.json").path, "this database is in no team")


def test_the_team_commands_keep_the_key_out_of_the_database(tmp_path: Path) -> None:
    def run(db: str, *args: str, given: str = "") -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / db), *args], input=given)
        return result.exit_code, result.output

    assert "in no team" in run("a.db", "team")[1]
    assert run("a.db", "team", "create", given="short\n") == (
        2,
        "Error: a team passphrase has at least 10 characters\n",
    )
    code, output = run("a.db", "team", "create", given=PASSPHRASE + "\n")
    assert code == 0, output
    keys = tmp_path / "config" / "teams.json"
    (entry,) = json.loads(keys.read_text()).values()
    assert keys.stat().st_mode & 0o077 == 0  # private to the user
    assert run("b.db", "team", "join", entry["team"], given=PASSPHRASE + "\n")[0] == 0
    assert entry["key"] not in (tmp_path / "a.db").read_bytes().hex()
    run("a.db", "me", "Li Wei")
    run("a.db", "export", "-o", str(tmp_path / "a.json"))
    assert run("b.db", "import", str(tmp_path / "a.json"))[0] == 0
    assert run("c.db", "import", str(tmp_path / "a.json"))[0] == 2  # in no team
    assert run("b.db", "team", "leave")[0] == 0
    assert "in no team" in run("b.db", "team")[1]
