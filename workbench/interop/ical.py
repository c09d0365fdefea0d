"""The rep's open follow-ups and planned visits as an iCalendar file
(RFC 5545) that phone and desktop calendars open.

- A follow-up is an all-day event on the day it comes up, or a 30-minute
  one at its time (floating: the calendar's own time zone, as the rep typed
  it). A recurring one carries its RRULE.
- One already overdue is shown today, titled with how late it is, so it is
  not lost in the past; one snoozed is shown on the day it was snoozed to.
  A recurring follow-up is that event and a series of the rest, starting
  on the rule's next date (a series' first date must be one of its own).
- Visits and meetings logged for a time still ahead are events at that
  time, as long as they were planned to last (an hour if nobody said).

Every event's UID comes from the record's id alone (never a date), so
importing a newer file, tomorrow or later, updates the calendar instead of
doubling it or leaving yesterday's events behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from workbench import __version__
from workbench.domain.money import format_money
from workbench.domain.recurrence import rest_of_series
from workbench.i18n import tr, tr_n
from workbench.interop.content_lines import escape, fold
from workbench.interop.files import replacing
from workbench.store.database import Store
from workbench.store.queries import DueFollowUp, PlannedVisit, follow_ups_due, planned_visits

FOLLOW_UP_MINUTES = 30
VISIT_MINUTES = 60
UID_DOMAIN = "workbench.invalid"  # UIDs must be global; .invalid never names a real host

Event = list[tuple[str, str]]  # (name with parameters, value as written)


def export_ics(store: Store, path: Path, days: int) -> int:
    """Write what comes up in the next `days` days (and everything overdue)
    to `path`; return how many events."""
    if days < 1:
        raise ValueError(tr("--days must be at least 1"))
    now, today = store.clock.now(), store.clock.today()
    last = today + timedelta(days=days)
    end = datetime.combine(last + timedelta(days=1), time(), now.tzinfo)
    events = [
        event for row in follow_ups_due(store, last, store.me) for event in _follow_up(row, today)
    ]
    events += [_visit(visit) for visit in planned_visits(store, now, end, store.me)]
    with replacing(path) as file:
        file.writelines(fold(line) for line in _calendar(events, _utc(now)))
    return len(events)


def _calendar(events: list[Event], stamp: str) -> Iterator[str]:
    yield from (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Workbench//Workbench {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Workbench",
    )
    for event in events:
        yield "BEGIN:VEVENT"
        yield f"DTSTAMP:{stamp}"
        yield from (f"{name}:{value}" for name, value in event)
        yield "END:VEVENT"
    yield "END:VCALENDAR"


def _follow_up(row: DueFollowUp, today: date) -> list[Event]:
    """The follow-up's events: this occurrence (today when overdue, or on
    its snooze date), and for a recurring one the rest of the series."""
    day = max(row.shown_on, today)
    late = row.shown_on < today
    summary = f"{row.title} – {row.customer_name or '?'}"
    notes = [tr("Customer: {name}", name=row.customer_name or "?")]
    if row.deal_title:
        worth = ""
        if row.amount is not None and row.currency is not None:
            worth = f" {format_money(row.amount, row.currency, cents=True)}"
        notes.append(tr("Deal: {deal}", deal=f"{row.deal_title}{worth}"))
    common = [("CATEGORIES", "Follow-up")]
    this = [
        ("SUMMARY", escape(tr("Overdue: {what}", what=summary) if late else summary)),
        ("DESCRIPTION", escape("\n".join([*notes, *_late(row, today)]))),
    ]
    events = [
        [
            ("UID", f"{row.id}@{UID_DOMAIN}"),
            *_when(day, row.due_time, FOLLOW_UP_MINUTES),
            *this,
            *common,
        ]
    ]
    if row.recurrence and (rest := _rest_of_series(row.recurrence, row.due_date, row.due_time)):
        first, rule = rest
        events.append(
            [
                ("UID", f"{row.id}-series@{UID_DOMAIN}"),
                *_when(first, row.due_time, FOLLOW_UP_MINUTES),
                ("RRULE", rule),
                ("SUMMARY", escape(summary)),
                ("DESCRIPTION", escape("\n".join(notes))),
                *common,
            ]
        )
    return events


def _late(row: DueFollowUp, today: date) -> list[str]:
    if row.shown_on >= today:
        return []
    return [
        tr_n(
            "Due {day}, {count} day ago",
            "Due {day}, {count} days ago",
            (today - row.shown_on).days,
            day=f"{row.shown_on:%Y-%m-%d}",
        )
    ]


def _rest_of_series(recurrence: str, due: date, at: time | None) -> tuple[date, str] | None:
    """The first date after `due` of the rule anchored there, and the rule to
    write for a series that starts on it (DTSTART must be one of its dates;
    a COUNT, counted from `due`, or an UNTIL becomes the UNTIL of the last
    date, written as DTSTART is: a date, or a local time); None
    when no date is left. Both UIDs stay the same from one day's export to
    the next, so a calendar updates its events instead of keeping stale ones."""
    rest = rest_of_series(_rrule(recurrence), due, due)
    if rest is None:
        return None
    if rest.last is None:
        return rest.first, rest.rule
    return rest.first, f"{rest.rule};UNTIL={_moment(rest.last, at)[1]}"  # (as DTSTART is written)


def _visit(visit: PlannedVisit) -> Event:
    start = visit.at.astimezone(UTC)
    end = start + timedelta(minutes=visit.duration_min or VISIT_MINUTES)
    notes = [
        visit.notes or "",
        tr("Contact: {name}", name=visit.contact_name) if visit.contact_name else "",
        tr("Deal: {deal}", deal=visit.deal_title) if visit.deal_title else "",
    ]
    event = [
        ("UID", f"{visit.id}@{UID_DOMAIN}"),
        ("DTSTART", _utc(start)),
        ("DTEND", _utc(end)),
        ("SUMMARY", escape(f"{visit.kind.capitalize()}: {visit.customer_name or '?'}")),
        ("CATEGORIES", visit.kind.capitalize()),
    ]
    if description := "\n".join(note for note in notes if note):
        event.append(("DESCRIPTION", escape(description)))
    if visit.address:
        event.append(("LOCATION", escape(visit.address)))
    return event


def _when(day: date, at: time | None, minutes: int) -> Event:
    """DTSTART and DTEND: a whole day, or `minutes` from a floating local time."""
    kind, start = _moment(day, at)
    if at is None:
        return [(f"DTSTART{kind}", start), (f"DTEND{kind}", _moment(day + timedelta(days=1))[1])]
    end = datetime.combine(day, at) + timedelta(minutes=minutes)
    return [("DTSTART", start), ("DTEND", _moment(end.date(), end.time())[1])]


def _moment(day: date, at: time | None = None) -> tuple[str, str]:
    """(the value-type parameter, the value) of a date, or a date and time."""
    if at is None:
        return ";VALUE=DATE", f"{day:%Y%m%d}"
    return "", f"{datetime.combine(day, at):%Y%m%dT%H%M%S}"


def _rrule(recurrence: str) -> str:
    """The rule part only, however it was stored ('RRULE:FREQ=…' or 'FREQ=…')."""
    lines = [line for line in recurrence.splitlines() if "FREQ=" in line.upper()]
    return (lines[0] if lines else recurrence).strip().upper().removeprefix("RRULE:")


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
