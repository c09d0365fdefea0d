"""Modal forms: quick log, "when?" (snooze, reschedule) and new follow-up.

Each returns what the rep asked for with `dismiss`; the app does the write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, ClassVar, NamedTuple

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.events import Key
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from workbench.domain.display import printable
from workbench.domain.errors import describe, is_busy
from workbench.domain.models import OUTCOMES_BY_KIND, ActivityKind, Metric, Outcome
from workbench.domain.money import amount_text, parse_amount
from workbench.domain.periods import period_named
from workbench.domain.pipeline import BoardFilter
from workbench.domain.stages import LOST_REASONS
from workbench.domain.when import When, WhenError, describe_rrule
from workbench.i18n import tr
from workbench.store.actions import NoSuchCustomer
from workbench.tui.fields import Choice, KeyPicker, WhenField

CUSTOMER_HINT = tr("Customer: type a name (→ accepts the suggestion)")
KINDS = tuple(
    Choice(key, kind, kind.label)
    for key, kind in (
        ("c", ActivityKind.CALL),
        ("v", ActivityKind.VISIT),
        ("m", ActivityKind.MEETING),
        ("e", ActivityKind.EMAIL),
        ("n", ActivityKind.NOTE),
        ("!", ActivityKind.COMPLAINT),
    )
)
RATED = (ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING)  # may carry a score
SCORES = [Choice(str(n), str(n), "★" * n) for n in range(1, 6)]


def outcome_choices(kind: ActivityKind) -> list[Choice]:
    return [
        Choice(str(number), outcome.value, outcome.label)
        for number, outcome in enumerate(OUTCOMES_BY_KIND[kind], start=1)
    ]


class NameSuggester(Suggester):
    """Completes a customer name from the start the rep has typed."""

    def __init__(self, lookup: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.lookup = lookup

    async def get_suggestion(self, value: str) -> str | None:
        names = self.lookup(value) if value.strip() else []
        return names[0] if names else None


@dataclass(frozen=True)
class LogRequest:
    customer: str  # the customer's id, or the name typed when none was given
    kind: ActivityKind
    outcome: Outcome | None
    note: str | None
    next_when: When | None
    repeat: bool  # completing a recurring follow-up: continue its rhythm
    satisfaction: int | None = None  # 1-5, what the customer said of us
    new_customer: bool = False  # no one goes by the name typed: add them


class Saved(NamedTuple):
    """What to tell the rep once a form's write is done, and what to open then."""

    say: str
    then: Callable[[], object] | None = None


# Writes what a form asked for (in a thread, under the store's lock) and
# returns what to tell the rep once it is done.
Write = Callable[[Any], "str | Saved"]
BUSY_TRIES = 3  # each waits out SQLite's busy timeout (database.BUSY_TIMEOUT_MS)


class FormScreen(ModalScreen["object | None"]):
    """A centred form: esc cancels, ctrl+s saves.

    Keys: a field's one-key choice picks it and moves on; enter moves to the
    next field (`ENTER_ORDER`, else the focus chain) and saves on the last;
    an enter right after a pick moved the rep on only confirms the pick. The
    form takes these keys itself, in the order typed (`take_key`), so keys
    typed ahead land in the field they were meant for.

    Given a `write` (WorkbenchApp.ask), the form stays up while its answer is
    written and closes only once the write succeeded (dismissed with what to
    say); a write that fails says why in the form, and everything typed stays
    for the rep to fix or save again. Without one, it is dismissed with its
    answer."""

    BINDINGS = [
        Binding("escape", "cancel", tr("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "save", tr("Save"), id="form.save", priority=True),
    ]

    # The first field has the focus as soon as the form is built (not a
    # scrolling container), so the keys typed as it opens land there.
    AUTO_FOCUS = "Input, KeyPicker"
    # The fields (ids) enter walks, in order; None: every focusable one.
    ENTER_ORDER: ClassVar[tuple[str, ...] | None] = None
    # "4 enter": the enter confirms the pick (which moved on already), and
    # does not also save from the field the pick moved to.
    PICK_THEN_ENTER_CONFIRMS: ClassVar[bool] = True

    write: Write | None = None
    writing = False
    picked_into: Widget | None = None  # where a pick just moved the rep

    def take_key(self, event: Key) -> bool:
        """Handle `event` now if it picks a choice or is enter: True if so.
        (WorkbenchApp hands the form each key before Textual passes it on, so
        the focus a key moves has moved before the next key is read.)"""
        focused, just_picked = self.focused, self.picked_into
        self.picked_into = None
        if event.key == "enter" and isinstance(focused, Input | KeyPicker):
            if focused is not just_picked or not self.PICK_THEN_ENTER_CONFIRMS:
                self.enter(focused)
            return True
        if isinstance(focused, KeyPicker):
            value = focused.value_for(event.character)
            if value is not None:
                focused.pick(value)
                self.picked(focused, value)
                if self.focused is not focused:
                    self.picked_into = self.focused
                return True
        return False

    def picked(self, picker: KeyPicker, value: str) -> None:
        """A choice was picked: on to the next field."""
        self.advance(picker)

    def enter(self, field: Widget) -> None:
        """Enter in `field`: on to the next field, or save on the last."""
        if not self.advance(field):
            self.action_save()

    def advance(self, field: Widget) -> bool:
        """Focus the field after `field`; False if it is the last."""
        fields = self._fields()
        here = next((f for f in fields if f is field or f in field.ancestors), None)
        if here is None or here is fields[-1]:
            return False
        self.go_to(fields[fields.index(here) + 1])
        return True

    def go_to(self, field: Widget | str) -> None:
        """Focus `field` (or the one with that id) now, before the next key."""
        widget = self.query_one(f"#{field}") if isinstance(field, str) else field
        self.set_focus(widget.input if isinstance(widget, WhenField) else widget)

    def _fields(self) -> list[Widget]:
        if self.ENTER_ORDER is None:
            return [w for w in self.focus_chain if isinstance(w, Input | KeyPicker)]
        found = [w for name in self.ENTER_ORDER for w in self.query(f"#{name}")]
        return [w for w in found if w.display and not w.disabled]

    def action_cancel(self) -> None:
        if not self.writing:  # a write under way finishes: its outcome is shown here
            self.dismiss(None)

    def action_save(self) -> None:
        raise NotImplementedError

    def submit(self, answer: object) -> None:
        """What the rep asked for: written (given `write`), or dismissed with."""
        if self.write is None:
            self.dismiss(answer)
        elif not self.writing:
            self.writing = True
            self._write(self.write, answer)

    @work(thread=True, group="form-write", exit_on_error=False)
    def _write(self, write: Write, answer: object) -> None:
        for attempt in range(1, BUSY_TRIES + 1):
            try:
                done = write(answer)
            except Exception as error:
                if is_busy(error) and attempt < BUSY_TRIES:
                    self.app.call_from_thread(
                        self.problem,
                        tr(
                            "The database is busy in another program: trying again ({attempt} of "
                            "{tries}). What you typed is kept.",
                            attempt=attempt + 1,
                            tries=BUSY_TRIES,
                        ),
                    )
                    continue
                self.app.call_from_thread(self._write_failed, error)
                return
            self.app.call_from_thread(self.dismiss, done)
            return

    def _write_failed(self, error: Exception) -> None:
        self.writing = False
        self.failed(error)

    def failed(self, error: Exception) -> None:
        """The write failed: say why, keep the form as it is."""
        self.problem(
            tr(
                "Not saved: {why}. What you typed is kept: fix it, or ctrl+s to try again.",
                why=describe(error),
            )
        )

    def problem(self, text: str) -> None:
        """Show `text` under the form's fields, literally."""
        try:
            shown = self.query_one("#form-problem", Static)
        except NoMatches:
            shown = Static("", id="form-problem", classes="error")
            form = self.query_one(".form")
            hint = form.query(".form-hint")
            form.mount(shown, before=hint.first() if hint else None)
        shown.update(Text(printable(text)))
        shown.display = bool(text)


class QuickLogScreen(FormScreen):
    """Log a call or visit: one key for the kind, one for the outcome, a note,
    and the next follow-up in plain words. `l c 1 <note> ctrl+s` logs a call."""

    def __init__(
        self,
        now: datetime,
        *,
        customer_id: str | None = None,
        customer_name: str | None = None,
        heading: str | None = None,
        next_text: str = "",
        lookup: Callable[[str], list[str]] = lambda _: [],
    ) -> None:
        super().__init__()
        self.now = now
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.heading = heading
        self.next_text = next_text  # a recurring follow-up's rhythm, prefilled
        self.lookup = lookup
        self.kind: ActivityKind | None = None
        self.outcome: Outcome | None = None
        self.unknown: str | None = None  # a name no customer has, which ctrl+s again adds

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            title = self.heading or tr("Log")
            if self.customer_name:
                title += f" — {printable(self.customer_name)}"
            yield Label(Text(title), classes="form-title")
            if self.customer_id is None:
                yield Input(
                    compact=True,
                    placeholder=CUSTOMER_HINT,
                    suggester=NameSuggester(self.lookup),
                    id="customer",
                )
            yield Label(tr("Kind"), classes="field-label")
            yield KeyPicker(KINDS, id="kind")
            yield Label(tr("Outcome"), classes="field-label")
            yield KeyPicker([], id="outcome")
            yield Input(compact=True, placeholder=tr("Note: what happened"), id="note")
            yield Label(
                tr("Satisfaction (tab here, 1-5; optional)"),
                classes="field-label",
                id="satisfaction-label",
            )
            yield KeyPicker(SCORES, id="satisfaction")
            yield Label(tr("Next follow-up"), classes="field-label")
            yield WhenField(
                self.now,
                value=self.next_text,
                id="next",
                placeholder=tr("e.g. next tue, 3d, every 2 weeks, 明天 (empty: none)"),
            )
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    # Satisfaction is optional and off this path: tab from the note reaches it.
    ENTER_ORDER = ("customer", "kind", "outcome", "note", "next")

    def on_mount(self) -> None:
        self._show_satisfaction(False)

    def _show_satisfaction(self, shown: bool) -> None:
        for widget in self.query("#satisfaction, #satisfaction-label"):
            widget.display = shown

    def picked(self, picker: KeyPicker, value: str) -> None:
        if picker.id == "kind":
            self.kind = ActivityKind(value)
            self.outcome = None
            outcome = self.query_one("#outcome", KeyPicker)
            outcome.set_choices(outcome_choices(self.kind))
            self._show_satisfaction(self.kind in RATED)
            self.go_to(outcome if outcome.choices else "note")
        elif picker.id == "outcome":
            self.outcome = Outcome(value)
            self.go_to("note")
        else:  # a score: on to the next follow-up
            self.go_to("next")

    def enter(self, field: Widget) -> None:
        if field.id == "satisfaction":
            self.go_to("next")
        else:
            super().enter(field)

    def action_save(self) -> None:
        if self.kind is None:
            self.notify(
                tr("Pick the kind first: c call, v visit, m meeting, e email, n note, ! complaint"),
                severity="warning",
            )
            self.query_one("#kind").focus()
            return
        customer = self.customer_id or self.query_one("#customer", Input).value.strip()
        if not customer:
            self.notify(tr("Name the customer"), severity="warning")
            self.query_one("#customer").focus()
            return
        field = self.query_one("#next", WhenField)
        repeat = bool(self.next_text) and field.input.value.strip() == self.next_text
        try:
            when = None if repeat else field.when()
        except WhenError as error:
            field.show_error(str(error))
            field.input.focus()
            return
        note = self.query_one("#note", Input).value.strip() or None
        score = self.query_one("#satisfaction", KeyPicker).chosen if self.kind in RATED else None
        self.submit(
            LogRequest(
                customer,
                self.kind,
                self.outcome,
                note,
                when,
                repeat,
                int(score) if score else None,
                new_customer=customer == self.unknown,
            )
        )

    def failed(self, error: Exception) -> None:
        if isinstance(error, NoSuchCustomer) and self.customer_id is None:
            self.unknown = error.name
            self.problem(
                tr(
                    "No customer is called “{name}”: ctrl+s again adds them as a "
                    "new customer and logs this; or fix the name.",
                    name=error.name,
                )
            )
            self.query_one("#customer").focus()
            return
        super().failed(error)


class WhenScreen(FormScreen):
    """Ask for one date in plain words (snooze, reschedule)."""

    def __init__(self, now: datetime, title: str, value: str = "") -> None:
        super().__init__()
        self.now = now
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            yield WhenField(
                self.now,
                value=self.value,
                optional=False,
                id="when",
                placeholder=tr("e.g. tomorrow, next tue, in 3 days"),
            )
            yield Static(tr("enter or ctrl+s save · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        field = self.query_one("#when", WhenField)
        try:
            when = field.when()
        except WhenError as error:
            field.show_error(str(error))
            return
        self.submit(when)


@dataclass(frozen=True)
class FollowUpRequest:
    title: str
    when: When


class NewFollowUpScreen(FormScreen):
    def __init__(self, now: datetime, customer_name: str) -> None:
        super().__init__()
        self.now = now
        self.customer_name = customer_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            heading = tr("New follow-up — {name}", name=printable(self.customer_name))
            yield Label(Text(heading), classes="form-title")
            yield Input(
                compact=True, placeholder=tr("What to do (e.g. Send the revised quote)"), id="title"
            )
            yield Label(tr("When"), classes="field-label")
            yield WhenField(
                self.now,
                optional=False,
                id="when",
                placeholder=tr("e.g. tomorrow 10am, next tue, every month on the 1st"),
            )
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    def action_save(self) -> None:
        title = self.query_one("#title", Input).value.strip() or tr("Follow up")
        field = self.query_one("#when", WhenField)
        try:
            when = field.when()
        except WhenError as error:
            field.show_error(str(error))
            return
        assert when is not None  # the field is not optional
        self.submit(FollowUpRequest(title, when))


@dataclass(frozen=True)
class CloseRequest:
    closed_on: date
    reason: str | None


class CloseDealScreen(FormScreen):
    """Moving a deal to Won or Lost: when it closed, and why (lost: a pick
    list, 1-6, or free text)."""

    def __init__(self, now: datetime, deal: str, won: bool) -> None:
        super().__init__()
        self.now = now
        self.deal = deal
        self.won = won

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            verb = tr("Won") if self.won else tr("Lost")
            yield Label(Text(f"{verb}: {printable(self.deal)}"), classes="form-title")
            yield Label(tr("Closed on"), classes="field-label")
            yield WhenField(
                self.now, value=tr("today"), optional=False, allow_past=True, id="closed"
            )
            yield Label(tr("Why"), classes="field-label")
            if not self.won:
                reasons = [tr(reason) for reason in LOST_REASONS]
                yield KeyPicker(
                    [Choice(str(n), reason, reason) for n, reason in enumerate(reasons, 1)],
                    id="reasons",
                )
            yield Input(compact=True, placeholder=tr("Reason (free text)"), id="reason")
            yield Static(tr("ctrl+s save · esc cancel · enter next field"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.query_one("#reason", Input).value = value  # the reason picked, to add to
        self.go_to("reason")

    def action_save(self) -> None:
        field = self.query_one("#closed", WhenField)
        try:
            when = field.when()
        except WhenError as error:
            field.show_error(str(error))
            return
        assert when is not None
        if when.day > self.now.date():
            field.show_error(tr("a deal closes today or earlier"))
            return
        reason = self.query_one("#reason", Input).value.strip() or None
        self.submit(CloseRequest(when.day, reason))


class BoardFilterScreen(FormScreen):
    """Which deals the board shows: whose, closing when, which customer, how big."""

    def __init__(
        self,
        today: date,
        current: BoardFilter,
        currency: str,
        reps: Callable[[str], list[str]],
        customers: Callable[[str], list[str]],
    ) -> None:
        super().__init__()
        self.today = today
        self.current = current
        self.currency = currency
        self.reps = reps
        self.customers = customers

    def compose(self) -> ComposeResult:
        current = self.current
        amount = amount_text(current.min_amount, self.currency) if current.min_amount else ""
        with Vertical(classes="form"):
            who = tr(current.who) if current.who in ("me", "everyone") else current.who
            yield Label(tr("Show deals"), classes="form-title")
            yield Label(tr("Whose: me, everyone, or a teammate's name"), classes="field-label")
            yield Input(who, compact=True, id="who", suggester=NameSuggester(self.reps))
            yield Label(tr("Closing in (empty: any time)"), classes="field-label")
            yield Input(
                current.period or "",
                compact=True,
                id="period",
                placeholder=tr("this month, next quarter, 2026-Q4"),
            )
            yield Label(tr("Customer (empty: all)"), classes="field-label")
            yield Input(
                current.customer or "",
                compact=True,
                id="customer",
                suggester=NameSuggester(self.customers),
            )
            yield Label(
                tr("At least ({currency}; empty: any amount)", currency=self.currency),
                classes="field-label",
            )
            yield Input(amount, compact=True, id="amount", placeholder=tr("e.g. 100000"))
            yield Static("", id="filter-error", classes="error")
            yield Static(tr("enter next field · ctrl+s apply · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        value = {
            key: self.query_one(f"#{key}", Input).value.strip()
            for key in ("who", "period", "customer", "amount")
        }
        try:
            if value["period"]:
                period_named(value["period"], self.today)
            minimum = parse_amount(value["amount"], self.currency) if value["amount"] else 0
        except ValueError as error:
            self.query_one("#filter-error", Static).update(Text(str(error)))
            return
        who = {tr("me"): "me", tr("everyone"): "everyone"}.get(value["who"], value["who"])
        self.dismiss(
            BoardFilter(who or "me", value["period"] or None, value["customer"] or None, minimum)
        )


class PickScreen(FormScreen):
    """Choose one of a few things with a single key; returns its value."""

    def __init__(self, title: str, choices: list[Choice]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            for choice in self.choices:
                yield Static(Text.assemble((f" {choice.key} ", "bold"), printable(choice.label)))
            yield Static(tr("the key beside it picks · esc cancel"), classes="form-hint")

    def on_key(self, event: Key) -> None:
        # The keys are data (the items listed), so they are looked up, not bound.
        picked = {c.key: c.value for c in self.choices}.get(event.character or "")
        if picked is not None:
            event.stop()
            self.dismiss(picked)

    def action_save(self) -> None:
        pass  # nothing is chosen until a key is pressed


@dataclass(frozen=True)
class TargetRequest:
    metric: Metric
    period: str  # a period key
    amount: int  # minor units for revenue, else a count


METRIC_CHOICES = [
    Choice(key, metric, metric.label)
    for key, metric in (
        ("r", Metric.REVENUE),
        ("d", Metric.WON_DEALS),
        ("n", Metric.NEW_CUSTOMERS),
        ("c", Metric.CALLS),
        ("v", Metric.VISITS),
    )
]


class TargetFormScreen(FormScreen):
    """Set one of your targets: which metric, for which period, how much."""

    def __init__(self, today: date, period: str, currency: str) -> None:
        super().__init__()
        self.today = today
        self.period = period
        self.currency = currency
        self.metric: Metric | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Set a target"), classes="form-title")
            yield Label(tr("Metric"), classes="field-label")
            yield KeyPicker(METRIC_CHOICES, id="metric")
            yield Label(
                tr("Period (2026, 2026-Q4, 2026-11, 2026-W48, next month…)"), classes="field-label"
            )
            yield Input(self.period, compact=True, id="period")
            yield Label(
                tr("Amount (revenue in {currency}; the others a count)", currency=self.currency),
                classes="field-label",
            )
            yield Input(compact=True, id="amount", placeholder=tr("e.g. 1200000 or 50"))
            yield Static("", id="target-error", classes="error")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.metric = Metric(value)
        self.go_to("amount")  # the period is filled in already

    def action_save(self) -> None:
        error = self.query_one("#target-error", Static)
        if self.metric is None:
            error.update(
                tr("Pick the metric: r revenue, d won deals, n new customers, c calls, v visits")
            )
            self.query_one("#metric").focus()
            return
        text = self.query_one("#amount", Input).value.strip()
        try:
            period = period_named(self.query_one("#period", Input).value, self.today).key
            if self.metric == Metric.REVENUE:
                value = parse_amount(text, self.currency)
            elif not text.replace(",", "").isdigit():
                raise ValueError(
                    tr(
                        "{text} is not a whole number of {metric}",
                        text=repr(text),
                        metric=self.metric.label,
                    )
                )
            else:
                value = int(text.replace(",", ""))
        except ValueError as problem:
            error.update(Text(str(problem)))
            return
        self.submit(TargetRequest(self.metric, period, value))


@dataclass(frozen=True)
class CustomerFilter:
    segment: str | None = None
    industry: str | None = None
    rep: str | None = None  # a teammate's name: their customers, whatever w says


# (field, label, what the error calls it)
FILTER_FIELDS = (
    ("segment", tr("Segment (empty: any)"), tr("No customer has segment")),
    ("industry", tr("Industry (empty: any)"), tr("No customer has industry")),
    ("rep", tr("Teammate (empty: w picks mine or everyone's)"), tr("No rep is called")),
)


class CustomerFilterScreen(FormScreen):
    """Narrow the customer list to one segment, industry and/or teammate (empty: any)."""

    def __init__(self, current: CustomerFilter, known: dict[str, list[str]]) -> None:
        super().__init__()
        self.current = current
        self.known = known  # field -> the values there are, most used first

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(tr("Show customers"), classes="form-title")
            for field, label, _ in FILTER_FIELDS:
                values = self.known[field]
                yield Label(label, classes="field-label")
                yield Input(
                    getattr(self.current, field) or "",
                    compact=True,
                    id=field,
                    placeholder=", ".join(values[:4]) + (" …" if len(values) > 4 else ""),
                    suggester=NameSuggester(partial(_starting, values)),
                )
            yield Static("", id="filter-error", classes="error")
            yield Static(tr("enter next field · ctrl+s apply · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        chosen: dict[str, str | None] = {}
        for field, _, unknown in FILTER_FIELDS:
            typed = self.query_one(f"#{field}", Input).value.strip()
            match = [v for v in self.known[field] if v.casefold() == typed.casefold()]
            if typed and not match:
                known = ", ".join(self.known[field][:8]) or tr("none yet")
                why = tr(
                    "{unknown} “{typed}” (there are: {known})",
                    unknown=unknown,
                    typed=typed,
                    known=known,
                )
                self.query_one("#filter-error", Static).update(Text(why))
                self.query_one(f"#{field}").focus()
                return
            chosen[field] = match[0] if typed else None
        self.dismiss(CustomerFilter(**chosen))


def _starting(values: list[str], start: str) -> list[str]:
    return [value for value in values if value.casefold().startswith(start.casefold())]


@dataclass(frozen=True)
class DealRequest:
    customer: str  # an id, or the name typed (a new deal, or one that had none: maybe "")
    title: str
    amount: int
    stage: str | None  # new deals only: moves go through < and >
    expected_close: date | None
    probability: int | None
    next_step: str | None


@dataclass(frozen=True)
class DealDraft:
    """What the form starts with."""

    customer_id: str | None = None
    customer_name: str = ""
    title: str = ""
    amount: int = 0
    stage: str | None = None
    expected_close: date | None = None
    probability: int | None = None
    next_step: str | None = None


class DealFormScreen(FormScreen):
    """A new deal (customer, title, amount, stage, expected close) or an edit."""

    def __init__(
        self,
        now: datetime,
        currency: str,
        stages: list[Choice],
        draft: DealDraft,
        lookup: Callable[[str], list[str]],
        *,
        editing: bool = False,
    ) -> None:
        super().__init__()
        self.now = now
        self.currency = currency
        self.stages = stages
        self.draft = draft
        self.lookup = lookup
        self.editing = editing
        self.stage = draft.stage

    def compose(self) -> ComposeResult:
        draft = self.draft
        amount = amount_text(draft.amount, self.currency) if draft.amount else ""
        close = f"{draft.expected_close}" if draft.expected_close else ""
        with Vertical(classes="form"):
            title = tr("Edit deal") if self.editing else tr("New deal")
            if draft.customer_id:
                title += f" — {printable(draft.customer_name)}"
            yield Label(Text(title), classes="form-title")
            if not draft.customer_id:
                yield Input(
                    compact=True,
                    id="customer",
                    suggester=NameSuggester(self.lookup),
                    placeholder=CUSTOMER_HINT,
                )
            yield Input(draft.title, compact=True, id="title", placeholder=tr("What is being sold"))
            yield Input(
                amount,
                compact=True,
                id="amount",
                placeholder=tr("Amount ({currency})", currency=self.currency),
            )
            if not self.editing:
                yield Label(tr("Stage"), classes="field-label")
                picker = KeyPicker(self.stages, id="stage")
                picker.chosen = self.stage
                yield picker
            yield Label(tr("Expected close"), classes="field-label")
            yield WhenField(
                self.now,
                value=close,
                id="close",
                allow_past=True,
                placeholder=tr("e.g. end of month, dec 15, 2027-02-01"),
            )
            if self.editing:
                yield Input(
                    "" if draft.probability is None else str(draft.probability),
                    compact=True,
                    id="probability",
                    placeholder=tr("Probability % (empty: the stage's)"),
                )
                yield Input(
                    draft.next_step or "", compact=True, id="next_step", placeholder=tr("Next step")
                )
            yield Static("", id="deal-error", classes="error")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def picked(self, picker: KeyPicker, value: str) -> None:
        self.stage = value
        super().picked(picker, value)

    def _fail(self, message: str) -> None:
        self.query_one("#deal-error", Static).update(Text(message))

    def action_save(self) -> None:
        value = {widget.id: widget.value.strip() for widget in self.query(Input) if widget.id}
        customer = self.draft.customer_id or value.get("customer", "")
        if not customer and not self.editing:  # (an edit may leave a deal without one so)
            return self._fail(tr("Name the customer."))
        if not value.get("title"):
            return self._fail(tr("Say what is being sold (the title)."))
        if not self.editing and self.stage is None:
            return self._fail(tr("Pick the stage (a digit)."))
        try:
            amount = parse_amount(value["amount"], self.currency) if value["amount"] else 0
            when = self.query_one("#close", WhenField).when()
            probability = int(value["probability"]) if value.get("probability") else None
        except (ValueError, WhenError) as error:
            return self._fail(str(error))
        if probability is not None and not 0 <= probability <= 100:
            return self._fail(tr("Probability is 0 to 100."))
        self.submit(
            DealRequest(
                customer,
                value["title"],
                amount,
                None if self.editing else self.stage,
                when.day if when else None,
                probability,
                value.get("next_step") or None,
            )
        )


def recurrence_text(rrule: str | None) -> str:
    """The phrase that prefills 'next' when completing a recurring follow-up."""
    return describe_rrule(rrule) if rrule else ""
