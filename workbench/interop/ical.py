"""The rep's open follow-ups and planned visits as an iCalendar file
(RFC 5545) that phone and desktop calendars open.

- A follow-up is an all-day event on the day it comes up, or a 30-minute
  one at its time (floating: the calendar's own time zone, as the rep typed
  it). A recurring one carries its RRULE.
- One already overdue is shown today, titled with how late it is, so it is
  not lost in the past; one snoozed is shown on the day it was snoozed to.
  For a recurring follow-up that occurrence is taken out of the series
  (EXDATE) and shown on its own.
- Visits and meetings logged for a time still ahead are events at that
  time, as long as they were planned to last (an hour if nobody said).

Every event's UID comes from the record's id, so importing a newer file
updates the calendar instead of doubling it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from workbench import __version__
from workbench.domain.money import format_money
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
    events = [event for row in follow_ups_due(store, last, store.me)
              for event in _follow_up(row, today)]  # fmt: skip
    events += [_visit(visit) for visit in planned_visits(store, now, end, store.me)]
    with replacing(path) as file:
        file.writelines(fold(line) for line in _calendar(events, _utc(now)))
    return len(events)


def _calendar(events: list[Event], stamp: str) -> Iterator[str]:
    yield from ("BEGIN:VCALENDAR", "VERSION:2.0",
                f"PRODID:-//Workbench//Workbench {__version__}//EN",
                "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Workbench")  # fmt: skip
    for event in events:
        yield "BEGIN:VEVENT"
        yield f"DTSTAMP:{stamp}"
        yield from (f"{name}:{value}" for name, value in event)
        yield "END:VEVENT"
    yield "END:VCALENDAR"


def _follow_up(row: DueFollowUp, today: date) -> list[Event]:
    """The follow-up's events: one, or a series and the occurrence moved
    out of it (to today when overdue, or to its snooze date)."""
    day = max(row.shown_on, today)
    late = row.shown_on < today
    summary = f"{row.title} – {row.customer_name or '?'}"
    summary = tr("Overdue: {what}", what=summary) if late else summary
    notes = [tr("Customer: {name}", name=row.customer_name or "?")]
    if row.deal_title:
        worth = ""
        if row.amount is not None and row.currency is not None:
            worth = f" {format_money(row.amount, row.currency, cents=True)}"
        notes.append(tr("Deal: {deal}", deal=f"{row.deal_title}{worth}"))
    if late:
        notes.append(tr_n("Due {day}, {count} day ago", "Due {day}, {count} days ago",
                          (today - row.shown_on).days, day=f"{row.shown_on:%Y-%m-%d}"))  # fmt: skip
    common = [("SUMMARY", escape(summary)), ("DESCRIPTION", escape("\n".join(notes))),
              ("CATEGORIES", "Follow-up")]  # fmt: skip
    uid = f"{row.id}@{UID_DOMAIN}"
    if not row.recurrence:
        return [[("UID", uid), *_when(day, row.due_time, FOLLOW_UP_MINUTES), *common]]
    series = [("UID", uid), *_when(row.due_date, row.due_time, FOLLOW_UP_MINUTES),
              ("RRULE", _rrule(row.recurrence)), *common]  # fmt: skip
    if day == row.due_date:
        return [series]
    kind, value = _moment(row.due_date, row.due_time)
    series.append((f"EXDATE{kind}", value))
    moved = [("UID", f"{row.id}-{day:%Y%m%d}@{UID_DOMAIN}"),
             *_when(day, row.due_time, FOLLOW_UP_MINUTES), *common]  # fmt: skip
    return [series, moved]


def _visit(visit: PlannedVisit) -> Event:
    start = visit.at.astimezone(UTC)
    end = start + timedelta(minutes=visit.duration_min or VISIT_MINUTES)
    notes = [visit.notes or "",
             tr("Contact: {name}", name=visit.contact_name) if visit.contact_name else "",
             tr("Deal: {deal}", deal=visit.deal_title) if visit.deal_title else ""]  # fmt: skip
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
