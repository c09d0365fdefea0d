"""Repeating follow-ups: "every 2 weeks", "every mon and thu 10am", "tuesdays",
"first friday of every month", "yearly on dec 25", "每个周末九点".

`parse_recurrence` reads the time of day with the one-off grammar's time
rules, then the rule itself, and returns the first occurrence after today,
the time and an RFC 5545 RRULE."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from workbench.domain.when import RRULE_DAYS, WhenError, next_occurrence, time_of_day
from workbench.domain.when_grammar import (
    MONTH_NAMES,
    TIME_RULES,
    WEEKDAY_NAMES,
    Reading,
    alternatives,
    from_start,
    take,
)
from workbench.i18n import tr

_DAY_NAMES = alternatives(WEEKDAY_NAMES)
_PLURAL_DAYS = rf"(?:{_DAY_NAMES}|weekday|weekend)s"
RECURRENCE = re.compile(
    rf"^(?:every|each|everyday|once a|daily|weekly|biweekly|fortnightly|monthly|quarterly|"
    rf"yearly|annually)\b|^{_PLURAL_DAYS}\b"
    rf"|^(?:\d(?:st|nd|rd|th)|last)\b.*\bof (?:every|each) month$"
)
_ADVERBS = {
    "daily": (1, "DAILY"),
    "everyday": (1, "DAILY"),
    "weekly": (1, "WEEKLY"),
    "biweekly": (2, "WEEKLY"),
    "fortnightly": (2, "WEEKLY"),
    "monthly": (1, "MONTHLY"),
    "quarterly": (3, "MONTHLY"),
    "yearly": (1, "YEARLY"),
    "annually": (1, "YEARLY"),
    "once a day": (1, "DAILY"),
    "once a week": (1, "WEEKLY"),
    "once a month": (1, "MONTHLY"),
    "once a year": (1, "YEARLY"),
}
_UNITS = {
    "day": (1, "DAILY"),
    "week": (1, "WEEKLY"),
    "fortnight": (2, "WEEKLY"),
    "month": (1, "MONTHLY"),
    "quarter": (3, "MONTHLY"),
    "year": (1, "YEARLY"),
}
_SHORT = r"(?:hour|hr|minute|min)s?"
_COUNT = r"(?P<n>\d+|other|a|an)"
_EVERY_UNIT = re.compile(
    rf"^(?:every|each)\s+(?:{_COUNT}\s+)?(?P<unit>day|week|fortnight|month|quarter|year)s?"
    rf"\b(?P<rest>.*)$"
)
_ADVERB = re.compile(
    rf"^(?P<word>{'|'.join(sorted(_ADVERBS, key=len, reverse=True))})\b(?P<rest>.*)$"
)
_NTH = r"\d{1,2}(?:st|nd|rd|th)"
_DAY_LIST = re.compile(rf"\b({_DAY_NAMES}|weekday|weekend|work ?day|business day)s?\b")
_MONTHDAYS = re.compile(
    rf"^(?:on\s+)?(?:the\s+)?(?P<days>{_NTH}(?:\s+and\s+(?:the\s+)?{_NTH})*)"
    rf"(?:\s+of\s+(?:the|every|each)\s+month)?$"
)
_LAST_DAY = re.compile(r"^on\s+the\s+last(?:\s+day)?$")
_NTH_WEEKDAYS = re.compile(
    rf"^(?:on\s+)?(?:the\s+)?(?P<nths>(?:{_NTH}|last)(?:\s+last)?(?:\s+and\s+(?:the\s+)?(?:{_NTH}|last))*)"
    rf"\s+(?P<wd>{_DAY_NAMES})(?:\s+(?:of|in)\s+(?:(?:the|every|each)\s+month|(?P<mon>"
    rf"{alternatives(MONTH_NAMES)})))?$"
)
_YEARLY_DATE = re.compile(
    rf"^on\s+(?P<mon>{alternatives(MONTH_NAMES)})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?$"
)


def parse_recurrence(phrase: str, now: datetime, quoted: str) -> tuple[date, time | None, str]:
    """The first day after today, the time and the RRULE of a repeat."""
    r = Reading(now)
    rest = take(from_start(phrase), r, TIME_RULES)
    if r.clock_kind == "bare":
        raise WhenError(tr("{text}: in a repeat, give the hour as 10am or 10:00", text=quoted))
    rest = re.sub(r"\s+", " ", re.sub(r"(?:^|\s)(?:;|at|@)(?=\s|$)", " ", rest)).strip()
    rule = _rule_for(rest, quoted)
    at = _at(r, quoted)
    today = now.date()
    return next_occurrence(rule, today, today), at, rule


def _at(r: Reading, quoted: str) -> time | None:
    """A repeat's time: a part of the day alone ("every morning") says too little."""
    if r.clock is None and r.part not in (None, "daytime", "noon"):
        raise WhenError(tr("{text}: give the time of day, e.g. 9am", text=quoted))
    return time_of_day(r, quoted)


def _rule_for(phrase: str, quoted: str) -> str:
    if re.search(rf"\b{_SHORT}\b", phrase):
        raise WhenError(tr("{text}: a follow-up repeats every day at most often", text=quoted))
    rule = _read_rule(phrase)
    if rule is None:
        raise WhenError(
            tr(
                "can't read {text} as a repeat; try every 2 weeks, every mon and thu, "
                "every month on the 1st, every weekday, 每周, 每月1号",
                text=quoted,
            )
        )
    return rule


def _read_rule(phrase: str) -> str | None:
    if match := _ADVERB.match(phrase):
        count, freq = _ADVERBS[match["word"]]
        return _with_rest(count, freq, match["rest"])
    if match := _EVERY_UNIT.match(phrase):
        amount = match["n"] or "1"
        count = 2 if amount == "other" else 1 if amount in ("a", "an") else int(amount)
        base, freq = _UNITS[match["unit"]]
        if not 1 <= count <= 366:
            return None
        return _with_rest(count * base, freq, match["rest"])
    if (match := re.match(r"^(?:every|each)\s+other\s+(?P<days>.+)$", phrase)) and _only_weekdays(
        match["days"]
    ):
        return "FREQ=WEEKLY;INTERVAL=2;BYDAY=" + _byday(match["days"])
    days = re.sub(r"^(?:every|each)\s+", "", phrase)
    if _only_weekdays(days):
        return "FREQ=WEEKLY;BYDAY=" + _byday(days)
    if match := _MONTHDAYS.match(days):
        return "FREQ=MONTHLY;BYMONTHDAY=" + _monthdays(match["days"])
    if (match := _NTH_WEEKDAYS.match(days)) and not match["mon"]:
        return "FREQ=MONTHLY;BYDAY=" + _nth_days(match["nths"], match["wd"])
    return None


def _with_rest(count: int, freq: str, rest: str) -> str | None:
    rule = f"FREQ={freq}" + (f";INTERVAL={count}" if count > 1 else "")
    rest = rest.strip()
    if not rest:
        return rule
    if freq == "MONTHLY":
        if _LAST_DAY.match(rest):
            return rule + ";BYMONTHDAY=-1"
        if match := _MONTHDAYS.match(rest):
            return rule + ";BYMONTHDAY=" + _monthdays(match["days"])
        if (match := _NTH_WEEKDAYS.match(rest)) and not match["mon"] and "last" in match["nths"]:
            return rule + ";BYDAY=" + _nth_days(match["nths"], match["wd"])
    if freq == "WEEKLY" and rest.startswith("on ") and _only_weekdays(rest[3:]):
        return rule + ";BYDAY=" + _byday(rest[3:])
    if freq == "YEARLY":
        if (match := _NTH_WEEKDAYS.match(rest)) and match["mon"]:
            month = MONTH_NAMES[match["mon"]]
            return rule + f";BYDAY={_nth_days(match['nths'], match['wd'])};BYMONTH={month}"
        if match := _YEARLY_DATE.match(rest):
            day, month = int(match["d"]), MONTH_NAMES[match["mon"]]
            return rule + f";BYMONTHDAY={day};BYMONTH={month}" if 1 <= day <= 31 else None
    return None


def _only_weekdays(text: str) -> bool:
    leftover = _DAY_LIST.sub("", text)
    return bool(_DAY_LIST.search(text)) and not re.sub(r"[\s,]|\band\b|\bon\b", "", leftover)


def _byday(text: str) -> str:
    found: set[int] = set()
    for name in _DAY_LIST.findall(text):
        if name.startswith(("weekday", "work", "business")):
            found.update(range(5))
        elif name.startswith("weekend"):
            found.update((5, 6))
        else:
            found.add(WEEKDAY_NAMES[name])
    return ",".join(RRULE_DAYS[index] for index in sorted(found))


def _monthdays(text: str) -> str:
    days = [int(re.sub(r"\D", "", day)) for day in re.findall(_NTH, text)]
    if not all(1 <= day <= 31 for day in days):
        raise WhenError(tr("{text} is not a day of the month", text=repr(text)))
    return ",".join(str(day) for day in days)


def _nth_days(nths: str, day_name: str) -> str:
    """'1st and 3rd' friday → 1FR,3FR; 'last' → -1FR; '2nd last' → -2FR."""
    code = RRULE_DAYS[WEEKDAY_NAMES[day_name]]
    found = []
    for part in re.split(r"\s+and\s+(?:the\s+)?", nths):
        words = part.split()
        n = int(re.sub(r"\D", "", words[0])) if words[0][0].isdigit() else 1
        if not 1 <= n <= 5:
            raise WhenError(tr("{text}: a month has at most five of each weekday", text=repr(nths)))
        found.append(f"{-n if 'last' in words else n}{code}")
    return ",".join(found)
