"""The calendar file, read back with the `icalendar` package as a calendar
app would: which follow-ups and visits it holds, when, repeating how."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from dateutil.rrule import rrulestr

from workbench.domain.clock import FixedClock
from workbench.domain.models import Activity, Customer, FollowUp, Rep
from workbench.interop.ical import export_ics
from workbench.store.actions import complete_follow_up, snooze
from workbench.store.database import Store

TODAY = date(2026, 11, 23)


def events(store: Store, tmp_path: Path, days: int = 30) -> dict[str, Any]:
    """The exported events by summary."""
    path = tmp_path / "out.ics"
    count = export_ics(store, path, days)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    found = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert len(found) == count
    return found


def at(day: int, moment: time) -> datetime:
    """A floating (local, zone-less) time in November 2026, as the file writes it."""
    return datetime.combine(date(2026, 11, day), moment)


def follow_up(store: Store, customer: Customer, title: str, due: date, **fields: Any) -> None:
    store.add(FollowUp(title=title, customer_id=customer.id, due_date=due, **fields))


def test_follow_ups_land_on_their_day_with_their_time(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    follow_up(store, acme, "Send the quote", TODAY + timedelta(days=1), due_time=time(10, 0))
    follow_up(store, acme, "Call back", TODAY + timedelta(days=3))
    found = events(store, tmp_path)
    timed = found["Send the quote – Acme Pumps"]
    assert timed.decoded("DTSTART") == at(24, time(10, 0))  # floating: local time
    assert timed.decoded("DTEND") - timed.decoded("DTSTART") == timedelta(minutes=30)
    whole_day = found["Call back – Acme Pumps"]
    assert whole_day.decoded("DTSTART") == date(2026, 11, 26)
    assert whole_day.decoded("DTEND") == date(2026, 11, 27)
    assert str(whole_day["CATEGORIES"].cats[0]) == "Follow-up"


def test_overdue_is_shown_today_and_says_how_late(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    follow_up(store, acme, "Chase payment", TODAY - timedelta(days=3))
    event = events(store, tmp_path)["Overdue: Chase payment – Acme Pumps"]
    assert event.decoded("DTSTART") == TODAY
    assert "Due 2026-11-20, 3 days ago" in str(event["DESCRIPTION"])


def exported(store: Store, tmp_path: Path) -> list[Any]:
    path = tmp_path / "out.ics"
    export_ics(store, path, 30)
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def shown_dates(found: list[Any], until: date) -> list[date]:
    """The days a calendar shows the events on, up to `until`."""
    days = []
    for event in found:
        start = event.decoded("DTSTART")
        start = start if isinstance(start, datetime) else datetime.combine(start, time())
        if "RRULE" in event:
            rule = event["RRULE"].to_ical().decode()
            days += [
                d.date()
                for d in rrulestr(rule, dtstart=start).between(
                    start, datetime.combine(until, time()), inc=True
                )
            ]
        else:
            days.append(start.date())
    return sorted(days)


def test_recurring_follow_up_repeats_by_its_rule(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    follow_up(store, acme, "Weekly check-in", TODAY, recurrence="FREQ=WEEKLY;INTERVAL=2")
    found = exported(store, tmp_path)
    assert shown_dates(found, date(2026, 12, 21)) == [
        TODAY,
        date(2026, 12, 7),
        date(2026, 12, 21),
    ]


def test_a_series_starts_on_a_date_of_its_own_rule(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    """RFC 5545: a series whose first date its rule excludes is undefined
    (calendars differ). Due on Monday 23rd, repeating on Wednesdays."""
    follow_up(store, acme, "Stand-up", TODAY, recurrence="FREQ=WEEKLY;BYDAY=WE;COUNT=3")
    this, series = exported(store, tmp_path)
    assert this.decoded("DTSTART") == TODAY and "RRULE" not in this
    assert series.decoded("DTSTART") == date(2026, 11, 25)
    rule = series["RRULE"].to_ical().decode()
    assert "UNTIL=20261209" in rule and "COUNT" not in rule  # COUNT=3, counted from the 23rd
    assert shown_dates([this, series], date(2027, 1, 31)) == [
        TODAY,
        date(2026, 11, 25),
        date(2026, 12, 2),
        date(2026, 12, 9),
    ]


def test_snoozed_occurrence_is_shown_on_its_day_beside_the_series(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    follow_up(
        store,
        acme,
        "Stock check",
        TODAY,
        recurrence="FREQ=WEEKLY",
        due_time=time(9, 0),
        snoozed_until=TODAY + timedelta(days=2),
    )
    this, series = exported(store, tmp_path)
    assert this.decoded("DTSTART") == at(25, time(9, 0))
    assert "RRULE" not in this
    assert series.decoded("DTSTART") == at(30, time(9, 0))  # the rule's next date
    assert this["UID"] != series["UID"]


def test_uids_stay_the_same_from_day_to_day(
    store: Store, clock: FixedClock, acme: Customer, tmp_path: Path
) -> None:
    """An overdue or snoozed repeating follow-up had a UID with the date in
    it: tomorrow's file left today's event behind in the calendar."""
    follow_up(store, acme, "Chase", TODAY - timedelta(days=2), recurrence="FREQ=WEEKLY")
    follow_up(
        store,
        acme,
        "Stock",
        TODAY,
        recurrence="FREQ=DAILY;INTERVAL=3",
        snoozed_until=TODAY + timedelta(days=1),
    )
    today = {str(event["UID"]) for event in exported(store, tmp_path)}
    clock.advance(timedelta(days=1))
    assert {str(event["UID"]) for event in exported(store, tmp_path)} == today


def test_only_my_open_follow_ups_within_the_days(
    store: Store, me: Rep, acme: Customer, tmp_path: Path
) -> None:
    colleague = store.add(Rep(name="Zhang Min"))
    follow_up(store, acme, "Theirs", TODAY, owner=colleague.id)
    follow_up(store, acme, "Done already", TODAY, done_at=datetime(2026, 11, 22, tzinfo=UTC))
    follow_up(store, acme, "Far ahead", TODAY + timedelta(days=20))
    follow_up(store, acme, "Soon", TODAY + timedelta(days=7))
    assert list(events(store, tmp_path, days=7)) == ["Soon – Acme Pumps"]


def test_planned_visits_are_events_at_their_time(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    store.update(Customer, acme.id, address="88 Riverside Rd, Suzhou")
    ahead = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    store.add(
        Activity(
            kind="visit",
            customer_id=acme.id,
            at=ahead,
            duration_min=90,
            notes="Bring the catalogue",
        )
    )
    store.add(Activity(kind="visit", customer_id=acme.id, at=ahead - timedelta(days=10)))
    store.add(Activity(kind="call", customer_id=acme.id, at=ahead))
    [(summary, event)] = events(store, tmp_path).items()
    assert summary == "Visit: Acme Pumps"
    assert event.decoded("DTSTART") == ahead
    assert event.decoded("DTEND") == ahead + timedelta(minutes=90)
    assert str(event["LOCATION"]) == "88 Riverside Rd, Suzhou"
    assert str(event["DESCRIPTION"]) == "Bring the catalogue"


def test_awkward_text_survives_and_lines_stay_short(store: Store, me: Rep, tmp_path: Path) -> None:
    name = "恒泰泵业; Pumps, Inc. \\ [bold]Co[/bold] " + "长" * 60
    customer = store.add(Customer(name=name))
    follow_up(store, customer, "回访, 确认; 报价", TODAY)
    path = tmp_path / "out.ics"
    export_ics(store, path, 30)
    raw = path.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"回访, 确认; 报价 – {name}"


def test_uids_are_stable_across_exports(store: Store, acme: Customer, tmp_path: Path) -> None:
    follow_up(store, acme, "Call back", TODAY)
    first = {str(e["UID"]) for e in events(store, tmp_path).values()}
    second = {str(e["UID"]) for e in events(store, tmp_path).values()}
    assert first == second and len(first) == 1


def test_days_must_be_positive(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        export_ics(store, tmp_path / "out.ics", 0)
    assert not (tmp_path / "out.ics").exists()


def test_until_is_written_as_the_series_start_is(
    store: Store, acme: Customer, tmp_path: Path
) -> None:
    """RFC 5545: a series starting at a local time ends at a local time."""
    follow_up(
        store, acme, "Review", TODAY, due_time=time(9, 0), recurrence="FREQ=WEEKLY;UNTIL=20261214"
    )
    _, series = exported(store, tmp_path)
    assert series["RRULE"]["UNTIL"] == [datetime.combine(date(2026, 12, 14), time(9, 0))]
    assert shown_dates([series], date(2027, 1, 31)) == [
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;UNTIL=20270131T000000Z",
        "FREQ=WEEKLY;UNTIL=20270131T000000+0800",
        "FREQ=DAILY;INTERVAL=2;UNTIL=20270131T000000UTC",
    ],
)
def test_a_rule_an_earlier_version_kept_still_exports_and_completes(
    store: Store, acme: Customer, tmp_path: Path, rule: str
) -> None:
    """Earlier versions kept an UNTIL with a zone: each such follow-up broke
    the whole calendar export, and could no longer be done or snoozed."""
    follow_up(store, acme, "Old rule", TODAY, recurrence=rule)
    (held,) = store.db.execute("SELECT id FROM follow_ups").fetchone()
    assert len(exported(store, tmp_path)) == 2
    snooze(store, held, TODAY + timedelta(days=1))
    complete_follow_up(store, held)
