"""The message catalogue: every text the program passes to `tr` is in every
language's catalogue with the same placeholders, none is kept there unused,
and the screens pass their texts through `tr` rather than show English."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import workbench
from workbench import i18n
from workbench.i18n.zh_CN import CLICK, MESSAGES

PACKAGE = Path(workbench.__file__).parent
PLACEHOLDER = re.compile(r"\{(\w*)[^}]*\}")


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    yield from (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def texts() -> dict[str, str]:
    """Every literal text given to tr, tr_n or later, and every command's
    help (its docstring, which the command line passes to tr): {text: where}."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            if _name(call) not in ("tr", "tr_n", "later"):
                continue
            count = 2 if _name(call) == "tr_n" else 1
            for arg in call.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(PACKAGE)}:{call.lineno}")
        for command in _commands(tree):
            if help := ast.get_docstring(command, clean=True):
                found.setdefault(help, f"{path.relative_to(PACKAGE)}:{command.lineno}")
    return found


def _commands(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    """The functions declared as click commands or groups."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and _name(d) in ("command", "group")
            for d in node.decorator_list
        ):
            yield node


def test_every_text_is_in_the_chinese_catalogue() -> None:
    missing = [f"{where}: {text!r}" for text, where in texts().items() if text not in MESSAGES]
    assert not missing, "no Chinese for:\n" + "\n".join(missing)


def test_the_catalogue_keeps_no_text_the_program_no_longer_says() -> None:
    unused = sorted(set(MESSAGES) - set(texts()))
    assert not unused, f"unused in zh_CN.py: {unused}"


@pytest.mark.parametrize("text", sorted(MESSAGES))
def test_a_translation_fills_in_only_what_the_english_has(text: str) -> None:
    """It may leave a value out (an English ordinal, '1st'), never invent one."""
    assert set(PLACEHOLDER.findall(MESSAGES[text])) <= set(PLACEHOLDER.findall(text))
    assert MESSAGES[text].strip(), "an empty translation"


# Where a screen shows text: these calls' text arguments must come from tr.
_SHOWN = {
    "notify": [0],
    "Static": [0],
    "Label": [0],
    "Button": [0],
    "Binding": [2],
    "write": [1],
    "Text": [0],
}
_SHOWN_KEYWORDS = {"placeholder", "description", "heading", "title", "prompt", "label"}


def _plain_english(node: ast.AST) -> bool:
    """A literal (or an f-string) with a word in it: text that skipped tr."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_plain_english(part) for part in node.values)
    return False


def test_screens_show_no_text_that_skipped_the_catalogue() -> None:
    found = []
    for path in sorted((PACKAGE / "tui").glob("*.py")):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            args = [call.args[i] for i in _SHOWN.get(_name(call), []) if i < len(call.args)]
            args += [k.value for k in call.keywords if k.arg in _SHOWN_KEYWORDS]
            found += [f"{path.name}:{call.lineno}" for arg in args if _plain_english(arg)]
    assert not found, "English shown without tr at:\n" + "\n".join(found)


def test_the_language_comes_from_the_flag_the_variable_or_the_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = i18n.language()
    for name in ("WORKBENCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    try:
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        assert i18n.choose() == "zh_CN" and i18n.tr("Today") == MESSAGES["Today"]
        monkeypatch.setenv("WORKBENCH_LANG", "en")
        assert i18n.choose() == "en" and i18n.tr("Today") == "Today"
        assert i18n.choose("zh-CN") == "zh_CN", "--lang wins over both"
        with pytest.raises(i18n.UnknownLanguage, match="Workbench speaks en, zh_CN"):
            i18n.choose("fr")
        monkeypatch.setenv("LANG", "fr_FR.UTF-8")
        monkeypatch.delenv("WORKBENCH_LANG")
        assert i18n.choose() == "en", "a locale we do not speak falls back to English"
    finally:
        i18n.choose(before)


def test_counts_take_their_form_and_their_separators() -> None:
    assert i18n.tr_n("{count} customer", "{count} customers", 1) == "1 customer"
    assert i18n.tr_n("{count} customer", "{count} customers", 1200) == "1,200 customers"


def test_the_command_line_says_nothing_that_skipped_the_catalogue() -> None:
    """What it prints, the errors it raises and its options' help."""
    found = []
    for call in _calls(ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))):
        args = call.args[:1] if _name(call) in ("echo", "secho", "UserError", "_table") else []
        args += [k.value for k in call.keywords if k.arg == "help"]
        found += [f"cli.py:{call.lineno}" for arg in args if _plain_english(arg)]
    assert not found, "English printed without tr at:\n" + "\n".join(found)


# Errors that no rep reads in words of ours, with why: (file, the text's start).
_ENGLISH_ERRORS = {
    ("domain/clock.py", "FixedClock"),  # a test's mistake
    ("domain/hlc.py", "not a clock stamp"),  # read back from our own log
    ("domain/hlc.py", "clock counter overflow"),  # cannot happen in practice
    ("i18n/__init__.py", "no language"),  # said before any language is chosen
    ("interop/content_lines.py", "a line without"),  # caught: vcard.py says it again
    ("store/database.py", "no "),  # ids the program itself read a moment before
    ("store/database.py", "id and updated_at"),  # a programmer's mistake
    ("store/duplicates.py", "not a field to choose"),  # a programmer's mistake
    ("store/queries.py", "not a customer field"),  # a programmer's mistake
    ("sync/importer.py", "no repeated change id"),  # an assertion
}


def _words(node: ast.AST) -> str:
    """The literal text of a string or f-string, its {values} left out."""
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    return "".join(
        p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
    )


def test_errors_a_rep_reads_come_from_the_catalogue() -> None:
    """Raised with words of ours: through tr. A field's name and a colon
    ('amount: ...') is a name, not words, and stays as it is."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            for arg in node.exc.args[:1]:
                words = re.sub(r"^\w+: ", "", _words(arg))  # a field's name is no words
                if not re.search(r"[A-Za-z]{2}", words):
                    continue
                if not any(where == f and _words(arg).startswith(s) for f, s in _ENGLISH_ERRORS):
                    found.append(f"{where}:{node.lineno}: {words!r}")
    assert not found, "errors in English without tr:\n" + "\n".join(found)


def test_each_click_text_translated_is_still_one_of_clicks() -> None:
    """Click's texts are keyed by its English; after an upgrade that changed
    one, ours would silently stop showing."""
    import click

    source = "".join(
        p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py")
    )
    gone = [text for text in CLICK if repr(text) not in source and f'"{text}"' not in source]
    assert not gone, f"no longer in click: {gone}"
    for text, chinese in CLICK.items():
        assert set(PLACEHOLDER.findall(chinese)) <= set(PLACEHOLDER.findall(text)), text
