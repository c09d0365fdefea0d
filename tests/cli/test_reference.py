"""docs/cli.md is every command's --help as it is now: a command, option or
help text changed without `python docs/generate_cli.py` fails here."""

from pathlib import Path

from tests.realworld import grader

GENERATOR = Path(__file__).resolve().parents[2] / "docs" / "generate_cli.py"


def test_the_cli_reference_says_what_the_commands_say() -> None:
    generator = grader(GENERATOR)
    written = generator.REFERENCE.read_text(encoding="utf-8")
    assert written == generator.reference(), "run: python docs/generate_cli.py"
