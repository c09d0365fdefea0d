"""What a rep does, as writes: each action is one transaction, so a logged
call and its next follow-up are saved together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.domain.models import (
    Activity,
    ActivityKind,
    ComplaintStatus,
    Customer,
    Deal,
    FollowUp,
    Metric,
    Outcome,
    Rep,
    StageMove,
    Target,
)
from workbench.domain.when import When, WhenError, series_goes_on
from workbench.i18n import tr
from workbench.store.database import NotFound, Store
from workbench.store.lookup import NoSuchCustomer, find_customer, rep_named, rep_to_claim
from workbench.store.schema import ENTITIES


def set_me(store: Store, name: str) -> Rep:
    """Make `name` the rep using this database: renaming our own rep, or, on a
    database that has none yet, the team's rep of that name (the same person
    on a new device) or a new one. Only a rep's own devices rename it."""
    with store.transaction():
        settings = store.settings()
        if settings.me and store.get(Rep, settings.me):
            other = rep_named(store, name)
            if other is not None and other.id != settings.me:
                raise NotFound(
                    tr(
                        "{name} is another rep of the team: two reps of one name cannot be "
                        "told apart. If you are them on this computer too: "
                        "`workbench me --claim {id}`",
                        name=other.name,
                        id=other.id[:8],
                    )
                )
            store.register_device()  # (claimed first: only a rep's own devices rename them)
            return store.update(Rep, settings.me, name=name)
        rep = rep_named(store, name)
        if rep is None:
            rep = Rep(name=name)
            rep = store.add(rep.model_copy(update={"owner": rep.id}))  # reps own their record
        settings.me = rep.id
        store.save_settings(settings)
        store.register_device()
    return rep


OWNED = ("customers", "contacts", "deals", "activities", "follow_ups")  # records a rep owns


def claim_rep(store: Store, text: str) -> Rep:
    """Say this computer is an existing rep's (by id or name): the same person
    on a second laptop, who synced before or after typing their name. Their
    twin (the rep of the same name this computer made before the first sync,
    claimed by no other computer) hands its records to them and leaves the
    team (a tombstone: it syncs). Any other rep this computer was keeps
    everything: it is someone else."""
    with store.transaction():
        rep = rep_to_claim(store, text)
        settings = store.settings()
        was = store.get(Rep, settings.me) if settings.me else None
        if was is not None and was.id == rep.id:
            return rep
        settings.me = rep.id
        store.save_settings(settings)
        store.register_device()  # this computer's claim now names them
        if was is not None and _twin(store, was, rep):
            _hand_over(store, was.id, rep.id)
    return rep


def _twin(store: Store, was: Rep, rep: Rep) -> bool:
    """`was` is `rep` made again on this computer: the same name, created
    here, and no other computer says it is theirs."""
    made_here = store.db.execute(
        "SELECT 1 FROM changes WHERE entity = 'reps' AND row_id = ? AND field = 'created_at' "
        "AND origin = ?",
        [was.id, store.device],
    ).fetchone()
    claimed_elsewhere = store.db.execute(
        "SELECT 1 FROM device_claims WHERE rep_id = ? AND id != ? AND deleted = 0",
        [was.id, store.device],
    ).fetchone()
    same = was.name.strip().casefold() == rep.name.strip().casefold()
    return same and made_here is not None and claimed_elsewhere is None


def _hand_over(store: Store, was: str, rep_id: str) -> None:
    for table in OWNED:
        rows = store.db.execute(f"SELECT id FROM {table} WHERE owner = ?", [was]).fetchall()
        for (row_id,) in rows:
            store.write_fields(ENTITIES[table], row_id, {"owner": rep_id})
    store.write_fields(ENTITIES["reps"], was, {"deleted": True})


class DealTaken(ValueError):
    """A deal that has a customer is given another."""


def set_deal_customer(store: Store, deal_id: str, text: str) -> Customer:
    """Name the customer of a deal that has none (one a CRM exported without
    its company), by id or name as `find_customer` finds them. A deal that
    has one keeps it: its activities and follow-ups are that customer's."""
    with store.transaction():
        deal = store.require(Deal, deal_id)
        customer = find_customer(store, text)
        keep_customer(store, deal, customer.id)
        store.update(Deal, deal_id, customer_id=customer.id)
    return customer


def keep_customer(store: Store, deal: Deal, customer_id: str | None) -> None:
    """DealTaken unless `customer_id` may be `deal`'s customer: one that has
    a customer keeps it (the app, the CLI and a CSV file alike)."""
    if deal.customer_id not in (None, customer_id):
        held = store.get(Customer, deal.customer_id)
        raise DealTaken(
            tr(
                "{deal!r} is {customer}'s deal already; a deal cannot move to another customer",
                deal=deal.title,
                customer=held.name if held else "?",
            )
        )


def customer_named(store: Store, text: str, *, add: bool = False) -> Customer:
    """`find_customer`; with `add`, a new customer of that name when no one
    goes by it (logging with someone new)."""
    try:
        return find_customer(store, text)
    except NoSuchCustomer:
        if not add:
            raise
        return store.add(Customer(name=text.strip()))


@dataclass(frozen=True)
class Logged:
    activity: Activity
    follow_up: FollowUp | None


def log_activity(
    store: Store,
    kind: ActivityKind,
    customer: Customer,
    *,
    note: str | None = None,
    outcome: Outcome | None = None,
    deal_id: str | None = None,
    next_when: When | None = None,
    next_title: str | None = None,
    satisfaction: int | None = None,
) -> Logged:
    """Record what happened with a customer and, optionally, when to follow up."""
    with store.transaction():
        activity = store.add(
            Activity(
                kind=kind,
                customer_id=customer.id,
                deal_id=deal_id,
                at=store.clock.now(),
                outcome=outcome,
                notes=note,
                satisfaction=satisfaction,
            )
        )
        follow_up = None
        if next_when is not None:
            follow_up = store.add(
                FollowUp(
                    title=next_title or _follow_up_title(kind, note),
                    customer_id=customer.id,
                    deal_id=deal_id,
                    due_date=next_when.day,
                    due_time=next_when.at,
                    recurrence=next_when.rrule,
                )
            )
    return Logged(activity, follow_up)


def log_done(
    store: Store,
    follow_up_id: str,
    kind: ActivityKind,
    *,
    note: str | None = None,
    outcome: Outcome | None = None,
    next_when: When | None = None,
    repeat: bool = True,
    satisfaction: int | None = None,
) -> Logged:
    """Complete a follow-up with what happened: the activity on its customer
    and deal, and the next follow-up as `complete_follow_up` plans it (the
    Today pane's d). One transaction: both are saved, or neither."""
    with store.transaction():
        done = store.require(FollowUp, follow_up_id)
        logged = log_activity(
            store,
            kind,
            store.require(Customer, done.customer_id),
            note=note,
            outcome=outcome,
            deal_id=done.deal_id,
            satisfaction=satisfaction,
        )
        after = complete_follow_up(store, follow_up_id, next_when=next_when, repeat=repeat)
    return Logged(logged.activity, after)


def new_deal(
    store: Store,
    customer: str,
    title: str,
    *,
    amount: int = 0,
    stage: str = "lead",
    expected_close: date | None = None,
) -> Deal:
    """A new deal for the customer `customer` names (as `find_customer`), in
    the home currency, with the first row of its stage history."""
    found = find_customer(store, customer)
    deal = Deal(
        customer_id=found.id,
        title=title,
        amount=amount,
        currency=store.settings().currency,
        stage=stage,
        expected_close=expected_close,
    )
    return add_deal(store, deal)


def edit_deal(
    store: Store,
    deal_id: str,
    customer: str | None,
    *,
    title: str,
    amount: int,
    expected_close: date | None,
    probability: int | None,
    next_step: str | None,
) -> Deal:
    """What the deal form edits, saved together. `customer` (an id or a
    name) names the customer of a deal that has none (DealTaken if it names
    another than the deal's own). The stage moves only through `move_deal`,
    which keeps its history."""
    with store.transaction():
        deal = store.require(Deal, deal_id)
        if customer and customer != deal.customer_id:  # (its own may be gone: kept as is)
            set_deal_customer(store, deal_id, customer)
        return store.update(
            Deal,
            deal_id,
            title=title,
            amount=amount,
            expected_close=expected_close,
            probability=probability,
            next_step=next_step,
        )


def edit_activity(
    store: Store,
    activity_id: str,
    *,
    kind: ActivityKind,
    at: datetime,
    outcome: Outcome | None,
    satisfaction: int | None,
    notes: str | None,
) -> Activity:
    """What a rep corrects in a logged activity, saved together: its kind,
    when it happened, the outcome (one of the kind's), satisfaction and the
    note. Its customer and deal stay: logged with the wrong customer, it is
    deleted and logged again. Only a complaint has a status (open at first)."""
    now = store.clock.now()
    if at > now:
        raise WhenError(
            tr(
                "an activity is logged once it happened: {at} is still to come",
                at=f"{at.astimezone(now.tzinfo):%Y-%m-%d %H:%M}",
            )
        )
    with store.transaction():
        activity = store.require(Activity, activity_id)
        if activity.deleted:  # (a teammate's delete came in while the form was up)
            raise NotFound(tr("this activity was deleted meanwhile: it is in the Trash"))
        status = activity.complaint_status if kind == ActivityKind.COMPLAINT else None
        return store.update(
            Activity,
            activity_id,
            kind=kind,
            at=at,
            outcome=outcome,
            satisfaction=satisfaction,
            notes=notes,
            complaint_status=status,
        )


def _follow_up_title(kind: ActivityKind, note: str | None) -> str:
    first_line = (note or "").strip().splitlines()[0] if note and note.strip() else ""
    title = f"Follow up on {kind.value}"
    return f"{title}: {first_line[:80]}" if first_line else title


def add_deal(store: Store, deal: Deal) -> Deal:
    """A new deal, with the first row of its stage history."""
    with store.transaction():
        deal = store.add(deal)
        store.add(StageMove(deal_id=deal.id, to_stage=deal.stage, at=store.clock.now()))
    return deal


def add_follow_up(
    store: Store, customer_id: str, title: str, when: When, deal_id: str | None = None
) -> FollowUp:
    return store.add(
        FollowUp(
            title=title,
            customer_id=customer_id,
            deal_id=deal_id,
            due_date=when.day,
            due_time=when.at,
            recurrence=when.rrule,
        )
    )


def complete_follow_up(
    store: Store, follow_up_id: str, *, next_when: When | None = None, repeat: bool = True
) -> FollowUp | None:
    """Mark a follow-up done. The next one is `next_when` if given; otherwise a
    recurring follow-up (unless `repeat` is False) continues on its own rhythm,
    anchored at its due date. Returns the next follow-up, if any."""
    with store.transaction():
        done = store.update(FollowUp, follow_up_id, done_at=store.clock.now())
        if next_when is not None:
            return add_follow_up(store, done.customer_id, done.title, next_when, done.deal_id)
        if done.recurrence and repeat:
            today = store.clock.today()
            goes_on = series_goes_on(done.recurrence, done.due_date, done.due_time, today)
            if goes_on is None:
                return None  # the series' last one: done, and nothing after it
            return add_follow_up(store, done.customer_id, done.title, goes_on, done.deal_id)
    return None


def resolve_complaint(store: Store, activity_id: str, note: str | None = None) -> Activity:
    """Mark a complaint resolved (it stays in the timeline and the feedback).
    `note`, what was done about it, is logged as a note on the same customer
    and deal; the follow-up planned with the complaint, if still open, is
    done with it. One transaction."""
    with store.transaction():
        complaint = store.require(Activity, activity_id)
        if complaint.kind != ActivityKind.COMPLAINT:
            raise NotFound(tr("{id!r} is not a complaint", id=activity_id))
        resolved = store.update(Activity, activity_id, complaint_status=ComplaintStatus.RESOLVED)
        if note and note.strip():
            store.add(
                Activity(
                    kind=ActivityKind.NOTE,
                    customer_id=complaint.customer_id,
                    deal_id=complaint.deal_id,
                    at=store.clock.now(),
                    notes=note.strip(),
                )
            )
        for follow_up_id in _planned_with(store, complaint):
            complete_follow_up(store, follow_up_id, repeat=False)
    return resolved


def _planned_with(store: Store, complaint: Activity) -> list[str]:
    """The open follow-ups logged with `complaint` (`log_activity` titles
    them after it, on its customer and deal)."""
    rows = store.db.execute(
        "SELECT id FROM follow_ups WHERE deleted = 0 AND done_at IS NULL "
        "AND customer_id = ? AND deal_id IS ? AND title = ? ORDER BY id",
        [
            complaint.customer_id,
            complaint.deal_id,
            _follow_up_title(ActivityKind.COMPLAINT, complaint.notes),
        ],
    )
    return [row[0] for row in rows]


def snooze(store: Store, follow_up_id: str, until: date) -> FollowUp:
    """Hide a follow-up until `until`; its due date (the promise) stays."""
    return store.update(FollowUp, follow_up_id, snoozed_until=until)


def reschedule(store: Store, follow_up_id: str, when: When) -> FollowUp:
    """Move a follow-up to a new date (and time, and rhythm if `when` has one)."""
    fields: dict[str, object] = {"due_date": when.day, "due_time": when.at, "snoozed_until": None}
    if when.rrule:
        fields["recurrence"] = when.rrule
    return store.update(FollowUp, follow_up_id, **fields)


def set_target(store: Store, rep_id: str, metric: Metric, period: str, amount: int) -> Target:
    """Set (or change) a rep's target for one metric and period. The id is derived
    from the three, so the same target set on two devices is one record."""
    currency = store.settings().currency if metric == Metric.REVENUE else None
    return store.add(
        Target(
            id=Target.id_for(rep_id, metric, period),
            rep_id=rep_id,
            period=period,
            metric=metric,
            amount=amount,
            currency=currency,
        )
    )


_UNCHANGED = object()


def place_rep(
    store: Store, rep_id: str, *, team: object = _UNCHANGED, manager_id: object = _UNCHANGED
) -> Rep:
    """Set a rep's team (or region) and manager, from anyone's computer: the
    org chart is the team's (a rep's name, e-mail and phone are theirs).
    None clears either; a rep is not their own manager."""
    changes = {
        name: value
        for name, value in (("team", team), ("manager_id", manager_id))
        if value is not _UNCHANGED
    }
    return store.update(Rep, rep_id, **changes)


def set_home_currency(store: Store, code: str) -> int:
    """Make `code` the currency revenue is counted in and new deals take.
    Returns how many revenue targets are in another currency: those no longer
    count (an amount is never converted) until set again in this one."""
    settings = store.settings()
    settings.currency = code
    store.save_settings(settings)  # checked there: an ISO 4217 code, or a SettingsError
    return store.db.execute(
        "SELECT count(*) FROM targets WHERE deleted = 0 AND metric = 'revenue' AND currency != ?",
        [settings.currency],
    ).fetchone()[0]
