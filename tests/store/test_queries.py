from datetime import date, time, timedelta

import pytest

from workbench.domain.clock import FixedClock
from workbench.domain.models import (
    Activity,
    ActivityKind,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Outcome,
    Rep,
)
from workbench.domain.when import parse_when
from workbench.store.actions import add_deal, log_activity
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.lookup import Ambiguous, find_customer
from workbench.store.queries import (
    CustomerSort,
    customer_list,
    customer_timeline,
    customer_values,
    customers,
    customers_named,
    deals,
    follow_ups_due,
    planned_visits,
)

TODAY = date(2026, 11, 23)


def follow_up(store: Store, customer: Customer, due: str, **extra: object) -> FollowUp:
    return store.add(FollowUp(title=f"due {due}", customer_id=customer.id, due_date=due, **extra))


def test_follow_ups_due_in_order_without_done_deleted_or_snoozed(
    store: Store, acme: Customer, me: Rep
) -> None:
    follow_up(store, acme, "2026-11-25", due_time="14:00")
    follow_up(store, acme, "2026-11-20")
    follow_up(store, acme, "2026-11-25", due_time="09:00")
    follow_up(store, acme, "2026-12-05")  # beyond the window
    done = follow_up(store, acme, "2026-11-21")
    store.update(FollowUp, done.id, done_at=store.clock.now())
    gone = follow_up(store, acme, "2026-11-22")
    store.delete(FollowUp, gone.id)
    snoozed = follow_up(store, acme, "2026-11-19", snoozed_until="2026-11-27")
    later = follow_up(store, acme, "2026-11-18", snoozed_until="2026-12-10")
    rows = follow_ups_due(store, TODAY + timedelta(days=7), owner=me.id)
    assert [(r.title, r.due_time) for r in rows] == [
        ("due 2026-11-20", None),
        ("due 2026-11-25", time(9)),
        ("due 2026-11-25", time(14)),
        ("due 2026-11-19", None),  # shown on the 27th, where it was snoozed to
    ]
    assert rows[-1].shown_on == date(2026, 11, 27) and rows[-1].id == snoozed.id
    assert later.id not in {r.id for r in rows}
    assert rows[0].customer_name == "Acme Pumps"


def test_follow_ups_due_for_one_rep_or_everyone(store: Store, acme: Customer, me: Rep) -> None:
    other = store.add(Rep(name="Wang Fang"))
    follow_up(store, acme, "2026-11-23")
    store.add(FollowUp(title="theirs", customer_id=acme.id, due_date=TODAY, owner=other.id))
    assert [r.title for r in follow_ups_due(store, TODAY, owner=me.id)] == ["due 2026-11-23"]
    assert len(follow_ups_due(store, TODAY, owner=None)) == 2


def test_deals_in_pipeline_order_with_effective_probability(
    store: Store, acme: Customer, me: Rep
) -> None:
    for stage, title, probability in (("proposal", "B", None), ("lead", "A", 35)):
        add_deal(
            store,
            Deal(
                customer_id=acme.id,
                title=title,
                amount=100,
                currency="CNY",
                stage=stage,
                probability=probability,
            ),
        )
    rows = deals(store, owner=me.id)
    assert [(d.stage, d.probability) for d in rows] == [("lead", 35), ("proposal", 60)]
    assert [d.title for d in deals(store, owner=me.id, stage="proposal")] == ["B"]
    assert deals(store, owner="someone else") == []


def test_add_deal_records_its_first_stage(store: Store, acme: Customer, me: Rep) -> None:
    deal = add_deal(store, Deal(customer_id=acme.id, title="Pumps", currency="CNY", stage="lead"))
    history = fetch_all(store.db, "SELECT * FROM stage_history WHERE deal_id = ?", [deal.id])
    assert [(h["from_stage"], h["to_stage"], h["owner"]) for h in history] == [
        (None, "lead", me.id)
    ]


def test_customer_search(store: Store, me: Rep) -> None:
    store.add(Customer(name="上海恒泰机械有限公司", phone="+86 21 5555 0100"))
    beta = store.add(Customer(name="Beta 100% Foods", email="hi@beta.cn", tags=["vip"]))
    store.add(Contact(customer_id=beta.id, name="Zhang Wei", phone="138-0013-8000"))
    store.add(Customer(name="Gamma_Ltd", address="Pudong, Shanghai"))
    found = {
        typed: [c.name for c in customers(store, typed)]
        for typed in (
            "恒泰",
            "机械",
            "上海恒泰机械有限公司",
            "100%",
            "gam",
            "ltd",
            "amma",
            "zhang",
            "wei zh",
            "vip",
            "5555",
            "13800138000",
            "0013",
            "beta.cn",
            "pudong",
            "%",
            "",
        )
    }
    assert found == {
        "恒泰": ["上海恒泰机械有限公司"],  # Chinese: any run of characters in the name
        "机械": ["上海恒泰机械有限公司"],
        "上海恒泰机械有限公司": ["上海恒泰机械有限公司"],
        "100%": ["Beta 100% Foods"],  # punctuation is not searched, nor is it an error
        "gam": ["Gamma_Ltd"],  # words by their start
        "ltd": ["Gamma_Ltd"],
        "amma": [],  # not from a word's middle
        "zhang": ["Beta 100% Foods"],  # through a contact
        "wei zh": ["Beta 100% Foods"],  # every word, in any order
        "vip": ["Beta 100% Foods"],  # tags
        "5555": ["上海恒泰机械有限公司"],  # phones as written...
        "13800138000": ["Beta 100% Foods"],  # ...and as digits only
        "0013": ["Beta 100% Foods"],
        "beta.cn": ["Beta 100% Foods"],  # e-mail
        "pudong": ["Gamma_Ltd"],  # address
        "%": [],
        "": ["Beta 100% Foods", "Gamma_Ltd", "上海恒泰机械有限公司"],  # no search: all, by name
    }
    assert [c.name for c in customers_named(store, "beta")] == ["Beta 100% Foods"]


def test_search_follows_edits_contacts_and_deletes(store: Store, me: Rep) -> None:
    acme = store.add(Customer(name="Acme"))
    contact = store.add(Contact(customer_id=acme.id, name="Li Wei"))
    other = store.add(Customer(name="Other"))
    assert [c.name for c in customers(store, "li")] == ["Acme"]
    store.update(Customer, acme.id, name="Acme Pumps")
    assert [c.name for c in customers(store, "pumps li")] == ["Acme Pumps"]
    store.update(Contact, contact.id, customer_id=other.id)  # moved to another customer
    assert [c.name for c in customers(store, "li")] == ["Other"]
    store.delete(Contact, contact.id)
    assert customers(store, "li") == []
    store.delete(Customer, acme.id)
    assert customers(store, "acme") == []


def test_a_reps_search_finds_all_of_theirs_however_many_others_match(
    store: Store, me: Rep, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.store import queries

    monkeypatch.setattr(queries, "SEARCH_CAP", 5)  # the index's first matches: all others'
    other = store.add(Rep(name="Other Rep"))
    with store.transaction():
        for n in range(20):
            store.add(Customer(name=f"Heng {n:02} Trading", owner=other.id))
        for n in range(3):
            store.add(Customer(name=f"Heng Mine {n}", owner=me.id))
    mine = customer_list(store, "CNY", search="heng", owner=me.id)
    assert sorted(row.name for row in mine) == ["Heng Mine 0", "Heng Mine 1", "Heng Mine 2"]
    store.update(Customer, mine[0].id, owner=other.id)  # handed over: the index follows
    assert len(customer_list(store, "CNY", search="heng", owner=me.id)) == 2
    assert len(customer_list(store, "CNY", search="heng")) == 5, "everyone's: capped"
    assert customers(store, "o" + me.id.encode().hex()) == [], "owners are not searched as text"


def test_find_customer(store: Store, me: Rep) -> None:
    store.add(Customer(name="Acme"))
    store.add(Customer(name="Acme Pumps"))
    store.add(Customer(name="Beta Foods"))
    assert find_customer(store, "acme").name == "Acme"  # an exact name wins
    assert find_customer(store, "acme p").name == "Acme Pumps"
    assert find_customer(store, "BETA").name == "Beta Foods"
    beta = find_customer(store, "beta")
    assert find_customer(store, beta.id) == beta
    with pytest.raises(Ambiguous, match=r"'Ac' matches 2 customers: Acme \(\w{8}\), Acme Pumps"):
        find_customer(store, "Ac")
    twin = store.add(Customer(name="Beta Foods"))
    with pytest.raises(Ambiguous, match="the id in brackets"):
        find_customer(store, "Beta Foods")  # two customers, one name: only the id tells
    assert find_customer(store, twin.id[:8]) == twin
    with pytest.raises(NotFound):
        find_customer(store, "Zeta")
    store.delete(type(beta), beta.id)
    store.delete(type(twin), twin.id)
    with pytest.raises(NotFound):
        find_customer(store, "beta")


def test_log_activity_and_its_follow_up_are_one_write(
    store: Store, acme: Customer, clock: FixedClock
) -> None:
    when = parse_when("every 2 weeks", clock.now())
    logged = log_activity(
        store,
        ActivityKind.CALL,
        acme,
        note="Asked for a quote\nby Friday",
        outcome=Outcome.CONNECTED,
        next_when=when,
    )
    assert logged.follow_up is not None
    assert logged.follow_up.title == "Follow up on call: Asked for a quote"
    assert logged.follow_up.recurrence == "FREQ=WEEKLY;INTERVAL=2"
    assert logged.follow_up.due_date == date(2026, 12, 7)
    assert {
        c["hlc"]
        for c in fetch_all(
            store.db,
            "SELECT hlc FROM changes WHERE row_id IN (?, ?)",
            [logged.activity.id, logged.follow_up.id],
        )
    } == {logged.activity.updated_at}


def test_timeline_newest_first(store: Store, acme: Customer, clock: FixedClock) -> None:
    for hours in (0, 48, 24):
        store.add(
            Activity(
                kind="note",
                customer_id=acme.id,
                notes=f"{hours}h",
                at=clock.now() - timedelta(hours=hours),
            )
        )
    assert [e.notes for e in customer_timeline(store, acme.id)] == ["0h", "24h", "48h"]


def test_deal_cards_and_last_contact(store: Store, acme: Customer, me: Rep) -> None:
    from workbench.store.queries import accounts_last_contact, deal_cards

    deal = add_deal(
        store,
        Deal(customer_id=acme.id, title="Pumps", amount=100, currency="CNY", stage="proposal"),
    )
    add_deal(
        store,
        Deal(
            customer_id=acme.id,
            title="Won one",
            currency="CNY",
            stage="won",
            closed_on="2026-11-01",
        ),
    )
    follow_up(store, acme, "2026-11-30", deal_id=deal.id)
    (health,) = deal_cards(store, TODAY, me.id)
    assert (health.title, health.stage_label, health.rot_days, health.probability) == (
        "Pumps",
        "Proposal",
        21,
        60,
    )
    assert health.has_future_follow_up and health.has_open_follow_up
    assert health.entered_stage == store.clock.now().replace(microsecond=0)
    (account,) = accounts_last_contact(store, me.id)
    assert account.last_contact is None and account.has_open_follow_up
    store.add(Activity(kind="call", customer_id=acme.id, at=store.clock.now()))
    assert accounts_last_contact(store, me.id)[0].last_contact == store.clock.now()


def test_completing_a_recurring_follow_up_keeps_its_rhythm(store: Store, acme: Customer) -> None:
    from workbench.store.actions import complete_follow_up

    fu = follow_up(store, acme, "2026-11-09", recurrence="FREQ=WEEKLY;INTERVAL=2", due_time="10:00")
    nxt = complete_follow_up(store, fu.id)
    assert store.require(FollowUp, fu.id).done_at == store.clock.now()
    assert nxt is not None
    # every 2 weeks from Mon 9 Nov, done late on the 23rd: the next is 7 Dec
    assert (nxt.due_date, nxt.due_time, nxt.recurrence) == (
        date(2026, 12, 7),
        time(10),
        "FREQ=WEEKLY;INTERVAL=2",
    )
    assert complete_follow_up(store, nxt.id, repeat=False) is None


def test_a_series_with_an_end_ends(store: Store, acme: Customer) -> None:
    """ "Every week, 3 times" was copied whole at each completion, so its
    count started over and it never ended; done on the last date, it was
    refused ("has no more dates") and could not be marked done at all."""
    from workbench.store.actions import complete_follow_up

    fu = follow_up(store, acme, "2026-11-16", recurrence="FREQ=WEEKLY;COUNT=3")
    second = complete_follow_up(store, fu.id)  # done late, on the 23rd: next, the third
    assert second is not None
    assert (second.due_date, second.recurrence) == (
        date(2026, 11, 30),
        "FREQ=WEEKLY;UNTIL=20261130",
    )
    assert complete_follow_up(store, second.id) is None  # the last one
    assert store.require(FollowUp, second.id).done_at == store.clock.now()
    until = follow_up(store, acme, "2026-11-23", recurrence="FREQ=DAILY;UNTIL=20261124")
    last = complete_follow_up(store, until.id)
    assert last is not None and last.due_date == date(2026, 11, 24)
    assert complete_follow_up(store, last.id) is None


def test_completing_with_a_typed_next_and_one_offs(
    store: Store, acme: Customer, clock: FixedClock
) -> None:
    from workbench.store.actions import complete_follow_up

    one_off = follow_up(store, acme, "2026-11-20")
    assert complete_follow_up(store, one_off.id) is None
    other = follow_up(store, acme, "2026-11-21")
    nxt = complete_follow_up(store, other.id, next_when=parse_when("fri", clock.now()))
    assert nxt is not None and nxt.due_date == date(2026, 11, 27) and nxt.title == other.title


def test_snooze_and_reschedule(store: Store, acme: Customer, me: Rep, clock: FixedClock) -> None:
    from workbench.store.actions import reschedule, snooze

    fu = follow_up(store, acme, "2026-11-20")
    snooze(store, fu.id, date(2026, 11, 24))
    assert follow_ups_due(store, TODAY, me.id) == []
    assert follow_ups_due(store, date(2026, 11, 24), me.id)[0].shown_on == date(2026, 11, 24)
    moved = reschedule(store, fu.id, parse_when("dec 1 3pm", clock.now()))
    assert (moved.due_date, moved.due_time, moved.snoozed_until) == (
        date(2026, 12, 1),
        time(15),
        None,
    )


def test_deals_titled(store: Store, acme: Customer) -> None:
    from workbench.store.queries import deals_titled

    for title in ("Pump upgrade", "pumps 100% steel", "Service"):
        store.add(Deal(customer_id=acme.id, title=title, currency="CNY", stage="lead"))
    assert [d.title for d in deals_titled(store, "PUMP")] == ["Pump upgrade", "pumps 100% steel"]
    assert [d.title for d in deals_titled(store, "pumps 100%")] == ["pumps 100% steel"]
    assert deals_titled(store, "%") == []  # a literal percent sign, not a wildcard
    assert deals_titled(store, "pump")[0].customer_name == "Acme Pumps"


def test_customer_list_figures_filters_and_sorts(store: Store, me: Rep) -> None:
    from datetime import UTC, datetime

    other = store.add(Rep(name="Sam"))
    acme = store.add(Customer(name="Acme", tier="A", segment="SMB", industry="Pumps"))
    beta = store.add(Customer(name="Beta", tier="C", segment="SMB", industry="Food"))
    store.add(
        Customer(name="Gamma", tier="A", owner=other.id, segment="Enterprise", industry="Pumps")
    )
    for customer, title, amount, currency, stage in [
        (acme, "Open one", 100_00, "CNY", "proposal"),
        (acme, "Open two", 50_00, "CNY", "lead"),
        (acme, "In dollars", 999_00, "USD", "lead"),  # not added into CNY figures
        (acme, "Won", 70_00, "CNY", "won"),
        (beta, "Won big", 500_00, "CNY", "won"),
        (beta, "Lost", 900_00, "CNY", "lost"),  # neither open nor won
    ]:
        add_deal(
            store,
            Deal(
                customer_id=customer.id, title=title, amount=amount, currency=currency, stage=stage
            ),
        )
    dropped = add_deal(
        store, Deal(customer_id=beta.id, title="Gone", amount=1, currency="CNY", stage="lead")
    )
    store.delete(Deal, dropped.id)
    called = datetime(2026, 11, 20, 8, tzinfo=UTC)
    store.add(Activity(kind=ActivityKind.CALL, customer_id=acme.id, at=called))
    store.add(Activity(kind=ActivityKind.VISIT, customer_id=acme.id, at=called.replace(day=2)))

    def names(**kw: object) -> list[str]:
        return [row.name for row in customer_list(store, "CNY", **kw)]  # type: ignore[arg-type]

    rows = {row.name: row for row in customer_list(store, "CNY")}
    assert (rows["Acme"].open_pipeline, rows["Acme"].won_revenue) == (150_00, 70_00)
    assert (rows["Beta"].open_pipeline, rows["Beta"].won_revenue) == (0, 500_00)
    assert rows["Acme"].last_contact == called and rows["Beta"].last_contact is None
    assert names() == ["Acme", "Beta", "Gamma"]
    assert names(owner=me.id) == ["Acme", "Beta"]
    assert names(tier="A") == ["Acme", "Gamma"]
    assert names(segment="SMB") == ["Acme", "Beta"]
    assert names(industry="Pumps", segment="SMB") == ["Acme"]
    assert customer_values(store, "segment") == ["SMB", "Enterprise"]  # most used first
    assert customer_values(store, "industry") == ["Pumps", "Food"]
    assert names(sort=CustomerSort.REVENUE) == ["Beta", "Acme", "Gamma"]
    assert names(sort=CustomerSort.PIPELINE) == ["Acme", "Beta", "Gamma"]
    assert names(sort=CustomerSort.LAST_CONTACT) == ["Beta", "Gamma", "Acme"]  # never, first
    assert names(sort=CustomerSort.TIER) == ["Acme", "Gamma", "Beta"]
    assert names(search="gam") == ["Gamma"]
    assert names(search="%") == []


def test_planned_visits_are_those_after_a_moment_up_to_another(
    store: Store, acme: Customer, me: Rep
) -> None:
    """(after, until]: compared as stored text, so the bounds must be written as moments are."""
    now = store.clock.now()
    for hours in (0, 1, 24):
        store.add(Activity(kind="visit", customer_id=acme.id, at=now + timedelta(hours=hours)))
    found = planned_visits(store, now, now + timedelta(hours=24), me.id)
    assert [visit.at for visit in found] == [now + timedelta(hours=h) for h in (1, 24)]
