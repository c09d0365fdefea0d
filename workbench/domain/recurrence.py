"""A follow-up's recurrence: an RFC 5545 rule anchored at its due date, in
local (floating) time, as the rep's calendar reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.rrule import rrulebase, rrulestr

from workbench.i18n import tr

# An UNTIL with a zone (Z, UTC, +0800): RFC 5545 wants a floating start's
# UNTIL floating too; versions before this one accepted such rules.
ZONED_UNTIL = re.compile(r"(UNTIL=\d{8}T\d{6})(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})", re.IGNORECASE)
# The rule parts of RFC 5545 (3.3.10); dateutil reads more (BYEASTER), which
# no calendar a rule is exported to would understand.
RRULE_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)


# A follow-up is due on a day (at its own time): no rule repeats it within one.
_WITHIN_A_DAY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_WITHIN_A_DAY_PARTS = frozenset({"BYSECOND", "BYMINUTE", "BYHOUR"})


def rule_dates(rule: str, anchor: date) -> rrulebase:
    """The dates of `rule` from `anchor`. An UNTIL with a zone (as kept by
    earlier versions) is read as local time, so no stored rule breaks."""
    return rrulestr(ZONED_UNTIL.sub(r"\1", rule), dtstart=datetime.combine(anchor, time()))


@dataclass(frozen=True)
class Rest:
    """What is left of a series after a day."""

    first: date  # its next date
    rule: str  # its rule without COUNT or UNTIL
    last: date | None  # its last date; None: it never ends


def rest_of_series(rule: str, anchor: date, after: date) -> Rest | None:
    """What is left of `rule` (anchored at `anchor`) after the day `after`,
    None when nothing is. A series continued from `first` keeps its end: a
    COUNT, counted from `anchor`, becomes the date of its last occurrence
    (copied as it was, "twice" would start over at every completion)."""
    rule = rule.strip().removeprefix("RRULE:")
    dates = rule_dates(rule, anchor)
    first = dates.after(datetime.combine(after, time()))
    if first is None:
        return None
    parts = [
        part
        for part in rule.split(";")
        if not part.strip().upper().startswith(("COUNT=", "UNTIL="))
    ]
    ends = len(parts) < len(rule.split(";"))
    return Rest(first.date(), ";".join(parts), list(dates)[-1].date() if ends else None)


def check_new_rule(rule: str) -> None:
    """Raise ValueError unless `rule` is one RFC 5545 rule in local time, as
    a rule coming in (a CSV file's) must be: nothing dateutil alone reads
    (BYEASTER), no second line (DTSTART, EXDATE: the follow-up's date is
    its start), no UNTIL with a zone."""
    lines = [line for line in rule.upper().splitlines() if line.strip()]
    if len(lines) != 1:
        raise ValueError(tr("{rule!r}: give one rule line (FREQ=…), nothing else", rule=rule))
    names = {
        part.partition("=")[0].strip()
        for part in lines[0].removeprefix("RRULE:").split(";")
        if part.strip()
    }
    if unknown := sorted(names - RRULE_PARTS):
        raise ValueError(
            tr(
                "{rule!r} is not a recurrence rule (RFC 5545 has no {part})",
                rule=rule,
                part=unknown[0],
            )
        )
    if ZONED_UNTIL.search(rule):
        raise ValueError(
            tr(
                "{rule!r}: write UNTIL as a local date or time, without Z (UNTIL=20270131)",
                rule=rule,
            )
        )
    freq = re.search(r"FREQ=(\w+)", lines[0])
    if (freq and freq[1] in _WITHIN_A_DAY) or names & _WITHIN_A_DAY_PARTS:
        raise ValueError(
            tr(
                "{rule!r}: a follow-up repeats by the day at most (its time is its "
                "own); use FREQ=DAILY or longer",
                rule=rule,
            )
        )
