"""Follow-up times typed in plain words: "next tue", "in 3 days", "dec 5 3pm",
"every 2 weeks", and the Chinese a rep in China types: "下周二", "3天后", "每周".

`parse_when(text, now)` returns a `When` (a date, an optional time of day and,
for recurrences, an RRULE) or raises `WhenError`, quoting what was typed and
showing what works. The phrase is normalised (`when_text`, Chinese said in
English words), then read by the grammar (`when_grammar`, `when_repeat`).

Conventions, chosen to match what a rep means (docs/dates.md lists them):
- a weekday name ("tue", "周二") is the coming one, 1 to 7 days ahead;
  "next tue" ("下周二") is the Tuesday of next week (weeks start on Monday);
  "tue of this week" ("本周二") is this week's, refused once gone by;
- "next week" is next Monday, "next month" the 1st of next month, "march"
  the 1st of March, "next quarter" its first day, "end of …" the last day
  (of a week: Friday);
- a day of the month without a year ("dec 5", "the 15th") is the next one;
- 12/15 and 15/12 are read by the number over 12; 3/4 is refused in English
  (March 4 or 3 April?) and March 4 in Chinese, which writes the month first;
- a time alone ("3pm") is today, or tomorrow if it has passed; a time on
  today that has passed is refused;
- a clock time with a colon is the 24-hour clock (3:30 is 03:30); a bare
  hour ("at 3", "3点") is business hours: 1–6 is the afternoon;
- a part of the day sets the half of the day: "tonight 8", "3:20 in the
  afternoon", "今晚8点"; alone it names the day only;
- a range is due at its start ("3-4pm" is 15:00);
- "1m" is refused (minutes or months?), so is "5h" alone (05:00 or in 5 hours?);
- a phrase is understood whole or refused: a word left over is never dropped;
- a recurrence starts at its first occurrence after today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from workbench.domain.recurrence import rest_of_series, rule_dates
from workbench.i18n import (
    CHINESE,
    day_text,
    language,
    later,
    ordinal,
    tr,
    tr_n,
    weekday,
)

if TYPE_CHECKING:
    from workbench.domain.when_grammar import Reading

__all__ = [
    "When",
    "WhenError",
    "describe_due",
    "describe_rrule",
    "examples",
    "happened",
    "next_occurrence",
    "one_day",
    "parse_when",
    "series_goes_on",
]

MAX_DAYS_AHEAD = 366 * 10
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class WhenError(ValueError):
    """Text that is not a date; the message says why and what works."""


_EXAMPLES = later(
    "today, tomorrow, fri, next tue, in 3 days, 2w, dec 5 3pm, the 15th, tonight 8, "
    "end of month, 2026-12-01, every 2 weeks, every monday 10am, 下周二"
)


def examples() -> str:
    """What works, in the rep's language."""
    return tr(_EXAMPLES)


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
    # The grammar compiles its rules as it loads: at the first date typed, not
    # as the app starts (the Today pane needs only `describe_due` from here).
    from workbench.domain.when_grammar import read
    from workbench.domain.when_repeat import RECURRENCE, parse_recurrence
    from workbench.domain.when_text import CJK, from_chinese, normalize

    if len(text) > 100:
        raise WhenError(tr("that is too long for a date"))
    phrase = normalize(text)
    if not phrase:
        raise WhenError(tr("type when, e.g. {examples}", examples=examples()))
    chinese = bool(CJK.search(phrase))
    phrase = from_chinese(phrase)
    quoted = repr(text.strip())
    now = now.replace(tzinfo=None)
    if RECURRENCE.match(phrase):
        day, at, rule = parse_recurrence(phrase, now, quoted)
        return _checked(When(day, at, rule), now, allow_past, quoted)
    r, left = read(phrase, now, month_first=chinese or language() == CHINESE)
    if left:
        raise _unread(quoted, left, chinese=bool(CJK.search(left)))
    return _checked(_resolve(r, quoted), now, allow_past, quoted)


def one_day(text: str, now: datetime) -> date:
    """A single day typed in plain words, past or future (a holiday, a
    close date): a repeat or a time of day is refused."""
    when = parse_when(text, now, allow_past=True)
    if when.rrule or when.at is not None:
        raise WhenError(tr("{text}: give one day, e.g. dec 25 or 2026-12-25", text=repr(text)))
    return when.day


def series_goes_on(rule: str, due: date, at: time | None, today: date) -> When | None:
    """The next of a recurring follow-up done `today`: its rhythm continues
    from its due date (a weekly call due Friday and done Monday is next due
    the Friday after), or None when it was the series' last."""
    rest = rest_of_series(rule, due, max(today, due))
    if rest is None:
        return None
    rule = rest.rule if rest.last is None else f"{rest.rule};UNTIL={rest.last:%Y%m%d}"
    return When(rest.first, at, rule)


def happened(text: str, now: datetime, time_of_day: time) -> datetime:
    """When something happened, typed in plain words ("yesterday 3pm"): at
    `time_of_day` (local) if no time is typed. A repeat is refused (one still
    to come, by actions.edit_activity)."""
    when = parse_when(text, now, allow_past=True)
    if when.rrule:
        raise WhenError(tr("an activity happened once: type a day, not a repeat"))
    return datetime.combine(when.day, when.at or time_of_day, now.tzinfo)


def _unread(quoted: str, left: str, *, chinese: bool) -> WhenError:
    """A refusal quoting what was typed and the words not understood (a
    Chinese phrase has been translated: only all of it can be quoted)."""
    if chinese or len(left) >= len(quoted) - 2:
        return WhenError(
            tr("can't read {text} as a date; try {examples}", text=quoted, examples=examples())
        )
    return WhenError(
        tr(
            "can't read {left} in {text}; try {examples}",
            left=repr(left),
            text=quoted,
            examples=examples(),
        )
    )


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def coming(today: date, weekday: int) -> date:
    """The coming `weekday`, 1 to 7 days ahead (never today)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def next_occurrence(rrule: str, anchor: date, after: date) -> date:
    """The first date of a recurrence anchored at `anchor` that falls after `after`."""
    found = rule_dates(rrule, anchor).after(datetime.combine(after, time()))
    if found is None:
        raise WhenError(tr("the recurrence {rule} has no more dates", rule=repr(rrule)))
    return found.date()


def _resolve(r: Reading, quoted: str) -> When:
    """One day and time from the pieces a phrase was read into."""
    at = time_of_day(r, quoted)
    if at is not None and r.in_years:
        raise WhenError(tr("{text}: for a time of day that far ahead, give the date", text=quoted))
    if r.moment is not None:  # "in 2 hours": a day and a time at once
        if at is not None or (r.day not in (None, r.moment.date())):
            raise WhenError(tr("{text} names two different times", text=quoted))
        return When(r.moment.date(), r.moment.time())
    day = _day(r, quoted)
    if day is None:
        if at is None and r.part is None:
            raise WhenError(tr("type when, e.g. {examples}", examples=examples()))
        if at is None or r.part_today:
            return When(r.today, at)
        if r.midnight:
            return When(r.today + timedelta(days=1), at)
        return When(r.today if at > r.now.time() else r.today + timedelta(days=1), at)
    if r.part_today and day != r.today:
        raise WhenError(tr("{text} names two different days", text=quoted))
    if r.midnight:
        raise WhenError(
            tr(
                "{text}: midnight at the start or the end of that day? Type 0:00 and the day after",
                text=quoted,
            )
        )
    return When(day, at)


def _day(r: Reading, quoted: str) -> date | None:
    if r.weekday is None and r.monthday is None:
        return r.day if r.day is not None else (r.today if r.part_today else None)
    if r.monthday is not None and r.day is not None:
        raise WhenError(tr("{text} names two different days", text=quoted))
    if r.weekday is not None and r.day is not None:
        if r.day.weekday() != r.weekday:
            raise WhenError(
                tr(
                    "{text}: {day} is not a {weekday}",
                    text=quoted,
                    day=day_text(r.day, year=True),
                    weekday=weekday(r.weekday),
                )
            )
        return r.day
    if r.monthday is not None:
        return _monthday(r, quoted)
    assert r.weekday is not None
    if r.weekday_which == "next":
        return monday(r.today) + timedelta(days=7 + r.weekday)
    return coming(r.today, r.weekday)


def _monthday(r: Reading, quoted: str) -> date:
    """The next day with that number (and that weekday, when one was named)."""
    assert r.monthday is not None
    if r.monthday == r.today.day and r.weekday is None:
        raise WhenError(
            tr(
                "{text}: the {nth} is today; type today, or the month too",
                text=quoted,
                nth=ordinal(r.monthday),
            )
        )
    first = date(r.today.year, r.today.month, 1)
    for months in range(0, 12 * 8):
        month = (first.month - 1 + months) % 12 + 1
        year = first.year + (first.month - 1 + months) // 12
        try:
            found = date(year, month, r.monthday)
        except ValueError:
            continue
        if found >= r.today and (r.weekday is None or found.weekday() == r.weekday):
            return found
    raise WhenError(tr("{text} is not a real date", text=quoted))


_PM_PARTS = ("afternoon", "evening", "night", "tonight")
_PART_NAMES = {
    "morning": later("morning"),
    "early morning": later("morning"),
    "afternoon": later("afternoon"),
    "evening": later("evening"),
    "night": later("night"),
    "tonight": later("evening"),
    "noon": later("noon"),
}


def time_of_day(r: Reading, quoted: str) -> time | None:
    """The clock time, its half of the day set by the part of the day."""
    at, part = r.clock, r.part
    if at is None:
        return time(12) if part == "noon" else None
    if part in (None, "daytime") or (r.clock_kind == "word" and part != "noon"):
        if r.clock_kind == "bare" and 1 <= at.hour <= 6:
            return at.replace(hour=at.hour + 12)  # "at 3": business hours
        return at
    if at.hour == 12 and r.clock_kind != "ampm" and part != "noon":
        raise WhenError(
            tr(
                "{text}: 12 in the {part} is noon or midnight? Say which",
                text=quoted,
                part=tr(_PART_NAMES[part]),
            )
        )
    if part in _PM_PARTS:
        if r.clock_kind == "ampm" and at.hour < 12:
            raise WhenError(
                tr(
                    "{text}: {time} is not in the {part}",
                    text=quoted,
                    time=f"{at:%H:%M}",
                    part=tr(_PART_NAMES[part]),
                )
            )
        return at.replace(hour=at.hour + 12) if at.hour < 12 else at
    if part in ("morning", "early morning") and at.hour >= 12:
        raise WhenError(
            tr(
                "{text}: {time} is not in the {part}",
                text=quoted,
                time=f"{at:%H:%M}",
                part=tr(_PART_NAMES["morning"]),
            )
        )
    if part == "noon" and at.hour < 6:
        return at.replace(hour=at.hour + 12)
    return at


def describe_rrule(rrule: str) -> str:
    """Human text for the rules this parser writes ('every 2 weeks on Tue'),
    and the end a rule from a file may have ('…, 3 times', '… until 2027-01-31')."""
    parts = dict(part.split("=", 1) for part in rrule.upper().split(";") if "=" in part)
    return _rhythm(parts) + _end(parts)


def _rhythm(parts: dict[str, str]) -> str:
    interval = int(parts.get("INTERVAL", "1"))
    one, many = _EVERY.get(parts.get("FREQ", ""), _EVERY["DAILY"])
    text = tr_n(one, many, interval)
    if days := parts.get("BYDAY"):
        if days == "MO,TU,WE,TH,FR":
            return tr("every weekday")
        text += tr(" on {days}", days=", ".join(_day_name(day) for day in days.split(",")))
    if monthdays := parts.get("BYMONTHDAY"):
        names = [
            tr("the last day") if day == "-1" else tr("the {nth}", nth=ordinal(int(day)))
            for day in monthdays.split(",")
        ]
        text += tr(" on {days}", days=", ".join(names))
    if month := parts.get("BYMONTH"):
        text += tr(" in {month}", month=_month_name(int(month)))
    return text


def _end(parts: dict[str, str]) -> str:
    if (until := parts.get("UNTIL", ""))[:8].isdigit():
        return tr(" until {day}", day=f"{until[:4]}-{until[4:6]}-{until[6:8]}")
    if (count := parts.get("COUNT", "")).isdigit():
        return tr_n(", {count} time", ", {count} times", int(count))
    return ""


def _day_name(code: str) -> str:
    """'TU' → Tue, '1FR' → the 1st Fri, '-1MO' → the last Mon."""
    name = weekday(RRULE_DAYS.index(code[-2:]))
    n = int(code[:-2] or 0)
    if n == 0:
        return name
    if n == -1:
        return tr("the last {day}", day=name)
    # how many, not a day of the month: 1st, 2nd (in Chinese 第1个, not 1日)
    nth = str(abs(n)) if language() == CHINESE else ordinal(abs(n))
    if n < 0:
        return tr("the {nth} last {day}", nth=nth, day=name)
    return tr("the {nth} {day}", nth=nth, day=name)


def _month_name(month: int) -> str:
    return f"{month}月" if language() == CHINESE else date(2000, month, 1).strftime("%B")


_EVERY = {  # a rule's FREQ: how it reads once, and every {count} times
    "DAILY": (later("every day"), later("every {count} days")),
    "WEEKLY": (later("every week"), later("every {count} weeks")),
    "MONTHLY": (later("every month"), later("every {count} months")),
    "YEARLY": (later("every year"), later("every {count} years")),
}


def _checked(when: When, now: datetime, allow_past: bool, quoted: str) -> When:
    today = now.date()
    if not allow_past and (
        when.day < today
        or (
            when.day == today
            and when.at is not None
            and when.at < now.time().replace(second=0, microsecond=0)
        )
    ):
        shown = day_text(when.day, year=True) + (f" {when.at:%H:%M}" if when.at else "")
        raise WhenError(tr("{text} is {day}, which is in the past", text=quoted, day=shown))
    if (when.day - today).days > MAX_DAYS_AHEAD:
        raise WhenError(tr("{text} is more than ten years ahead", text=quoted))
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
