"""Reads for the customer 360° view: everything about one customer at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from workbench.domain.account import Feedback, Figures, figures
from workbench.domain.models import Customer
from workbench.domain.stages import StageKind
from workbench.store.database import Store, fetch_all
from workbench.store.queries import (
    PROBABILITY,
    TimelineEntry,
    as_date,
    customer_timeline,
    follow_up_dates,
)

TIMELINE_SHOWN = 500  # newest activities drawn; the count says how many more there are


@dataclass(frozen=True)
class ContactLine:
    id: str
    name: str
    title: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class DealLine:
    id: str
    title: str
    stage: str
    stage_label: str
    kind: StageKind
    amount: int
    currency: str
    probability: int  # the deal's own, or its stage's default
    expected_close: date | None
    closed_on: date | None


@dataclass(frozen=True)
class OpenFollowUp:
    id: str
    title: str
    due_date: date
    due_time: time | None
    recurrence: str | None
    snoozed_until: date | None
    deal_title: str | None


@dataclass(frozen=True)
class Account:
    customer: Customer
    owner_name: str | None
    figures: Figures
    contacts: list[ContactLine]
    deals: list[DealLine]  # open first (soonest close), then closed (latest first)
    follow_ups: list[OpenFollowUp]  # earliest due first
    timeline: list[TimelineEntry]  # newest first, at most TIMELINE_SHOWN
    activities: int  # how many there are in all
    feedback: list[TimelineEntry]  # rated activities and complaints, newest first


def load_account(store: Store, customer_id: str) -> Account:
    """The customer and their whole story (a merged customer's: the one it was
    merged into). Raises NotFound for an unknown id."""
    customer_id = store.surviving_customer(customer_id)
    customer = store.require(Customer, customer_id)
    deals = _deals(store, customer_id)
    follow_ups = _follow_ups(store, customer_id)
    count, last, rated, score_sum, still_open, resolved = store.db.execute(
        """
        SELECT count(*), max(at), count(satisfaction), coalesce(sum(satisfaction), 0),
               count(*) FILTER (WHERE kind = 'complaint' AND complaint_status = 'open'),
               count(*) FILTER (WHERE kind = 'complaint' AND complaint_status = 'resolved')
        FROM activities WHERE customer_id = ? AND deleted = 0
        """,
        [customer_id],
    ).fetchone()
    local = store.clock.now().tzinfo
    last_contact = datetime.fromisoformat(last).astimezone(local) if last else None
    owner = store.db.execute("SELECT name FROM reps WHERE id = ?", [customer.owner]).fetchone()
    return Account(
        customer=customer,
        owner_name=owner[0] if owner else None,
        figures=figures(
            deals,
            last_contact=last_contact,
            next_follow_up=min((f.due_date for f in follow_ups), default=None),
            feedback=Feedback(rated, score_sum, still_open, resolved),
            today=store.clock.today(),
        ),
        contacts=_contacts(store, customer_id),
        deals=deals,
        follow_ups=follow_ups,
        timeline=customer_timeline(store, customer_id, limit=TIMELINE_SHOWN),
        activities=count,
        feedback=_feedback(store, customer_id),
    )


def _contacts(store: Store, customer_id: str) -> list[ContactLine]:
    rows = fetch_all(
        store.db,
        "SELECT id, name, title, phone, email FROM contacts "
        "WHERE customer_id = ? AND deleted = 0 ORDER BY name, id",
        [customer_id],
    )
    return [ContactLine(**row) for row in rows]


def _deals(store: Store, customer_id: str) -> list[DealLine]:
    rows = fetch_all(
        store.db,
        f"""
        SELECT d.id, d.title, d.stage, coalesce(s.label, d.stage) AS stage_label,
               coalesce(s.kind, 'open') AS kind, d.amount, d.currency,
               coalesce({PROBABILITY}, 0) AS probability,
               d.expected_close, d.closed_on
        FROM deals d LEFT JOIN stages s ON s.id = d.stage
        WHERE d.customer_id = ? AND d.deleted = 0
        ORDER BY kind != 'open', CASE WHEN kind = 'open' THEN d.expected_close IS NULL END,
                 CASE WHEN kind = 'open' THEN d.expected_close END,
                 d.closed_on DESC, d.title, d.id
        """,
        [customer_id],
    )
    return [
        DealLine(
            **row
            | {
                "kind": StageKind(row["kind"]),
                "expected_close": as_date(row["expected_close"]),
                "closed_on": as_date(row["closed_on"]),
            }
        )
        for row in rows
    ]


def _follow_ups(store: Store, customer_id: str) -> list[OpenFollowUp]:
    rows = fetch_all(
        store.db,
        """
        SELECT f.id, f.title, f.due_date, f.due_time, f.recurrence, f.snoozed_until,
               d.title AS deal_title
        FROM follow_ups f LEFT JOIN deals d ON d.id = f.deal_id
        WHERE f.customer_id = ? AND f.deleted = 0 AND f.done_at IS NULL
        ORDER BY f.due_date, f.due_time IS NOT NULL, f.due_time, f.id
        """,
        [customer_id],
    )
    return [OpenFollowUp(**row | follow_up_dates(row)) for row in rows]


def _feedback(store: Store, customer_id: str) -> list[TimelineEntry]:
    return customer_timeline(store, customer_id, limit=None, feedback_only=True)
