"""The records Workbench keeps, as pydantic models.

Every record has an id, a creation time, an owner (the rep it belongs to)
and a `deleted` tombstone flag. `updated_at` is the clock stamp of the
record's latest change; the store sets it, nobody types it.

Validation that needs to know other records ("stage must exist") reads
them from the validation context: `Deal.model_validate(data,
context={"stages": {key: kind}})`. The store always passes it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from workbench.domain.fields import (
    Currency,
    Email,
    Id,
    Minor,
    Name,
    OptionalId,
    OptionalNote,
    OptionalShort,
    OptionalText,
    PeriodKey,
    Phone,
    Probability,
    Recurrence,
    Satisfaction,
    ShortText,
    StageKey,
    Tag,
    UtcDatetime,
)
from workbench.domain.stages import StageKind
from workbench.i18n import Worded, later, tr


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# The validation context of a record read back from its table. Rules across
# fields are a rep's to keep when writing; a merge of concurrent edits can
# still pair one rep's activity kind with another's outcome, and such a
# record must show (so it can be put right), not break the screen reading it.
STORED = {"stored": True}


def stored(info: ValidationInfo) -> bool:
    """Whether a record is being read back as stored (rules across fields not applied)."""
    return bool((info.context or {}).get("stored"))


class Record(BaseModel):
    """Fields every synced record has."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    entity: ClassVar[str]  # the table name, and the entity name in the change log

    id: Id = Field(default_factory=new_id)
    created_at: UtcDatetime = Field(default_factory=utc_now)
    owner: OptionalId = None
    deleted: bool = False
    updated_at: str | None = None


class Tier(StrEnum):
    """Key-account level (重点客户): A gets the most attention."""

    A = "A"
    B = "B"
    C = "C"


class CustomerKind(Worded):
    COMPANY = later("company")
    PERSON = later("person")


class ActivityKind(Worded):
    CALL = later("call")
    VISIT = later("visit")
    MEETING = later("meeting")
    EMAIL = later("email")
    NOTE = later("note")
    COMPLAINT = later("complaint")


class Outcome(Worded):
    CONNECTED = later("connected")
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    BUSY = later("busy")
    WRONG_NUMBER = "wrong_number"
    MEETING_HELD = "meeting_held"
    NOT_MET = "not_met"
    RESCHEDULED = later("rescheduled")
    CANCELLED = later("cancelled")
    SENT = later("sent")
    REPLIED = later("replied")
    BOUNCED = later("bounced")
    __names__: ClassVar[dict[str, str]] = {
        "no_answer": later("no answer"),
        "left_message": later("left message"),
        "wrong_number": later("wrong number"),
        "meeting_held": later("meeting held"),
        "not_met": later("not met"),
    }


OUTCOMES_BY_KIND: dict[ActivityKind, tuple[Outcome, ...]] = {
    ActivityKind.CALL: (
        Outcome.CONNECTED,
        Outcome.NO_ANSWER,
        Outcome.LEFT_MESSAGE,
        Outcome.BUSY,
        Outcome.WRONG_NUMBER,
    ),
    ActivityKind.VISIT: (Outcome.MEETING_HELD, Outcome.NOT_MET, Outcome.RESCHEDULED),
    ActivityKind.MEETING: (Outcome.MEETING_HELD, Outcome.RESCHEDULED, Outcome.CANCELLED),
    ActivityKind.EMAIL: (Outcome.SENT, Outcome.REPLIED, Outcome.BOUNCED),
    ActivityKind.NOTE: (),
    ActivityKind.COMPLAINT: (),
}


class ComplaintStatus(Worded):
    OPEN = later("open")
    RESOLVED = later("resolved")


class Metric(Worded):
    REVENUE = later("revenue")
    WON_DEALS = "won_deals"
    NEW_CUSTOMERS = "new_customers"
    CALLS = later("calls")
    VISITS = later("visits")
    __names__: ClassVar[dict[str, str]] = {
        "won_deals": later("won deals"),
        "new_customers": later("new customers"),
    }


class Rep(Record):
    """A member of the team. Their name, e-mail and phone (`OWN_FIELDS`) are
    theirs: changed only on their own computers. Their team (or region) and
    manager are the team's to set, from anyone's computer."""

    entity = "reps"
    OWN_FIELDS: ClassVar[frozenset[str]] = frozenset({"name", "email", "phone"})

    name: Name
    email: Email = None
    phone: Phone = None
    team: OptionalShort = None  # a team, region or office: 华东区, EMEA, Berlin
    manager_id: OptionalId = None  # the rep they report to

    @model_validator(mode="after")
    def _not_their_own_manager(self, info: ValidationInfo) -> Rep:
        if not stored(info) and self.manager_id is not None and self.manager_id == self.id:
            raise ValueError(tr("a rep is not their own manager"))
        return self


MAX_TAGS = 20


class DeviceClaim(Record):
    """Whose computer a device is, as the device itself says in the log (its
    id is the device id, and only that device writes it). A rep's own fields
    (`Rep.OWN_FIELDS`) take their value from the rep's own devices: another
    device's value is kept as a conflict, never shown in their place."""

    entity = "device_claims"

    rep_id: Id


class Customer(Record):
    """An account (客户): a company or a person the rep sells to."""

    entity = "customers"

    name: Name
    kind: CustomerKind = CustomerKind.COMPANY
    industry: OptionalShort = None
    size: OptionalShort = None
    segment: OptionalShort = None
    tier: Tier = Tier.C
    source: OptionalShort = None
    address: OptionalText = None
    phone: Phone = None
    email: Email = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    notes: OptionalNote = None
    merged_into: OptionalId = None  # set when merged into another customer (then deleted)


class Contact(Record):
    """A person at a customer."""

    entity = "contacts"

    customer_id: Id
    name: Name
    title: OptionalShort = None
    phone: Phone = None
    email: Email = None
    notes: OptionalNote = None


# The highest position a stage may have: room to halve a gap about thirty
# times, so stages squeezed in on two machines at once never renumber others.
STAGE_TOP = 1_000_000_000


class Stage(Record):
    """A pipeline stage. Its id is its key (see workbench.domain.stages)."""

    entity = "stages"

    id: StageKey  # a stage's key is its id: always given
    label: ShortText = Field(min_length=1)
    position: int = Field(ge=0, le=STAGE_TOP)
    probability: Probability
    kind: StageKind = StageKind.OPEN
    rot_days: int | None = Field(default=None, ge=1, le=3650)
    moved_to: StageKey | None = None  # a deleted stage: where its deals went

    @property
    def key(self) -> str:
        return self.id


class Deal(Record):
    """An opportunity (商机) moving through the stages."""

    entity = "deals"

    customer_id: Id | None = None  # a deal from a CRM that names no company has none yet
    title: Name
    amount: Minor = 0
    currency: Currency
    stage: str
    probability: Probability | None = None  # overrides the stage's default
    expected_close: date | None = None
    next_step: OptionalText = None
    reason: OptionalText = None  # why it was won or lost
    closed_on: date | None = None

    @field_validator("stage")
    @classmethod
    def _stage_exists(cls, stage: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("stages")
        if known is not None and stage not in known:
            raise ValueError(
                tr("no stage {stage!r} (stages: {known})", stage=stage, known=", ".join(known))
            )
        return stage

    @model_validator(mode="after")
    def _closed_only_when_closed(self, info: ValidationInfo) -> Deal:
        kinds = (info.context or {}).get("stages")
        if kinds and self.closed_on is not None and kinds[self.stage] == StageKind.OPEN:
            raise ValueError(tr("an open deal (stage {stage}) has no close date", stage=self.stage))
        return self


class StageMove(Record):
    """One row of a deal's stage history; `owner` is the rep who moved it."""

    entity = "stage_history"

    deal_id: Id
    from_stage: str | None = None  # None when the deal was created
    to_stage: str
    at: UtcDatetime


class Activity(Record):
    """A call, visit, meeting, email, note or complaint, as it happened."""

    entity = "activities"

    kind: ActivityKind
    customer_id: Id
    deal_id: OptionalId = None
    contact_id: OptionalId = None
    at: UtcDatetime
    duration_min: int | None = Field(default=None, ge=0, le=24 * 60)
    outcome: Outcome | None = None
    satisfaction: Satisfaction | None = None
    notes: OptionalNote = None
    complaint_status: ComplaintStatus | None = None

    @model_validator(mode="after")
    def _fits_kind(self, info: ValidationInfo) -> Activity:
        if stored(info):
            return self
        allowed = OUTCOMES_BY_KIND[self.kind]
        if self.outcome is not None and self.outcome not in allowed:
            names = ", ".join(o.value for o in allowed) or tr("none")
            raise ValueError(
                tr(
                    "{outcome!r} is not an outcome of a {kind} (possible: {names})",
                    outcome=self.outcome.value,
                    kind=self.kind.label,
                    names=names,
                )
            )
        if self.kind == ActivityKind.COMPLAINT:
            if self.complaint_status is None:
                self.complaint_status = ComplaintStatus.OPEN
        elif self.complaint_status is not None:
            raise ValueError(tr("only a complaint has an open/resolved status"))
        return self


class FollowUp(Record):
    """Something to do for a customer by a date: one-off or recurring (RRULE)."""

    entity = "follow_ups"

    title: Name
    customer_id: Id
    deal_id: OptionalId = None
    due_date: date
    due_time: time | None = None
    recurrence: Recurrence = None
    done_at: UtcDatetime | None = None
    snoozed_until: date | None = None


class Target(Record):
    """A rep's goal for one metric over one period (目标)."""

    entity = "targets"

    rep_id: Id
    period: PeriodKey
    metric: Metric
    amount: Minor
    currency: Currency | None = None  # revenue targets only

    @model_validator(mode="after")
    def _currency_for_revenue(self, info: ValidationInfo) -> Target:
        if not stored(info) and (self.metric == Metric.REVENUE) != (self.currency is not None):
            raise ValueError(tr("a revenue target has a currency; other targets have none"))
        return self

    @staticmethod
    def id_for(rep_id: str, metric: Metric | str, period: str) -> str:
        """Targets have a deterministic id, so the same target set on two
        devices is one record after sync (the later amount wins)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"workbench:target:{rep_id}:{metric}:{period}"))


RECORD_TYPES: tuple[type[Record], ...] = (
    Rep,
    DeviceClaim,
    Customer,
    Contact,
    Stage,
    Deal,
    StageMove,
    Activity,
    FollowUp,
    Target,
)
MODELS: dict[str, type[Record]] = {model.entity: model for model in RECORD_TYPES}

# What each table's records are called where a rep reads them.
_ENTITY_LABELS = {
    "reps": later("reps"),
    "device_claims": later("devices"),
    "customers": later("customers"),
    "contacts": later("contacts"),
    "deals": later("deals"),
    "stages": later("stages"),
    "activities": later("activities"),
    "follow_ups": later("follow-ups"),
    "targets": later("targets"),
}


def entity_label(table: str) -> str:
    """What a table's records are called: 'follow-ups', '跟进'."""
    return tr(_ENTITY_LABELS[table])


# What each field is called where a rep reads it: the forms, the Conflicts
# list, an import's word on a conflict. Fields every record has are named once.
_COMMON_FIELD_LABELS = {
    "created_at": later("Created"),
    "owner": later("Owner"),
    "deleted": later("Deleted"),
}
_FIELD_LABELS: dict[str, dict[str, str]] = {
    "reps": {
        "name": later("Name"),
        "email": later("E-mail"),
        "phone": later("Phone"),
        "team": later("Team or region"),
        "manager_id": later("Manager"),
    },
    "device_claims": {"rep_id": later("Rep")},
    "customers": {
        "name": later("Name"),
        "kind": later("Kind"),
        "industry": later("Industry"),
        "size": later("Size"),
        "segment": later("Segment"),
        "tier": later("Tier"),
        "source": later("Source"),
        "address": later("Address"),
        "phone": later("Phone"),
        "email": later("E-mail"),
        "tags": later("Tags"),
        "notes": later("Notes"),
        "merged_into": later("Merged into"),
    },
    "contacts": {
        "customer_id": later("Customer"),
        "name": later("Name"),
        "title": later("Title"),
        "phone": later("Phone"),
        "email": later("E-mail"),
        "notes": later("Notes"),
    },
    "stages": {
        "label": later("Label"),
        "position": later("Position"),
        "probability": later("Probability"),
        "kind": later("Kind"),
        "rot_days": later("Rot days"),
        "moved_to": later("Deals moved to"),
    },
    "deals": {
        "customer_id": later("Customer"),
        "title": later("Deal title"),
        "amount": later("Amount"),
        "stage": later("Stage"),
        "probability": later("Probability"),
        "expected_close": later("Expected close"),
        "next_step": later("Next step"),
        "reason": later("Why"),
        "closed_on": later("Closed on"),
    },
    "stage_history": {
        "deal_id": later("Deal"),
        "from_stage": later("From stage"),
        "to_stage": later("To stage"),
        "at": later("When"),
    },
    "activities": {
        "kind": later("Kind"),
        "customer_id": later("Customer"),
        "deal_id": later("Deal"),
        "contact_id": later("Contact"),
        "at": later("When"),
        "duration_min": later("Minutes"),
        "outcome": later("Outcome"),
        "satisfaction": later("Satisfaction"),
        "notes": later("Notes"),
        "complaint_status": later("Complaint status"),
    },
    "follow_ups": {
        "title": later("What to do"),
        "customer_id": later("Customer"),
        "deal_id": later("Deal"),
        "due": later("Due"),
        "recurrence": later("Repeats"),
        "done_at": later("Done"),
        "snoozed_until": later("Snoozed until"),
    },
    "targets": {
        "rep_id": later("Rep"),
        "period": later("Period"),
        "metric": later("Metric"),
        "amount": later("Amount"),
    },
}


def field_label(table: str, field: str) -> str:
    """What a field of a table's records is called: 'Next step', '下一步'
    (a field this table does not have: its name as it is)."""
    label = _FIELD_LABELS.get(table, {}).get(field) or _COMMON_FIELD_LABELS.get(field)
    return tr(label) if label else field
