"""The grammar of a single follow-up time: a phrase (already normalised by
`when_text`) is read piece by piece — ranges, offsets, dates, weekdays, clock
times, parts of the day — each piece taken out as it is understood, and what
is left must be only small words ("at", "on", "the"). A word left over is
a refusal naming it: a phrase is understood whole or not at all.

`read(phrase, now)` returns a `Reading`: what the phrase said, not yet
resolved into one day (`when.parse_when` does that)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from workbench.domain.when import MAX_DAYS_AHEAD, WhenError, coming, monday
from workbench.domain.when_text import MONTHS
from workbench.i18n import tr

_EXTRA_NAMES = {
    "tuesday": ("tues",),
    "thursday": ("thur", "thurs"),
    "september": ("sept",),
    "wednesday": ("weds",),
}
WEEKDAY_NAMES = {
    name: index
    for index, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    for name in (full, full[:3], *_EXTRA_NAMES.get(full, ()))
}
MONTH_NAMES = {
    name: index + 1
    for index, full in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
    for name in (full, MONTHS[index], *_EXTRA_NAMES.get(full, ()))
}


def alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


WD = rf"(?P<wd>{alternatives(WEEKDAY_NAMES)})"
MON = rf"(?P<mon>{alternatives(MONTH_NAMES)})"
ORD = r"(?P<d>\d{1,2})(?:st|nd|rd|th)"
DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"(?:\s+(?P<y>\d{4}))?"
AMPM = r"(?P<ap>am|pm|a|p)"
UNITS = {
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "fortnight": "fortnights",
    "fortnights": "fortnights",
    "m": "months",
    "mo": "months",
    "mos": "months",
    "month": "months",
    "months": "months",
    "q": "quarters",
    "qtr": "quarters",
    "qtrs": "quarters",
    "quarter": "quarters",
    "quarters": "quarters",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
_NUMBER = r"\d+(?:\.\d+)?"
_WORD_AMOUNT = r"an?|a couple(?: of)?|couple(?: of)?|a few|few|several"
_UNIT_NAMES = alternatives(dict.fromkeys(UNITS, 0))
FILLERS = frozenset(
    "at on the in of for around about approximately approx from between @ by and to ; - ~".split()
)


@dataclass
class Reading:
    """What a phrase said, piece by piece."""

    now: datetime
    day: date | None = None  # an explicit day
    weekday: int | None = None  # a weekday named (alone, or beside a date)
    weekday_which: str | None = None  # "next", "this", …
    monthday: int | None = None  # "the 15th" without a month
    moment: datetime | None = None  # "in 2 hours": a day and a time at once
    clock: time | None = None
    clock_kind: str = ""  # "ampm", "24h" (3:30), "bare" (at 3), "word" (noon)
    part: str | None = None  # morning, afternoon, evening, night, tonight, daytime
    part_today: bool = False  # "this morning", "tonight"
    midnight: bool = False
    in_years: bool = False  # "in 3 years": too far for a time of day
    month_first: bool = False  # 3/4 is March 4 (Chinese); in English it is refused

    @property
    def today(self) -> date:
        return self.now.date()

    def set_day(self, day: date, source: str) -> None:
        if self.day is not None and self.day != day:
            raise WhenError(tr("{text} names two different days", text=repr(source)))
        self.day = day

    def set_clock(self, at: time, kind: str, source: str) -> None:
        if self.clock is not None:
            raise WhenError(tr("{text} names two different times", text=repr(source)))
        self.clock, self.clock_kind = at, kind


Handler = Callable[[re.Match[str], Reading], None]


def real_date(year: int, month: int, day: int, source: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise WhenError(
            tr("{text} is not a real date ({error})", text=repr(source), error=error)
        ) from None


def clock(hour: int, minute: int, source: str) -> time:
    try:
        return time(hour, minute)
    except ValueError:
        raise WhenError(
            tr("{text} is not a time (use 3pm or 15:00)", text=repr(source.strip()))
        ) from None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _next_month_day(today: date, month: int, day: int, source: str, *, after: bool) -> date:
    """The next `month` `day` from today (after today when `after`)."""
    for year in range(today.year, today.year + 9):
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # 29 Feb outside a leap year: try the next one
        if found > today or (found == today and not after):
            return found
    raise WhenError(tr("{text} is not a real date", text=repr(source)))


def _month_year(today: date, month: int, year: int | None) -> int:
    """The year of a month named without one: this year's, unless it has gone by."""
    if year is not None:
        return year
    return today.year if month >= today.month else today.year + 1


def _last_day(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(months=1) - timedelta(days=1)


def nth_weekday(year: int, month: int, weekday: int, n: int, source: str) -> date:
    """The nth (or nth last, n < 0) `weekday` of a month."""
    if n > 0:
        first = date(year, month, 1)
        found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    else:
        last = _last_day(year, month)
        found = last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))
    if found.month != month:
        raise WhenError(tr("{text}: that month has no such day", text=repr(source)))
    return found


def _ordinal(text: str) -> int:
    return int(re.sub(r"\D", "", text))


# --- offsets ------------------------------------------------------------------


def _amount(text: str) -> float:
    words = {
        "a": 1,
        "an": 1,
        "a couple": 2,
        "couple": 2,
        "a couple of": 2,
        "couple of": 2,
        "a few": 3,
        "few": 3,
        "several": 3,
    }
    return float(words[text]) if text in words else float(text)


def offset(pairs: list[tuple[str, str]], source: str) -> relativedelta:
    """'1 year 2 months' as a relativedelta; only hours and minutes may be
    fractions (2.5 hours), and only to the whole minute."""
    total = relativedelta()
    for amount_text, unit_text in pairs:
        amount, unit = _amount(amount_text), UNITS[unit_text]
        if unit_text == "m":
            raise WhenError(tr("{text}: m is minutes or months? Type min or mo", text=repr(source)))
        if unit in ("minutes", "hours"):
            minutes = amount * (60 if unit == "hours" else 1)
            if minutes != int(minutes):
                raise WhenError(tr("{text}: give whole minutes", text=repr(source)))
            total += relativedelta(minutes=int(minutes))
            continue
        if amount != int(amount):
            raise WhenError(
                tr("{text}: give a whole number of {unit}", text=repr(source), unit=unit)
            )
        count = int(amount)
        if count > MAX_DAYS_AHEAD:
            raise WhenError(tr("{text} is more than ten years ahead", text=repr(source)))
        total += {
            "days": relativedelta(days=count),
            "weeks": relativedelta(weeks=count),
            "fortnights": relativedelta(weeks=2 * count),
            "months": relativedelta(months=count),
            "quarters": relativedelta(months=3 * count),
            "years": relativedelta(years=count),
        }[unit]
    return total


_PAIR = rf"\b(?:({_NUMBER})\s*|({_WORD_AMOUNT})\s+)({_UNIT_NAMES})\b"
_ONE_PAIR = rf"\b(?:{_NUMBER}\s*|(?:{_WORD_AMOUNT})\s+)(?:{_UNIT_NAMES})\b"
_PAIRS = rf"{_ONE_PAIR}(?:\s*(?:and\s+)?{_ONE_PAIR})*"
_HOURS_PAIR = rf"\b(?:{_NUMBER}\s*|(?:{_WORD_AMOUNT})\s+)(?:min|mins|minutes?|h|hrs?|hours?)\b"


def _apply_offset(m: re.Match[str], r: Reading, *, by_end: bool = False) -> None:
    """'in 2 hours' is due at a whole minute never before it; 'within 2 hours'
    (by_end) at one never after it."""
    text = m["span"]
    pairs = [(number or word, unit) for number, word, unit in re.findall(_PAIR, text)]
    delta = offset(pairs, m[0].strip())
    units = {UNITS[unit] for _, unit in pairs}
    if "years" in units and m[0].endswith("hence"):  # peers read it to the month: say which day
        raise WhenError(tr("{text}: give the date", text=repr(m[0].strip())))
    if units & {"minutes", "hours"}:
        moment = r.now.replace(tzinfo=None) + delta
        whole = moment.replace(second=0, microsecond=0)
        moment = whole if by_end or whole == moment else whole + timedelta(minutes=1)
        r.moment = moment
    else:
        r.in_years = "years" in units
        r.set_day(r.today + delta, m[0].strip())


# --- handlers for dates -------------------------------------------------------


def _iso(m: re.Match[str], r: Reading) -> None:
    r.set_day(real_date(int(m["y"]), int(m["m"]), int(m["d"]), m[0]), m[0])


def _year_month(m: re.Match[str], r: Reading) -> None:
    r.set_day(real_date(int(m["y"]), int(m["m"]), 1, m[0]), m[0])


def _numeric(m: re.Match[str], r: Reading) -> None:
    """12/15, 15/12, 3/3/2015: the order is clear when one number is over 12,
    or the two are equal; else the language decides (month first in Chinese)
    and English, written both ways, is refused."""
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:
        month, day = b, a
    elif b > 12 >= a or a == b or r.month_first:
        month, day = a, b
    else:
        raise WhenError(
            tr(
                "{text} could be {one} or {other}: type it as {example}",
                text=repr(m[0].strip()),
                one=f"{MONTHS[a - 1]} {b}",
                other=f"{MONTHS[b - 1]} {a}",
                example=f"{MONTHS[a - 1]} {b}",
            )
        )
    year = _year(m["y"])
    if year is not None:
        r.set_day(real_date(year, month, day, m[0]), m[0])
    else:
        r.set_day(_next_month_day(r.today, month, day, m[0], after=False), m[0])


def _month_day(m: re.Match[str], r: Reading) -> None:
    month, day = MONTH_NAMES[m["mon"]], int(m["d"])
    year = _year(m["y"])
    if year is not None:
        r.set_day(real_date(year, month, day, m[0]), m[0])
    else:
        after = bool(m.groupdict().get("next"))
        r.set_day(_next_month_day(r.today, month, day, m[0], after=after), m[0])


def _day_of_month(m: re.Match[str], r: Reading) -> None:
    start = date(r.today.year, r.today.month, 1)
    if m["which"] in ("next", "the next", "coming", "following"):
        start += relativedelta(months=1)
    r.set_day(real_date(start.year, start.month, int(m["d"]), m[0]), m[0])


def _month_of(m: re.Match[str], r: Reading) -> tuple[int, int]:
    """The month a rule names: 'october 2014', 'october', 'next month'."""
    which = m.groupdict().get("which")
    if which:
        start = date(r.today.year, r.today.month, 1)
        if "next" in which:
            start += relativedelta(months=1)
        return start.year, start.month
    month = MONTH_NAMES[m["mon"]]
    if m.groupdict().get("ny"):
        return r.today.year + 1, month
    return _month_year(r.today, month, _year(m["y"])), month


def _nth_weekday(m: re.Match[str], r: Reading) -> None:
    n = -1 if m["n"] == "last" else _ordinal(m["n"]) * (-1 if "last" in m["n"] else 1)
    year, month = _month_of(m, r)
    r.set_day(nth_weekday(year, month, WEEKDAY_NAMES[m["wd"]], n, m[0]), m[0])


def _nth_day(m: re.Match[str], r: Reading) -> None:
    year, month = _month_of(m, r)
    last = _last_day(year, month)
    back = _ordinal(m["n"]) - 1 if m["n"] else 0
    r.set_day(last - timedelta(days=back), m[0])


def _week_of(m: re.Match[str], r: Reading) -> None:
    """The Monday of the nth (or nth last) whole week of a month or a year."""
    if m["yo"]:
        start, end = date(int(m["yo"]), 1, 1), date(int(m["yo"]), 12, 31)
    else:
        year, month = _month_of(m, r)
        start, end = date(year, month, 1), _last_day(year, month)
    first = start + timedelta(days=-start.weekday() % 7)
    last = monday(end + timedelta(days=1)) - timedelta(days=7)
    words = m["n"].split()
    n = _ordinal(words[0]) if words[0][0].isdigit() else 1
    found = last - timedelta(weeks=n - 1) if "last" in words else first + timedelta(weeks=n - 1)
    if not start <= found <= end:
        raise WhenError(tr("{text}: that month has no such week", text=repr(m[0])))
    r.set_day(found, m[0])


def _quarter(m: re.Match[str], r: Reading) -> None:
    if m["which"]:
        start = date(r.today.year, (r.today.month - 1) // 3 * 3 + 1, 1)
        r.set_day(start + relativedelta(months=3 if m["which"] != "this" else 0), m[0])
        return
    n = int(m["n"])
    if not 1 <= n <= 4:
        raise WhenError(tr("{text}: a year has four quarters", text=repr(m[0])))
    year = _year(m["y"])
    if year is None:  # the next such quarter; this one is now
        current = (r.today.month - 1) // 3 + 1
        if n == current:
            raise WhenError(tr("{text} is this quarter: name the day", text=repr(m[0].strip())))
        year = r.today.year + (n < current)
    r.set_day(date(year, 3 * n - 2, 1), m[0])


def _edge_of_period(m: re.Match[str], r: Reading) -> None:
    _period_edge(m["edge"], m["what"][0], (m["which"] or "").strip(), m[0], r)


def _eo(m: re.Match[str], r: Reading) -> None:  # eow, eom, eoq, eoy
    _period_edge("end", m["what"], "", m[0], r)


def _period_edge(edge: str, what: str, which: str, source: str, r: Reading) -> None:
    later = which in ("next", "coming", "following", "around next")
    if what == "w":
        start = monday(r.today) + timedelta(days=7 if later else 0)
        if not later and r.today.weekday() >= 5 and edge == "end":
            start += timedelta(days=7)  # at the weekend, the end of the week is next Friday
        day = {"end": start + timedelta(days=4), "middle": start + timedelta(days=2)}.get(
            edge, start
        )
    else:
        months = {"m": 1, "q": 3, "y": 12}[what]
        start = date(r.today.year, (r.today.month - 1) // months * months + 1, 1)
        start += relativedelta(months=months if later else 0)
        end = start + relativedelta(months=months) - timedelta(days=1)
        day = {"end": end, "middle": start + (end - start) / 2}.get(edge, start)
    if day < r.today and not later:
        day = r.today  # the start of this week/month: it is now
    r.set_day(day, source)


def _edge_of_month(m: re.Match[str], r: Reading) -> None:
    month = MONTH_NAMES[m["mon"]]
    year = _month_year(r.today, month, _year(m["y"]))
    edge = m["edge"]
    if edge in ("end", "late"):
        r.set_day(_last_day(year, month), m[0])
    else:
        r.set_day(date(year, month, 15 if edge in ("middle", "mid") else 1), m[0])


def _month_alone(m: re.Match[str], r: Reading) -> None:
    month = MONTH_NAMES[m["mon"]]
    if not (m["lead"] or m["after"] or m["y"] or m["ny"]):
        raise WhenError(
            tr(
                "{text}: which day? Type in {text_} for the 1st, or a day such as {example}",
                text=repr(m[0]),
                text_=m[0],
                example=f"{m[0]} 15",
            )
        )
    if m["ny"]:
        year = r.today.year + 1
    else:
        year = _month_year(r.today, month, _year(m["y"]))
        if m["after"]:
            year += 1
    if (year, month) == (r.today.year, r.today.month):
        raise WhenError(
            tr(
                "{text} is this month: name the day, e.g. {example}",
                text=repr(m[0].strip()),
                example=f"{m['mon']} {r.today.day + 1}",
            )
        )
    r.set_day(date(year, month, 1), m[0])


def _year_alone(m: re.Match[str], r: Reading) -> None:
    year = int(m["y"])
    if year == r.today.year:
        raise WhenError(tr("{text} is this year: name the day", text=repr(m[0].strip())))
    r.set_day(date(year, 1, 1), m[0])


def _weekday_after_next(m: re.Match[str], r: Reading) -> None:
    r.set_day(coming(r.today, WEEKDAY_NAMES[m["wd"]]) + timedelta(days=7), m[0])


def _weekday_next_week(m: re.Match[str], r: Reading) -> None:
    weeks = 2 if m.groupdict().get("after") else 1
    r.set_day(monday(r.today) + timedelta(weeks=weeks, days=WEEKDAY_NAMES[m["wd"]]), m[0])


def _weekday_this_week(m: re.Match[str], r: Reading) -> None:
    r.set_day(monday(r.today) + timedelta(days=WEEKDAY_NAMES[m["wd"]]), m[0])


def _weekdays_from_now(m: re.Match[str], r: Reading) -> None:
    n = int(m["n"])
    r.set_day(coming(r.today, WEEKDAY_NAMES[m["wd"]]) + timedelta(weeks=n - 1), m[0])


def _weekday(m: re.Match[str], r: Reading) -> None:
    if r.weekday is not None:
        raise WhenError(tr("{text} names two weekdays", text=repr(m[0].strip())))
    r.weekday, r.weekday_which = WEEKDAY_NAMES[m["wd"]], m["which"]


def _weeks_ahead(m: re.Match[str], r: Reading) -> None:
    r.set_day(monday(r.today) + timedelta(weeks=2 if m["after"] else 1), m[0])


def _units_ahead(m: re.Match[str], r: Reading) -> None:
    """'next 3 days', 'upcoming two weeks': the start of the nth one ahead."""
    n = int(_amount(m["n"]))
    unit = m["unit"]
    if unit == "day":
        day = r.today + timedelta(days=n)
    elif unit == "week":
        day = monday(r.today) + timedelta(weeks=n)
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[unit]
        start = date(r.today.year, (r.today.month - 1) // months * months + 1, 1)
        day = start + relativedelta(months=months * n)
    r.set_day(day, m[0])


def _next_period(m: re.Match[str], r: Reading) -> None:  # the 1st of it
    start = date(r.today.year, 1 if m["what"] == "year" else r.today.month, 1)
    r.set_day(
        start + relativedelta(years=1) if m["what"] == "year" else start + relativedelta(months=1),
        m[0],
    )


def _weekend(m: re.Match[str], r: Reading) -> None:
    saturday = r.today + timedelta(days=(5 - r.today.weekday()) % 7)
    if r.today.weekday() == 6:
        saturday = r.today  # on a Sunday, this weekend is today
    if m["which"] == "next":
        saturday = monday(r.today) + timedelta(weeks=1, days=5)
    r.set_day(saturday, m[0])


def _last_weekend(m: re.Match[str], r: Reading) -> None:
    year, month = _month_of(m, r)
    r.set_day(nth_weekday(year, month, 5, -1, m[0]), m[0])


def _days_from_today(days: int) -> Handler:
    def handler(m: re.Match[str], r: Reading) -> None:
        r.set_day(r.today + timedelta(days=days), m[0])

    return handler


def _now(m: re.Match[str], r: Reading) -> None:  # now: today, some time
    r.set_day(r.today, m[0])


def _monthday(m: re.Match[str], r: Reading) -> None:
    if r.monthday is not None:
        raise WhenError(tr("{text} names two days", text=repr(m[0].strip())))
    r.monthday = int(m["d"])


# --- handlers for times -------------------------------------------------------


def _twelve_hour(hour: int, ap: str, source: str) -> int:
    """3 and 'p' → 15: only 1–12 take am or pm."""
    if not 1 <= hour <= 12:
        raise WhenError(tr("{text} is not a time (use 3pm or 15:00)", text=repr(source.strip())))
    return hour % 12 + (12 if ap.startswith("p") else 0)


def _at_hour(m: re.Match[str], r: Reading, hour: int, minute: int, kind: str) -> None:
    """The clock time a rule found; with am or pm, on the 12-hour clock."""
    if ap := m.groupdict().get("ap"):
        hour, kind = _twelve_hour(hour, ap, m[0]), "ampm"
    r.set_clock(clock(hour, minute, m[0]), kind, m[0])


def _hour(m: re.Match[str], r: Reading, *, kind: str, minute: int = 0) -> None:
    _at_hour(m, r, int(m["h"]), minute, kind)


def _hm(m: re.Match[str], r: Reading) -> None:
    _hour(m, r, kind="24h", minute=int(m["m"]))


def _bare_hour(m: re.Match[str], r: Reading) -> None:
    _hour(m, r, kind="bare", minute=int(m.groupdict().get("m") or 0))


def _packed(m: re.Match[str], r: Reading) -> None:
    """1030, 730, 150: hours and minutes typed without a colon."""
    digits = m["hm"]
    _at_hour(m, r, int(digits[:-2]), int(digits[-2:]), "24h")


def _relative_clock(m: re.Match[str], r: Reading) -> None:
    """'a quarter past 3pm', '20 to noon', 'half past three'."""
    words = {"quarter": 15, "a quarter": 15, "half": 30}
    minutes = words.get(m["mins"]) or int(m["mins"])
    if m["h"] in ("noon", "midday"):
        base, kind = 12, "word"
    elif m["h"] == "midnight":
        base, kind = 0, "word"
    else:
        base = int(m["h"])
        if m["ap"]:
            base, kind = _twelve_hour(base, m["ap"], m[0]), "ampm"
        else:
            kind = "24h" if m["hsuffix"] == "h" or base > 12 else "bare"
    start = datetime.combine(date(2000, 1, 2), time(base % 24))
    moment = start + (
        timedelta(minutes=minutes) if m["dir"] in ("past", "after") else -timedelta(minutes=minutes)
    )
    if moment.date() != start.date() or minutes >= 60:
        raise WhenError(tr("{text} is not a time (use 3pm or 15:00)", text=repr(m[0].strip())))
    r.set_clock(moment.time(), kind, m[0])


def _half_hour(m: re.Match[str], r: Reading) -> None:  # British "half three"
    r.set_clock(clock(int(m["h"]), 30, m[0]), "bare", m[0])


def _word_time(m: re.Match[str], r: Reading) -> None:
    word = m["w"]
    if word == "midnight":
        r.midnight = True
        r.set_clock(time(0), "word", m[0])
    else:
        r.set_clock(time(17) if word == "eod" else time(12), "word", m[0])


def _ambiguous_h(m: re.Match[str], r: Reading) -> None:
    raise WhenError(
        tr(
            "{text}: the time {clock}, or in {hour} hours? Type {clock} or in {hour} hours",
            text=repr(m[0].strip()),
            hour=int(m["h"]),
            clock=f"{int(m['h']):02d}:00",
        )
    )


def _part(m: re.Match[str], r: Reading) -> None:
    if r.part is not None:
        raise WhenError(tr("{text} names two parts of the day", text=repr(m[0].strip())))
    part = m["part"]
    r.part = {
        "tonite": "tonight",
        "pm": "afternoon",
        "am": "morning",
        "lunch": "noon",
        "lunchtime": "noon",
    }.get(part, part)
    r.part = r.part.removesuffix("ish")
    r.part_today = r.part == "tonight" or bool(m["this"] and m["this"].strip() == "this")


def _refuse(message: str) -> Handler:
    def handler(m: re.Match[str], r: Reading) -> None:
        raise WhenError(tr(message, text=repr(m[0].strip())))

    return handler


# --- the rules, in the order they are tried ----------------------------------

_NOT_A_TIME = r"(?!\s*(?::|am\b|pm\b|a\b|p\b|h\b|h\d|oclock))"
_WHICH_MONTH = (
    rf"(?:(?:the\s+)?(?P<which>next|this|current|coming|following)\s+month"
    rf"|{MON}(?:\s+(?P<y>\d{{4}})|\s+(?P<ny>next year))?)"
)
_RULES_TEXT: tuple[tuple[str, Handler], ...] = (
    (
        r"\b(?:gmt|utc|cet|cest|cst|est|edt|pst|pdt|bst|ist|mst|mdt|jst)\b",
        _refuse("{text}: time zones are not read; give the time where you are"),
    ),
    (r"\b(?:sec|secs|second|seconds)\b", _refuse("{text}: give minutes, not seconds")),
    (r"(?:^|\s)-\s*\d", _refuse("{text}: counting back is not a follow-up")),
    (r"^(?P<h>\d{1,2})h$", _ambiguous_h),
    # offsets: "in 2 hours", "3 days later", "+1h", "within 17 days"
    (
        rf"\b(?:within|(?:in\s+)?(?:the\s+)?next)\s+(?P<span>{_HOURS_PAIR})",
        lambda m, r: _apply_offset(m, r, by_end=True),
    ),
    (rf"\bwithin\s+(?P<span>{_PAIRS})", lambda m, r: _apply_offset(m, r, by_end=True)),
    (
        rf"(?:\b(?:in|after)\s+(?:about\s+|around\s+)?|(?:\bnow\s*)?\+\s*)(?P<span>{_PAIRS})"
        rf"(?:\s+(?:from now|later|hence|from today|time))?",
        _apply_offset,
    ),
    (rf"\b(?P<span>{_PAIRS})\s+(?:from now|later|hence|from today|time)\b", _apply_offset),
    (rf"^(?P<span>{_PAIRS})$", _apply_offset),
    # dates written with digits
    (r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b", _iso),
    (r"\b(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)\b", _iso),
    (r"\b(?P<y>20\d{2}) (?P<m>1[0-2]|0?[1-9]) (?P<d>[0-3]?\d)\b(?!\s*(?::|am|pm|h\b))", _iso),
    (r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})\b(?![-/])", _year_month),
    (
        r"(?<![\d:.])(?P<a>\d{1,2})\s*[/·]\s*(?P<b>\d{1,2})(?:\s*/\s*(?P<y>\d{4}|\d{2}))?(?![\d:])",
        _numeric,
    ),
    (
        r"(?<![\d:.])(?P<a>\d{1,2})\s*-\s*(?P<b>\d{1,2})(?:-(?P<y>\d{4}))?(?![\d:])"
        r"(?!\s*(?:am|pm|a|p|h)\b)",
        _numeric,
    ),
    # dates with a month's name
    (rf"\b(?:(?P<next>next)\s+)?{MON}\s+(?:the\s+)?{DAY}\b{_NOT_A_TIME}{YEAR}\b", _month_day),
    (rf"\b(?:the\s+)?{DAY}(?:\s+day)?\s+(?:of\s+|in\s+)?{MON}{YEAR}\b", _month_day),
    (
        rf"\b(?:the\s+)?{DAY}(?:\s+day)?\s+of\s+(?:the\s+)?(?P<which>next|this|current|coming|"
        rf"following)\s+month\b",
        _day_of_month,
    ),
    (
        rf"\b(?:the\s+)?(?P<n>\d(?:st|nd|rd|th)(?:\s+last)?|last)\s+{WD}\s+(?:of|in)\s+"
        rf"{_WHICH_MONTH}\b",
        _nth_weekday,
    ),
    (
        rf"\b(?:the\s+)?(?:(?P<n>\d{{1,2}}(?:st|nd|rd|th))\s+)?last\s+day\s+(?:of|in)\s+"
        rf"{_WHICH_MONTH}\b",
        _nth_day,
    ),
    (
        rf"\b(?:the\s+)?last\s+(?:weekend|week-end|week end|wkend)\s+(?:of|in)\s+{_WHICH_MONTH}\b",
        _last_weekend,
    ),
    (
        rf"\b(?:the\s+)?(?P<n>\d(?:st|nd|rd|th)(?:\s+last)?|last)\s+week\s+(?:of|in)\s+"
        rf"(?:{_WHICH_MONTH}|(?P<yo>\d{{4}}))\b",
        _week_of,
    ),
    (
        r"\b(?:the\s+)?(?P<which>)(?P<n>\d)(?:st|nd|rd|th)\s+(?:quarter|qtr)(?:\s+(?:of\s+)?"
        r"(?P<y>\d{4}))?\b",
        _quarter,
    ),
    (r"\b(?P<which>)(?P<y>\d{2}|\d{4})\s*q(?P<n>\d)\b", _quarter),
    (r"\b(?P<which>)q(?P<n>\d)(?:\s+(?P<y>\d{4}))?\b", _quarter),
    (r"\b(?P<which>next|this|coming)\s+(?:quarter|qtr)\b(?P<n>)(?P<y>)", _quarter),
    (
        r"\b(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+(?:the\s+)?(?P<which>this\s+|"
        r"next\s+|coming\s+|current\s+|following\s+|around next\s+)?(?P<what>week|month|quarter|"
        r"year)\b",
        _edge_of_period,
    ),
    (r"\b(?:the\s+)?eo(?P<what>[wmqy])\b", _eo),
    (rf"\b(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+{MON}{YEAR}\b", _edge_of_month),
    (rf"\b(?P<edge>early|mid|late)[\s-]*{MON}{YEAR}\b", _edge_of_month),
    (r"\brest\s+of\s+(?:the\s+|this\s+)?(?:week|month)\b", _days_from_today(0)),
    # weekdays
    (rf"\b(?P<n>\d+)\s+{WD}s?\s+from\s+(?:now|today)\b", _weekdays_from_now),
    (rf"\b{WD}\s+after\s+next\b", _weekday_after_next),
    (rf"\b{WD}\s+(?:of\s+)?(?:the\s+)?(?:next|following|coming)\s+week\b", _weekday_next_week),
    (rf"\b{WD}\s+of\s+the\s+week\s+(?P<after>after\s+next)\b", _weekday_next_week),
    (rf"\bnext\s+week\s+(?:on\s+)?{WD}\b", _weekday_next_week),
    (rf"\b{WD}\s+of\s+this\s+week\b", _weekday_this_week),
    (
        rf"\b(?:(?P<which>this|next|coming|upcoming|around next|the next|the coming)\s+)?{WD}\b",
        _weekday,
    ),
    # weeks, weekends and periods ahead
    (
        r"\b(?:next|upcoming|coming)\s+(?P<n>\d+|few|a few|couple(?: of)?|a couple(?: of)?)\s+"
        r"(?P<unit>day|week|month|quarter|year)s?\b",
        _units_ahead,
    ),
    (
        r"\b(?P<n>\d+)\s+(?:upcoming|coming|next)\s+(?P<unit>day|week|month|quarter|year)s?\b",
        _units_ahead,
    ),
    (
        r"\b(?:this\s+|the\s+|(?P<which>next)\s+|coming\s+)?(?:weekend|week-end|week end|wkend)\b",
        _weekend,
    ),
    (
        r"\b(?:the\s+|around\s+)?(?:next|following|coming|upcoming)\s+week\b(?P<after>)",
        _weeks_ahead,
    ),
    (r"\bthe\s+week\s+(?P<after>after\s+next)\b", _weeks_ahead),
    (r"\b(?:the\s+)?(?:next|following|coming)\s+(?P<what>month|year)\b", _next_period),
    (r"\b(?:this|current|the current)\s+week\b", _days_from_today(0)),
    # a month or a year alone
    (
        rf"\b(?:(?P<lead>in|during|by|next|this)\s+)?{MON}(?:\s+(?P<after>after next))?"
        rf"(?:\s+(?P<y>\d{{4}})|\s+(?:of\s+)?"
        rf"(?P<ny>next year))?\b",
        _month_alone,
    ),
    # words for a day
    (r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\bovermorrow\b", _days_from_today(2)),
    (r"\b(?:tomorrow|tmrw?|tomorow|(?:the\s+)?next day)\b", _days_from_today(1)),
    (r"\b(?:today|tod)\b", _days_from_today(0)),
    (r"\byesterday\b", _days_from_today(-1)),
    (r"\b(?:just\s+|right\s+)?now\b|\bat this time\b", _now),
)
_TIME_RULES: tuple[tuple[str, Handler], ...] = (
    (r"\b(?P<w>noon|midday|mid day|midnight|eod)\b", _word_time),
    (
        rf"\b(?P<mins>\d{{1,2}}|a quarter|quarter|half)(?:\s+minutes?)?\s+(?P<dir>past|after|to|"
        rf"till|before)\s+(?P<h>\d{{1,2}}|noon|midday|midnight)(?P<hsuffix>h)?(?:\s*{AMPM})?\b",
        _relative_clock,
    ),
    (rf"\b(?P<h>\d{{1,2}})[:h.](?P<m>\d{{2}})\s*{AMPM}?\b", _hm),
    (r"\b(?P<h>\d{1,2}):(?P<m>\d{2})\b", _hm),
    (rf"\b(?P<hm>\d{{3,4}})\s*{AMPM}\b", _packed),
    (
        rf"\b(?P<h>\d{{1,2}})\s+(?P<m>[0-5]\d)\s*{AMPM}\b",
        lambda m, r: _hour(m, r, kind="ampm", minute=int(m["m"])),
    ),
    (r"\b(?P<h>\d{1,2})\s*(?P<ap>am|pm|p)\b", lambda m, r: _hour(m, r, kind="ampm")),
    (r"(?:\bat|@)\s*(?P<h>\d{1,2})\s*(?P<ap>a)\b", lambda m, r: _hour(m, r, kind="ampm")),
    (rf"\b(?P<h>\d{{1,2}})\s*oclock(?:\s*{AMPM})?\b", lambda m, r: _hour(m, r, kind="bare")),
    (r"\bhalf\s+(?P<h>\d{1,2})\b", _half_hour),
    (r"(?:\bat|@|\baround|\babout|\bapproximately|\bapprox)\s*(?P<hm>\d{3,4})\b", _packed),
    (r"(?:\bat|@)\s*(?P<h>\d{1,2})\s+(?P<m>[0-5]\d)\b(?!\s*(?:and\b|\d))", _bare_hour),
    (r"(?:\bat|@|\baround|\babout|\bby)\s*(?P<h>\d{1,2})h\b", lambda m, r: _hour(m, r, kind="24h")),
    (r"\b(?P<h>\d{1,2})h\b", _ambiguous_h),
    (r"(?:\bat|@|\baround|\babout)\s*(?P<h>\d{1,2})\b(?!\s*(?:st|nd|rd|th)\b)", _bare_hour),
    # parts of the day
    (
        r"\b(?:early\s+|late\s+)?(?P<this>this\s+|in\s+the\s+)?(?:early\s+)?(?P<part>morning|"
        r"afternoonish|afternoon|evening|night|tonight|tonite|lunchtime|lunch|daytime|pm|am)\b",
        _part,
    ),
)
_TAIL_RULES: tuple[tuple[str, Handler], ...] = (  # after the times: numbers left are days
    (rf"\b(?:on\s+)?(?:the\s+)?{ORD}\b", _monthday),
    (r"\b(?:on\s+)?the\s+(?P<d>\d{1,2})\b(?!\s*(?::|am|pm))", _monthday),
    (r"\b(?:in\s+)?(?P<y>20\d{2})(?:\s+ad)?\b", _year_alone),
)


def _compiled(
    rules: tuple[tuple[str, Handler], ...],
) -> tuple[tuple[re.Pattern[str], Handler], ...]:
    return tuple((re.compile(pattern), handler) for pattern, handler in rules)


TIME_RULES = _compiled(_TIME_RULES)
RULES = _compiled(_RULES_TEXT) + TIME_RULES + _compiled(_TAIL_RULES)
_LONE_HOUR = re.compile(r"(?:^|\s)(?P<h>\d{1,2})(?=\s|$)")


_ANY_MONTH = MON.replace("?P<mon>", "?:")  # a month's name, not kept
_SEP = r"\s*(?:-|–|—|~|to|till|til|until|untill|thru|through|and)\s*"
_PARTS = r"(?:(?:morning|afternoon|evening|night|tonight)\s+)?"
_TIME_RANGE = re.compile(
    rf"\b(?P<a>\d{{1,2}}(?:[:h]\d{{2}})?)\s*(?P<ap1>am|pm|a|p)?{_SEP}{_PARTS}"
    rf"(?P<b>\d{{1,2}}(?:[:h]\d{{2}}|h)?|midnight|noon)\s*(?P<ap2>am|pm|a|p)?\b"
)
_DAY_RANGE = re.compile(
    rf"\b(?P<a>(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?){_SEP}(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?=(?:\s+of)?\s+{MON})"
    rf"|\b(?P<head>{_ANY_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?){_SEP}"
    rf"(?:{_ANY_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?\b"
)


def from_start(phrase: str) -> str:
    """A range is read from its start: a follow-up is due when it begins
    ('3-4pm' is 15:00, 'july 13-15' is July 13)."""
    phrase = _DAY_RANGE.sub(lambda m: m["a"] or m["head"], phrase)
    return _TIME_RANGE.sub(_range_start, phrase)


def _range_start(m: re.Match[str]) -> str:
    a, b, ap1, ap2 = m["a"], m["b"], m["ap1"], m["ap2"]
    if not (ap1 or ap2 or re.search(r"[:h]", a + b) or b in ("midnight", "noon")):
        return m[0]  # two bare numbers: a date like 2-15, not a range
    if ap1 or not ap2:
        return f"{a}{ap1 or ''}"
    start, end = int(re.split(r"[:h]", a)[0]), int(re.split(r"[:h]", b)[0])
    ap = ap2 if start <= end < 12 else "am" if end == 12 or start > end else ap2
    return f"{a}{ap}"


def read(phrase: str, now: datetime, *, month_first: bool = False) -> tuple[Reading, str]:
    """The pieces of `phrase` and the words left over (fillers removed)."""
    r = Reading(now, month_first=month_first)
    phrase = _lone_hour(take(from_start(phrase), r, RULES), r)
    left = [word for word in phrase.split() if word not in FILLERS]
    return r, " ".join(left)


def take(phrase: str, r: Reading, rules: tuple[tuple[re.Pattern[str], Handler], ...]) -> str:
    """`phrase` with each piece the rules understand taken out (into `r`)."""
    for pattern, handler in rules:
        while (m := pattern.search(phrase)) is not None:
            handler(m, r)
            phrase = f"{phrase[: m.start()]} ; {phrase[m.end() :]}"
    return phrase


def _lone_hour(phrase: str, r: Reading) -> str:
    """'9 tomorrow', 'tonight 8', 'friday 3': a bare number beside a day or a
    part of the day is an hour (business hours: 1–6 is the afternoon)."""
    found = list(_LONE_HOUR.finditer(phrase))
    has_day = r.day or r.weekday is not None or r.monthday or r.part
    if len(found) != 1 or not has_day or r.clock is not None:
        return phrase
    m = found[0]
    _bare_hour(m, r)
    return f"{phrase[: m.start()]} ; {phrase[m.end() :]}"
