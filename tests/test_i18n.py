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
from workbench.i18n.zh_CN import MESSAGES

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
    """Every literal text given to tr, tr_n or later: {text: where}."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if _name(call) not in ("tr", "tr_n", "later"):
                continue
            count = 2 if _name(call) == "tr_n" else 1
            for arg in call.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(PACKAGE)}:{call.lineno}")
    return found


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
_SHOWN = {"notify": [0], "Static": [0], "Label": [0], "Button": [0], "Binding": [2],
          "write": [1], "Text": [0]}  # fmt: skip
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
