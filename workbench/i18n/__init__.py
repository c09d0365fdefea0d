"""Every text a rep reads, in their language.

Code writes its texts in English, each through `tr` (or `tr_n` where a
count decides the form): `tr("Snoozed until {day}", day=...)`. The English
text is the key into the language's catalogue (`zh_CN.py`: a plain dict,
no build step); a text the catalogue lacks shows in English, and a test
fails for every `tr` text a catalogue lacks, so none ships untranslated.

The language is chosen once, as the program starts (`choose`): `--lang`,
else `WORKBENCH_LANG`, else the system locale. Screens build their key
descriptions when their modules load, after that.

This module imports nothing of ours: every layer may use it.
"""

from __future__ import annotations

import os
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Any

ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)

_catalogue: dict[str, str] = {}
_click_catalogue: dict[str, str] = {}
_language = ENGLISH


class UnknownLanguage(ValueError):
    pass


def tr(text: str, /, **values: Any) -> str:
    """`text` in the chosen language, its {placeholders} filled from `values`."""
    shown = _catalogue.get(text, text)
    return shown.format(**values) if values else shown


def tr_click(text: str) -> str:
    """One of click's own texts ('Usage:', its errors) in the chosen language:
    the command line passes click's gettext lookups here (workbench.cli)."""
    return _click_catalogue.get(text, text)


class Worded(StrEnum):
    """A choice a rep reads in their language (`label`). Its value is its
    English name (marked with `later`), unless the enum's `__names__` gives
    one: a stored value such as 'no_answer' never changes with the language."""

    @property
    def label(self) -> str:
        names: dict[str, str] = type(self).__dict__.get("__names__", {})
        return tr(names.get(self.value, self.value))


def later(text: str) -> str:
    """`text` as is, marked as a text the catalogue has: for texts kept as
    data in English (a default stage's label, an outcome's name) and passed
    through `tr` by value where they are shown."""
    return text


def tr_n(one: str, many: str, count: int, /, **values: Any) -> str:
    """`one` or `many` by `count` (Chinese has one form: the catalogue gives
    `many`'s), with {count} filled in as 1,234 as well as `values`."""
    return tr(one if count == 1 else many, count=f"{count:,}", **values)


_WEEKDAYS = {
    ENGLISH: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    CHINESE: ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def weekday(index: int) -> str:
    """Monday (0) to Sunday (6), short: 'Tue', '周二'."""
    return _WEEKDAYS[_language][index]


def day_text(day: date, *, year: bool = False) -> str:
    """A day as a rep reads it: 'Tue 1 Dec' ('Tue 1 Dec 2026' with the
    year); in Chinese '12月1日 周二' ('2026年12月1日 周二')."""
    if _language == CHINESE:
        shown = f"{day.month}月{day.day}日 {weekday(day.weekday())}"
        return f"{day.year}年{shown}" if year else shown
    shown = f"{weekday(day.weekday())} {day.day} {day:%b}"
    return f"{shown} {day.year}" if year else shown


def ordinal(n: int) -> str:
    """A day of the month as an ordinal: '1st', '22nd'; '1日', '22日'."""
    return f"{n}日" if _language == CHINESE else english_ordinal(n)


def english_ordinal(n: int) -> str:
    """'1st', '22nd', '13th', whatever the language (typed English is read so)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def month_day(day: date) -> str:
    """'05 Dec', '12月5日': a date in a dense list, with no weekday or year."""
    return f"{day.month}月{day.day}日" if _language == CHINESE else f"{day:%d %b}"


def month_text(day: date) -> str:
    """'November 2026', '2026年11月': a month heading."""
    return f"{day.year}年{day.month}月" if _language == CHINESE else f"{day:%B %Y}"


def cells(text: str) -> int:
    """How many terminal columns `text` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """`text` followed by spaces to fill `width` terminal columns."""
    return text + " " * max(0, width - cells(text))


def language() -> str:
    return _language


def choose(asked: str | None = None) -> str:
    """Set the language: `asked` (from --lang), else WORKBENCH_LANG, else the
    system locale (LC_ALL, LC_MESSAGES, LANG); English when none names one we
    have. An `asked` or WORKBENCH_LANG we do not have is an error."""
    global _catalogue, _click_catalogue, _language
    named = asked or os.environ.get("WORKBENCH_LANG")
    if named:
        chosen = _known(named)
        if chosen is None:
            raise UnknownLanguage(f"no language {named!r}: Workbench speaks {', '.join(LANGUAGES)}")
    else:
        system = next(
            (os.environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(k)), ""
        )
        chosen = _known(system) or ENGLISH
    if chosen == CHINESE:
        from workbench.i18n.zh_CN import CLICK, MESSAGES

        _catalogue, _click_catalogue = MESSAGES, CLICK
    else:
        _catalogue, _click_catalogue = {}, {}
    _language = chosen
    return chosen


def _known(name: str) -> str | None:
    """'zh_CN.UTF-8', 'zh-cn', 'zh' -> zh_CN; 'en_US', 'C', 'POSIX' -> en."""
    base = name.split(".")[0].split("@")[0].replace("-", "_").lower()
    if base.startswith("zh"):
        return CHINESE
    if base.startswith("en") or base in ("c", "posix"):
        return ENGLISH
    return None
