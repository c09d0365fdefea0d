"""Follow-up times typed in plain words: "next tue", "in 3 days", "dec 5 3pm",
"every 2 weeks", and the Chinese a rep in China types: "下周二", "3天后", "每周".

`parse_when(text, now)` returns a `When` (a date, an optional time of day and,
for recurrences, an RRULE) or raises `WhenError` with examples of what works.

Conventions, chosen to match what a rep means:
- a weekday name ("tue", "周二") is the coming one, 1 to 7 days ahead;
  "next tue" ("下周二") is the Tuesday of next week (weeks start on Monday);
- "next week" is next Monday, "next month" the 1st of next month;
- a month and day without a year ("dec 5") is the next such date;
- a time alone ("3pm") is today, or tomorrow if that time has passed;
- a part of the day sets the half of the day: "tonight 8", "3:20 in the
  afternoon", "friday morning 10am", "今晚8点"; "tonight" alone is today;
- Chinese hours 1–6 without 上午/早上 ("3点") mean the afternoon;
- "本周二"/"这周二" is the Tuesday of this week (refused once gone by);
- a phrase is understood whole or refused: a word left over is never dropped;
- a recurrence starts at its first occurrence after today.
Chinese is translated into the English grammar first, so both share one parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from workbench.i18n import day_text, later, ordinal, tr, tr_n, weekday

EXAMPLES = (
    "today, tomorrow, tue, next tue, in 3 days, 3d, 2w, end of month, 2026-12-01, "
    "dec 5 3pm, every 2 weeks, every month on the 1st, every weekday, "
    "明天, 后天, 下周二, 3天后, 每周, 每月1号"
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EXTRA_NAMES = {"tuesday": ("tues",), "thursday": ("thur", "thurs"), "september": ("sept",)}
_WEEKDAY_NAMES = {
    name: index
    for index, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for name in (full, full[:3], *_EXTRA_NAMES.get(full, ()))
}
_MONTH_NAMES = {
    name: index
    for index, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december")
    )
    for name in (full, full[:3], *_EXTRA_NAMES.get(full, ()))
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "other": 2,
}  # fmt: skip
_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "mo": "months", "mos": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "yrs": "years", "year": "years", "years": "years",
}  # fmt: skip
_FREQ = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
_TOO_FAR = {"days": later("{count} days is too far ahead"),
            "weeks": later("{count} weeks is too far ahead"),
            "months": later("{count} months is too far ahead"),
            "years": later("{count} years is too far ahead")}  # fmt: skip
_ADVERBS = {
    "daily": (1, "days"), "weekly": (1, "weeks"), "biweekly": (2, "weeks"),
    "fortnightly": (2, "weeks"), "monthly": (1, "months"), "quarterly": (3, "months"),
    "yearly": (1, "years"), "annually": (1, "years"),
}  # fmt: skip
MAX_DAYS_AHEAD = 366 * 10


class WhenError(ValueError):
    """Text that is not a date; the message says why and what works."""


@dataclass(frozen=True)
class When:
    day: date
    at: time | None = None  # a time of day, or None for "some time that day"
    rrule: str | None = None  # set for recurrences; `day` is the first occurrence

    def describe(self, today: date) -> str:
        """'Tue 2 Dec', 'Tue 2 Dec 2027 15:00', 'Mon 1 Dec, every month on the 1st'."""
        text = day_text(self.day, year=self.day.year != today.year)
        if self.at is not None:
            text += f" {self.at:%H:%M}"
        if self.rrule:
            text += f", {describe_rrule(self.rrule)}"
        return text


def parse_when(text: str, now: datetime, *, allow_past: bool = False) -> When:
    """Read a follow-up time typed in plain words (see the module docstring)."""
    if len(text) > 100:
        raise WhenError(tr("that is too long for a date"))
    phrase = _normalize(text)
    if not phrase:
        raise WhenError(tr("type when, e.g. {examples}", examples=EXAMPLES))
    phrase = _from_chinese(phrase)
    phrase, at = _take_time(phrase)
    phrase, at = _part_of_day(phrase, at, text)
    today = now.date()
    if _RECURRENCE.match(phrase):
        when = _parse_recurrence(phrase, today, at)
    elif not phrase and at is not None:  # a time alone: the next time it comes round
        day = today if at > now.time().replace(tzinfo=None) else today + timedelta(days=1)
        when = When(day, at)
    else:
        found = _parse_date(phrase, today)
        if found is None:  # understood whole or not at all: never a day from part of it
            # The part left over, quoted as typed: only English text is quoted in part
            # (a Chinese one has been translated by now).
            raise _unread(text, phrase if at is not None and not _CJK.search(text) else None)
        when = When(found, at)
    return _checked(when, today, allow_past, text)


def _unread(text: str, left: str | None) -> WhenError:
    """A refusal quoting what was typed; `left`: the part not understood
    beside a time that was."""
    if left:
        return WhenError(tr("can't read {left} in {text}; try {examples}", left=repr(left),
                            text=repr(text.strip()), examples=EXAMPLES))  # fmt: skip
    return WhenError(tr("can't read {text} as a date; try {examples}",
                        text=repr(text.strip()), examples=EXAMPLES))  # fmt: skip


def next_occurrence(rrule: str, anchor: date, after: date) -> date:
    """The first date of a recurrence anchored at `anchor` that falls after `after`."""
    rule = rrulestr(rrule, dtstart=datetime.combine(anchor, time()))
    found = rule.after(datetime.combine(after, time()))
    if found is None:
        raise WhenError(tr("the recurrence {rule} has no more dates", rule=repr(rrule)))
    return found.date()


def describe_rrule(rrule: str) -> str:
    """Human text for the rules this parser writes ('every 2 weeks on Tue')."""
    parts = dict(part.split("=", 1) for part in rrule.upper().split(";") if "=" in part)
    interval = int(parts.get("INTERVAL", "1"))
    one, many = _EVERY.get(parts.get("FREQ", ""), _EVERY["DAILY"])
    text = tr_n(one, many, interval)
    if days := parts.get("BYDAY"):
        if days == "MO,TU,WE,TH,FR":
            return tr("every weekday")
        names = [weekday(_RRULE_DAYS.index(day)) for day in days.split(",")]
        text += tr(" on {days}", days=", ".join(names))
    if (monthday := parts.get("BYMONTHDAY")) is not None:
        day = int(monthday)
        text += tr(" on the last day") if day == -1 else tr(" on the {nth}", nth=ordinal(day))
    return text


_EVERY = {  # a rule's FREQ: how it reads once, and every {count} times
    "DAILY": (later("every day"), later("every {count} days")),
    "WEEKLY": (later("every week"), later("every {count} weeks")),
    "MONTHLY": (later("every month"), later("every {count} months")),
    "YEARLY": (later("every year"), later("every {count} years")),
}


# --- normalising and Chinese --------------------------------------------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：，．　", "0123456789:,. ")


def _normalize(text: str) -> str:
    text = text.translate(_FULL_WIDTH).strip().lower()
    text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", r"\1 ", text)  # ISO 2026-12-01T14:00
    text = re.sub(r"[.,!?。！？]+$", "", text)
    return re.sub(r"\s+", " ", text)


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_WEEKDAYS = {"一": "mon", "二": "tue", "三": "wed", "四": "thu", "五": "fri",
                "六": "sat", "日": "sun", "天": "sun"}  # fmt: skip
_CN_NUMBER = r"[0-9]+|[零一二两三四五六七八九十]+"


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十 10, 十二 12, 二十 20, 二十五 25
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS[char]
    return value


_CN_UNITS = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks",
             "月": "months", "年": "years"}  # fmt: skip
_CN_UNIT = r"(?P<unit>天|日|周|星期|礼拜|月|年)"


def _cn_hour(m: re.Match[str]) -> str:
    part, hour = m["part"], _cn_number(m["hour"])
    if (part in ("下午", "晚上", "傍晚") and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    elif not part and 1 <= hour <= 6:
        hour += 12  # "3点" in business hours is the afternoon
    minutes = 30 if m["half"] else _cn_number(m["min"]) if m["min"] else 0
    return f" {hour}:{minutes:02d} "


def _cn_every(m: re.Match[str]) -> str:
    return f" every {_cn_number(m['n']) if m['n'] else 1} {_CN_UNITS[m['unit']]} "


def _cn_in(m: re.Match[str]) -> str:
    return f" in {_cn_number(m['n'])} {_CN_UNITS[m['unit']]} "


def _cn_month_day(m: re.Match[str]) -> str:
    month = _cn_number(m["month"])
    name = MONTHS[month - 1] if 1 <= month <= 12 else f"month{month}"  # unreadable: rejected later
    return f" {name} {_cn_number(m['day'])} "


_CN_RULES: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"(每个?|每一个?)?工作日", " every weekday "),
    (r"每(周|星期|礼拜)(?P<d>[一二三四五六日天])", lambda m: f" every {_CN_WEEKDAYS[m['d']]} "),
    (rf"每(?:(?P<n>{_CN_NUMBER})个?)?{_CN_UNIT}", _cn_every),
    (rf"(?P<n>{_CN_NUMBER})个?{_CN_UNIT}(以)?后", _cn_in),
    (rf"(?P<month>{_CN_NUMBER})月(?P<day>{_CN_NUMBER})[日号]", _cn_month_day),
    (rf"(?P<day>{_CN_NUMBER})[日号]", lambda m: f" on the {_cn_number(m['day'])} "),
    (rf"(?P<part>上午|早上|中午|下午|晚上|傍晚)?(?P<hour>{_CN_NUMBER})[点時时](?P<half>半)?"
     rf"((?P<min>{_CN_NUMBER})分?)?", _cn_hour),
    (r"(下个?|下一个?)(周|星期|礼拜)(?P<d>[一二三四五六日天])",
     lambda m: f" next {_CN_WEEKDAYS[m['d']]} "),
    (r"(这个?|本)(周|星期|礼拜)(?P<d>[一二三四五六日天])",
     lambda m: f" {_CN_WEEKDAYS[m['d']]} of this week "),
    (r"(周|星期|礼拜)(?P<d>[一二三四五六日天])", lambda m: f" {_CN_WEEKDAYS[m['d']]} "),
    (r"今晚|今天晚上|当晚", " tonight "),
    (r"夜里|半夜|深夜", " night "),
    (r"大后天", " in 3 days "),
    (r"后天", " in 2 days "),
    (r"明天|明日", " tomorrow "),
    (r"今天|今日", " today "),
    (r"(下个?|下一个?)(周|星期|礼拜)", " next week "),
    (r"(下个?|下一个?)月", " next month "),
    (r"月底|月末", " end of month "),
    (r"(本周|这周)?(周末)", " sat "),
)  # fmt: skip
_CN_COMPILED = tuple((re.compile(pattern), repl) for pattern, repl in _CN_RULES)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _from_chinese(phrase: str) -> str:
    if not re.search(r"[\u4e00-\u9fff]", phrase):
        return phrase
    for pattern, repl in _CN_COMPILED:
        phrase = pattern.sub(repl, phrase)
    if re.search(r"[\u4e00-\u9fff]", phrase):
        return phrase  # left for the English parser to reject with examples
    return _normalize(phrase)


# --- time of day --------------------------------------------------------------

_TIME = re.compile(
    r"(?:^|\s)(?:at\s+|@\s*)?(?:"
    r"(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})"
    r"|(?P<word>noon|midday|midnight))(?=\s|$)"
)


def _take_time(phrase: str) -> tuple[str, time | None]:
    match = _TIME.search(phrase)
    if not match:
        return phrase, None
    if match["word"]:
        at = time(0) if match["word"] == "midnight" else time(12)
    elif match["ampm"]:
        hour, minute = int(match["h12"]), int(match["m12"] or 0)
        if not 1 <= hour <= 12:
            raise WhenError(tr("{text} is not a time (use 3pm or 15:00)",
                                       text=repr(match.group().strip())))  # fmt: skip
        hour = hour % 12 + (12 if match["ampm"].startswith("p") else 0)
        at = _time(hour, minute, match.group())
    else:
        at = _time(int(match["h24"]), int(match["m24"]), match.group())
    rest = (phrase[: match.start()] + " " + phrase[match.end() :]).strip()
    return re.sub(r"\s+", " ", rest).removesuffix(" at").strip(), at


# A part of the day beside a clock time says which half of the day it is in
# ("tonight 8", "3:20 in the afternoon", "friday morning 10am"); "tonight"
# and "this ..." also name today. Without a time it names only the day.
_PARTS = {"morning": False, "afternoon": True, "evening": True, "night": True, "tonight": True}


def _part_of_day(phrase: str, at: time | None, text: str) -> tuple[str, time | None]:
    words = phrase.split()
    found = [i for i, word in enumerate(words) if word in _PARTS]
    if len(found) != 1:
        return phrase, at  # none, or too many to say which: read (and refused) as it is
    i = found[0]
    part = words[i]
    lead = 2 if words[max(0, i - 2) : i] == ["in", "the"] else int(i > 0 and words[i - 1] == "this")
    today = part == "tonight" or lead == 1
    rest = " ".join(words[: i - lead] + words[i + 1 :])
    if today and rest:
        return phrase, at  # "this morning" beside another day: refused as it is
    if at is not None and _PARTS[part] and at.hour == 12 and part != "afternoon":
        raise WhenError(tr("{text}: 12 at night is which day's? Say midnight, or 0:00 and the day",
                           text=repr(text.strip())))  # fmt: skip
    if at is not None and _PARTS[part] and at.hour < 12:
        at = at.replace(hour=at.hour + 12)
    elif at is not None and not _PARTS[part] and at.hour >= 12:
        raise WhenError(tr("{text}: {time} is not in the morning", text=repr(text.strip()),
                           time=f"{at:%H:%M}"))  # fmt: skip
    return ("today" if today else rest), at


def _time(hour: int, minute: int, source: str) -> time:
    try:
        return time(hour, minute)
    except ValueError:
        raise WhenError(tr("{text} is not a time (use 3pm or 15:00)",
                           text=repr(source.strip()))) from None  # fmt: skip


# --- single dates -------------------------------------------------------------

_AMOUNT = r"(?P<n>\d+|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b"


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_WEEKDAY = rf"(?P<wd>{_alternatives(_WEEKDAY_NAMES)})\b"
_MONTH = rf"(?P<mon>{_alternatives(_MONTH_NAMES)})\b"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"

_RELATIVE = re.compile(rf"^(?:in\s+|\+)?{_AMOUNT}\s*{_UNIT}(?:\s+(?:from now|later))?$")
_WEEKDAY_RE = re.compile(rf"^(?:on\s+)?(?P<which>this|next|coming)?\s*{_WEEKDAY}$")
_ISO = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$")
_MONTH_DAY = re.compile(rf"^(?:on\s+)?{_MONTH}\s+{_DAY}{_YEAR}$")
_DAY_MONTH = re.compile(rf"^(?:on\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}{_YEAR}$")
_END_OF = re.compile(
    r"^(?:end of (?:the )?(?P<next>next )?|eo)(?P<what>week|month|quarter|year|w|m|q|y)$"
)
_NEXT_PERIOD = re.compile(r"^next (?P<what>week|month|year)$")
_THIS_WEEK = re.compile(rf"^{_WEEKDAY} of this week$")
_SIMPLE = {
    "today": 0, "tod": 0, "now": 0, "tonight": 0,
    "tomorrow": 1, "tmr": 1, "tmrw": 1, "tomorow": 1,
    "day after tomorrow": 2, "the day after tomorrow": 2, "overmorrow": 2,
    "yesterday": -1,
}  # fmt: skip


def _parse_date(phrase: str, today: date) -> date | None:
    if phrase in _SIMPLE:
        return today + timedelta(days=_SIMPLE[phrase])
    if match := _RELATIVE.match(phrase):
        return today + _delta(match["n"], match["unit"])
    if match := _WEEKDAY_RE.match(phrase):
        return _weekday(today, _WEEKDAY_NAMES[match["wd"]], next_week=match["which"] == "next")
    if match := _ISO.match(phrase):
        return _date(int(match["year"]), int(match["month"]), int(match["day"]), phrase)
    if match := _MONTH_DAY.match(phrase) or _DAY_MONTH.match(phrase):
        return _month_day(match, today, phrase)
    if match := _END_OF.match(phrase):
        return _end_of(match["what"][0], today, bool(match["next"]))
    if match := _NEXT_PERIOD.match(phrase):
        return _next_period(match["what"], today)
    if match := _THIS_WEEK.match(phrase):  # 本周二: this week's, gone by or not
        return today + timedelta(days=_WEEKDAY_NAMES[match["wd"]] - today.weekday())
    return None


def _delta(amount: str, unit: str) -> relativedelta:
    count = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
    if count > MAX_DAYS_AHEAD:
        raise WhenError(tr(_TOO_FAR[_UNITS[unit]], count=count))
    return relativedelta(**{_UNITS[unit]: count})  # type: ignore[arg-type]


def _weekday(today: date, weekday: int, *, next_week: bool) -> date:
    if next_week:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _date(year: int, month: int, day: int, source: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise WhenError(tr("{text} is not a real date ({error})", text=repr(source),
                           error=error)) from None  # fmt: skip


def _month_day(match: re.Match[str], today: date, source: str) -> date:
    month, day = _MONTH_NAMES[match["mon"]] + 1, int(match["day"])
    if match["year"]:
        return _date(int(match["year"]), month, day, source)
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # 29 Feb outside a leap year: try the next one
        if found >= today:
            return found
    raise WhenError(tr("{text} is not a real date", text=repr(source)))


def _end_of(what: str, today: date, next_one: bool) -> date:
    if what == "w":
        friday = today + timedelta(days=4 - today.weekday())
        if friday < today:  # at the weekend, the end of the working week is next Friday
            friday += timedelta(days=7)
        return friday + timedelta(days=7 if next_one else 0)
    months = {"m": 1, "q": 3, "y": 12}[what]
    start_month = (today.month - 1) // months * months + 1
    start = date(today.year, start_month, 1) + relativedelta(months=months if next_one else 0)
    return start + relativedelta(months=months) - timedelta(days=1)


def _next_period(what: str, today: date) -> date:
    if what == "week":
        return today - timedelta(days=today.weekday()) + timedelta(days=7)
    if what == "month":
        return date(today.year, today.month, 1) + relativedelta(months=1)
    return date(today.year + 1, 1, 1)


# --- recurrences --------------------------------------------------------------

_RECURRENCE = re.compile(r"^(every|each)\b|^(" + "|".join([*_ADVERBS, "weekdays"]) + r")\b")
_EVERY_UNIT = re.compile(rf"^(?:every|each)\s+(?:{_AMOUNT}\s+)?{_UNIT}(?P<rest>.*)$")
_ON_MONTHDAY = re.compile(
    r"^\s*on\s+(?:the\s+)?(?:(?P<last>last)(?: day)?|(?P<md>\d{1,2})(?:st|nd|rd|th)?)$"
)
_ON_WEEKDAYS = re.compile(r"^\s*on\s+(?P<days>.+)$")
_DAY_LIST = re.compile(rf"\b({_alternatives(_WEEKDAY_NAMES)})\b")


def _parse_recurrence(phrase: str, today: date, at: time | None) -> When:
    rule = _rule_for(phrase)
    if rule is None:
        raise WhenError(tr(
            "can't read {text} as a repeat; try every 2 weeks, every mon and thu, "
            "every month on the 1st, every weekday, 每周, 每月1号", text=repr(phrase)
        ))  # fmt: skip
    first = next_occurrence(rule, today, today)
    return When(first, at, rule)


def _rule_for(phrase: str) -> str | None:
    word = phrase.split()[0]
    if word in _ADVERBS:
        count, unit = _ADVERBS[word]
        return _with_rest(count, unit, phrase[len(word) :])
    if re.fullmatch(r"(every|each) (week ?day|work ?day|business day)s?|weekdays", phrase):
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    if match := _EVERY_UNIT.match(phrase):
        amount = match["n"] or "1"
        count = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
        if not 1 <= count <= 366:
            return None
        return _with_rest(count, _UNITS[match["unit"]], match["rest"])
    days = phrase.split(maxsplit=1)[1] if " " in phrase else ""
    if days and _only_weekdays(days):
        return "FREQ=WEEKLY;BYDAY=" + _byday(days)
    return None


def _with_rest(count: int, unit: str, rest: str) -> str | None:
    rule = f"FREQ={_FREQ[unit]}" + (f";INTERVAL={count}" if count > 1 else "")
    if not rest.strip():
        return rule
    if unit == "months" and (match := _ON_MONTHDAY.match(rest)):
        monthday = -1 if match["last"] else int(match["md"])
        return rule + f";BYMONTHDAY={monthday}" if 1 <= abs(monthday) <= 31 else None
    if unit == "weeks" and (match := _ON_WEEKDAYS.match(rest)) and _only_weekdays(match["days"]):
        return rule + ";BYDAY=" + _byday(match["days"])
    return None


def _only_weekdays(text: str) -> bool:
    leftover = _DAY_LIST.sub("", text)
    return bool(_DAY_LIST.search(text)) and not re.sub(r"[\s,&]|and", "", leftover)


def _byday(text: str) -> str:
    found = {_WEEKDAY_NAMES[day] for day in _DAY_LIST.findall(text)}
    return ",".join(_RRULE_DAYS[index] for index in sorted(found))


def _checked(when: When, today: date, allow_past: bool, source: str) -> When:
    if when.day < today and not allow_past:
        raise WhenError(tr("{text} is {day}, which is in the past", text=repr(source.strip()),
                           day=day_text(when.day, year=True)))  # fmt: skip
    if (when.day - today).days > MAX_DAYS_AHEAD:
        raise WhenError(tr("{text} is more than ten years ahead", text=repr(source.strip())))
    return when


def describe_due(day: date, at: time | None, today: date) -> str:
    """How far off a due date is, as a rep scans a list: '2d overdue',
    'today 14:00', 'tomorrow', 'in 3d', 'Mon 7 Dec'."""
    clock = f" {at:%H:%M}" if at is not None else ""
    days = (day - today).days
    if days < 0:
        return tr("{days}d overdue", days=-days)
    if days == 0:
        return tr("today{clock}", clock=clock)
    if days == 1:
        return tr("tomorrow{clock}", clock=clock)
    if days < 7:
        return tr("in {days}d{clock}", days=days, clock=clock)
    return day_text(day) + clock
