from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from workbench.domain.errors import explain
from workbench.domain.models import (
    STORED,
    Activity,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Rep,
    Stage,
    StageMove,
    Target,
    Tier,
)
from workbench.domain.recurrence import check_new_rule
from workbench.domain.stages import DEFAULT_STAGES

STAGES = {key: kind for key, _label, _p, kind, _rot in DEFAULT_STAGES}
AT = "2026-11-23T10:00:00+08:00"


def error_of(model: type, context: dict | None = None, **data: object) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, context=context)
    return explain(caught.value)


def test_customer_defaults_and_cleaning() -> None:
    customer = Customer(name="  Acme  ", email=" Sales@Acme.COM ", phone="", tags=["vip"])
    assert customer.name == "Acme"
    assert customer.email == "sales@acme.com"
    assert customer.phone is None
    assert customer.tier == Tier.C
    assert customer.deleted is False
    assert customer.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "name: must not be empty"),
        ({}, "name: is required"),
        ({"name": "x" * 201}, "name: is too long (at most 200 characters)"),
        ({"name": "a\x1b[31mred"}, "name: must not contain control characters"),
        ({"name": "A", "email": "nope"}, "email: 'nope' does not look like an email address"),
        ({"name": "A", "phone": "call me"}, "phone: 'call me' does not look like a phone number"),
        ({"name": "A", "phone": "12"}, "does not look like a phone number"),
        ({"name": "A", "tier": "D"}, "tier: must be one of 'A', 'B' or 'C'"),
        ({"name": "A", "color": "red"}, "color: is not a known field"),
        ({"name": "A", "tags": ["t"] * 21}, "tags: has too many items (at most 20)"),
        ({"name": "A", "notes": "n" * 20_001}, "notes: is too long"),
    ],
)
def test_customer_rejects(data: dict, message: str) -> None:
    assert message in error_of(Customer, **data)


def test_markup_in_names_is_just_text() -> None:
    assert Customer(name="[bold]x[/]").name == "[bold]x[/]"


def test_notes_keep_newlines() -> None:
    assert Customer(name="A", notes="line 1\nline 2").notes == "line 1\nline 2"


def test_windows_and_old_mac_line_ends_are_lines() -> None:
    assert Customer(name="A", notes="one\r\ntwo\rthree").notes == "one\ntwo\nthree"
    with pytest.raises(ValidationError, match="control"):
        Customer(name="A", notes="bell\x07")


def test_phone_forms() -> None:
    for phone in ("+86 21 5555 0100", "(021) 5555-0100", "13800138000", "+1 555 010 0199 ext 12"):
        assert Contact(customer_id="c1", name="N", phone=phone).phone == phone


def deal(**overrides: object) -> dict:
    return {"customer_id": "c1", "title": "Pumps", "currency": "CNY", "stage": "lead"} | overrides


def test_deal_money_and_probability() -> None:
    good = Deal.model_validate(deal(amount=1_250_000, probability=35), context={"stages": STAGES})
    assert (good.amount, good.currency, good.probability) == (1_250_000, "CNY", 35)
    assert "amount: must be at least 0" in error_of(Deal, **deal(amount=-1))
    assert "amount: must be a whole number" in error_of(Deal, **deal(amount=12.5))
    assert "'RMB' is not an ISO 4217 currency code" in error_of(Deal, **deal(currency="RMB"))
    assert "probability: must be at most 100" in error_of(Deal, **deal(probability=101))
    assert "probability: must be at least 0" in error_of(Deal, **deal(probability=-1))


def test_deal_stage_must_exist() -> None:
    message = error_of(Deal, {"stages": STAGES}, **deal(stage="dreaming"))
    assert "stage: no stage 'dreaming' (stages: lead, qualified" in message


def test_only_closed_deals_have_a_close_date() -> None:
    ctx = {"stages": STAGES}
    assert Deal.model_validate(deal(stage="won", closed_on="2026-11-20"), context=ctx).closed_on
    assert "has no close date" in error_of(Deal, ctx, **deal(closed_on="2026-11-20"))


def test_activity_outcome_fits_kind() -> None:
    call = Activity(kind="call", customer_id="c1", at=AT, outcome="no_answer")
    assert call.outcome == "no_answer"
    message = error_of(Activity, kind="call", customer_id="c1", at=AT, outcome="sent")
    assert "'sent' is not an outcome of a call (possible: connected, no_answer" in message


def test_activity_needs_aware_time_and_sane_fields() -> None:
    assert "at: needs a time zone" in error_of(
        Activity, kind="call", customer_id="c1", at="2026-11-23T10:00"
    )
    assert "satisfaction: must be at most 5" in error_of(
        Activity, kind="visit", customer_id="c1", at=AT, satisfaction=6
    )
    assert "kind: must be one of" in error_of(Activity, kind="fax", customer_id="c1", at=AT)


def test_complaints_are_open_until_resolved() -> None:
    assert Activity(kind="complaint", customer_id="c1", at=AT).complaint_status == "open"
    message = error_of(Activity, kind="call", customer_id="c1", at=AT, complaint_status="open")
    assert "only a complaint has an open/resolved status" in message


def test_follow_up_dates_and_recurrence() -> None:
    fu = FollowUp(
        title="Call back",
        customer_id="c1",
        due_date="2026-12-01",
        due_time="14:00",
        recurrence="FREQ=WEEKLY;INTERVAL=2",
    )
    assert fu.due_date == date(2026, 12, 1) and fu.recurrence == "FREQ=WEEKLY;INTERVAL=2"
    assert "due_date: is not a date" in error_of(
        FollowUp, title="x", customer_id="c1", due_date="2026-02-30"
    )
    assert "is not a recurrence rule" in error_of(
        FollowUp, title="x", customer_id="c1", due_date="2026-12-01", recurrence="FREQ=OFTEN"
    )


@pytest.mark.parametrize(
    ("rule", "refused"),
    [
        ("FREQ=WEEKLY;UNTIL=20270131", None),  # a date: as a calendar writes it
        ("FREQ=WEEKLY;UNTIL=20270131T090000", None),
        ("freq=weekly;byday=we", None),
        ("FREQ=YEARLY;BYEASTER=0", "RFC 5545 has no BYEASTER"),  # dateutil's own: no calendar's
        ("FREQ=WEEKLY;UNTIL=20270131T000000Z", "write UNTIL as a local date or time"),
        ("FREQ=WEEKLY;UNTIL=20270131T000000+0800", "write UNTIL as a local date or time"),
        ("DTSTART:20270105\nRRULE:FREQ=WEEKLY", "give one rule line"),
        ("FREQ=WEEKLY\nEXDATE:20261130", "give one rule line"),
        # Within a day: a follow-up is due on a day (listing a year of minutes was slow).
        ("FREQ=HOURLY", "repeats by the day at most"),
        ("FREQ=MINUTELY;INTERVAL=5", "repeats by the day at most"),
        ("FREQ=DAILY;BYHOUR=9,17", "repeats by the day at most"),
    ],
)
def test_a_new_recurrence_is_one_rfc_5545_rule_in_local_time(rule: str, refused: str) -> None:
    """What comes in (a CSV file's rule) is checked; what earlier versions
    kept is still read, so such a follow-up can still be done or moved."""
    if refused:
        with pytest.raises(ValueError, match=refused):
            check_new_rule(rule)
    else:
        check_new_rule(rule)
    fields = {"title": "x", "customer_id": "c1", "due_date": "2026-12-01", "recurrence": rule}
    if "\n" not in rule:
        assert FollowUp(**fields).recurrence == rule


def test_target_period_metric_and_currency() -> None:
    target = Target(
        rep_id="r1", period="2026-q4", metric="revenue", amount=5_000_000_00, currency="CNY"
    )
    assert target.period == "2026-Q4"
    assert "is not a period" in error_of(
        Target, rep_id="r1", period="2026-Q5", metric="calls", amount=1
    )
    assert "a revenue target has a currency" in error_of(
        Target, rep_id="r1", period="2026", metric="revenue", amount=1
    )
    assert "metric: must be one of" in error_of(
        Target, rep_id="r1", period="2026", metric="smiles", amount=1
    )
    assert Target.id_for("r1", "calls", "2026-W48") == Target.id_for("r1", "calls", "2026-W48")
    assert Target.id_for("r1", "calls", "2026-W48") != Target.id_for("r2", "calls", "2026-W48")


def test_stage_keys() -> None:
    assert Stage(id="demo_2", label="Demo", position=3, probability=30).key == "demo_2"
    assert "is not a stage key" in error_of(Stage, id="2demo", label="x", position=1, probability=1)
    assert "probability: must be at most 100" in error_of(
        Stage, id="x", label="x", position=1, probability=150
    )


def test_stage_move_and_rep() -> None:
    move = StageMove(
        deal_id="d1", from_stage="lead", to_stage="qualified", at=datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert move.from_stage == "lead"
    assert Rep(name="Li Wei").name == "Li Wei"
    assert "email:" in error_of(Rep, name="Li", email="li@")


def test_a_rep_stored_as_their_own_manager_still_reads() -> None:
    """A bundle from a modified program can store one: it must show (so it can
    be put right), not break `workbench me` and `reps set` for good."""
    data = {"id": "r1", "name": "Li Wei", "manager_id": "r1"}
    with pytest.raises(ValueError, match="not their own manager"):
        Rep.model_validate(data)
    assert Rep.model_validate(data, context=STORED).manager_id == "r1"
