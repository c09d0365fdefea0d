"""A follow-up's recurrence: an RFC 5545 rule anchored at its due date, in
local (floating) time, as the rep's calendar reads it."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from dateutil.rrule import rrulebase, rrulestr

# An UNTIL in UTC: RFC 5545 wants a floating start's UNTIL floating too.
UTC_UNTIL = re.compile(r"(UNTIL=\d{8}T\d{6})Z", re.IGNORECASE)


def rule_dates(rule: str, anchor: date) -> rrulebase:
    """The dates of `rule` from `anchor`. An UNTIL in UTC (accepted before
    rules were checked for it) is read as local time."""
    return rrulestr(UTC_UNTIL.sub(r"\1", rule), dtstart=datetime.combine(anchor, time()))
