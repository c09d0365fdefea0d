"""The `workbench` entry point: the language first, then the command.

The command's help texts and the screens' key descriptions are made when
their modules load, so the language is chosen before any of them is
imported: from `--lang` on the command line, else WORKBENCH_LANG, else the
system locale (see workbench.i18n).
"""

from __future__ import annotations

import sys

from workbench import i18n


def main() -> None:
    try:
        i18n.choose(asked_language(sys.argv[1:]))
    except i18n.UnknownLanguage as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from workbench.cli import main as run

    run()


def asked_language(args: list[str]) -> str | None:
    """The value of `--lang X` or `--lang=X`, wherever it stands."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
    return None
