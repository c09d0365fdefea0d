"""One logged activity: opened from a timeline (the customer's, the deal's),
read whole, corrected, deleted.

`ActivityList` is a timeline a rep moves through (enter opens the entry);
`ActivityScreen` shows one activity with its whole note, line by line;
`ActivityFormScreen` corrects its kind, time, outcome, score and note (a
note of many lines: enter starts a new line, ctrl+s saves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.domain.display import printable
from workbench.domain.models import Activity, ActivityKind, ComplaintStatus, Customer, Deal, Outcome
from workbench.domain.when import WhenError, happened
from workbench.i18n import month_text, pad, tr, weekday
from workbench.store import actions
from workbench.store.database import Store
from workbench.store.queries import TimelineEntry
from workbench.tui import trash as trash_view
from workbench.tui.fields import KeyPicker
from workbench.tui.footer import Footer
from workbench.tui.form import FormScreen
from workbench.tui.log_form import KINDS, RATED, SCORES, outcome_choices
from workbench.tui.pane import Pane

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

MOMENT = "%Y-%m-%d %H:%M"


def stars(score: int) -> str:
    return "★" * score + "☆" * (5 - score)


def outcome_text(complaint_status: str | None, outcome: str | None) -> str:
    if complaint_status:
        return ComplaintStatus(complaint_status).label
    return Outcome(outcome).label if outcome in set(Outcome) else ""


def entry_line(entry: TimelineEntry, local: tzinfo | None, *, deal: bool = True) -> Text:
    """One timeline line: when, kind, outcome, score, the note's first line, the deal."""
    moment = entry.at.astimezone(local)
    text = Text(f"{weekday(moment.weekday())} {moment:%d %H:%M}  ", no_wrap=True)
    kind = ActivityKind(entry.kind).label
    text.append(pad(kind, 9), style="bold red" if entry.kind == "complaint" else "")
    text.append(f" {pad(outcome_text(entry.complaint_status, entry.outcome), 12)}", style="dim")
    if entry.satisfaction:
        text.append(f" {stars(entry.satisfaction)}")
    if entry.notes:
        lines = entry.notes.splitlines()
        text.append(f" {printable(lines[0])}")
        if len(lines) > 1:
            text.append(" …", style="dim")
    if deal and entry.deal_title:
        text.append(f"  [{printable(entry.deal_title)}]", style="dim")
    text.overflow = "ellipsis"
    return text


class ActivityList(OptionList):
    """Activities newest first, grouped by month; enter opens one."""

    def show(
        self, entries: list[TimelineEntry], local: tzinfo | None, *, empty: str, deal: bool = True
    ) -> None:
        kept = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        month = None
        for entry in entries:
            moment = entry.at.astimezone(local)
            if (moment.year, moment.month) != month:
                month = moment.year, moment.month
                heading = Text(month_text(moment.date()), style="bold underline")
                options.append(Option(heading, disabled=True))
            options.append(Option(entry_line(entry, local, deal=deal), id=entry.id))
        if not entries:
            options.append(Option(Text(empty, style="dim"), disabled=True))
        self.clear_options()
        self.add_options(options)
        ids = [option.id for option in options]
        if kept is not None and kept in ids:
            self.highlighted = ids.index(kept)
        elif entries:  # the newest, so tab then enter opens it
            self.highlighted = next(i for i, option in enumerate(options) if option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.push_screen(ActivityScreen(event.option.id))


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    customer: str
    deal: str | None


def load_activity(store: Store, activity_id: str) -> ActivityView:
    with store.lock:
        activity = store.require(Activity, activity_id)
        customer = store.get(Customer, activity.customer_id)
        deal = store.get(Deal, activity.deal_id) if activity.deal_id else None
    return ActivityView(activity, customer.name if customer else "?", deal.title if deal else None)


def render_activity(view: ActivityView, local: tzinfo | None) -> Text:
    activity = view.activity
    text = Text(f"{activity.kind.label} · ", style="bold")
    text.append(printable(view.customer), style="bold")
    facts = [
        (tr("When"), f"{activity.at.astimezone(local):{MOMENT}}"),
        (tr("Outcome"), activity.outcome.label if activity.outcome else None),
        (tr("Satisfaction"), stars(activity.satisfaction) if activity.satisfaction else None),
        (tr("Status"), activity.complaint_status.label if activity.complaint_status else None),
        (tr("Deal"), printable(view.deal) if view.deal else None),
    ]
    for name, value in facts:
        if value:
            text.append(f"\n{name}: ", style="dim")
            text.append(value)
    text.append(f"\n\n{tr('Note')}\n", style="bold")
    if activity.notes:
        text.append("\n".join(printable(line) for line in activity.notes.splitlines()))
    else:
        text.append(tr("no note (e adds one)"), style="dim")
    return text


class ActivityScreen(Pane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="activity.back"),
        Binding("e", "edit", tr("Edit"), id="activity.edit"),
        Binding("x", "delete", tr("Delete"), id="activity.delete"),
    ]

    def __init__(self, activity_id: str) -> None:
        super().__init__()
        self.activity_id = activity_id
        self.view: ActivityView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="activity"):
            yield Static(tr("Loading…"), id="activity-card")
        yield Footer()

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        view = load_activity(self.workbench.store, self.activity_id)
        self.app.call_from_thread(self.show, view)

    def show(self, view: ActivityView) -> None:
        if view.activity.deleted:  # (here, or by a teammate whose delete came in)
            if self.is_current:
                self.app.pop_screen()
            return
        self.view = view
        local = self.workbench.store.clock.now().tzinfo
        self.query_one("#activity-card", Static).update(render_activity(view, local))

    def action_edit(self) -> None:
        if self.view:
            edit(self.workbench, self.view.activity)

    def action_delete(self) -> None:
        if self.view:
            what = f"{self.view.activity.kind.label} · {self.view.customer}"
            trash_view.delete(self.workbench, "activity", self.activity_id, what)


@dataclass(frozen=True)
class ActivityEdit:
    kind: ActivityKind
    at: datetime
    outcome: Outcome | None
    satisfaction: int | None
    notes: str | None


class ActivityFormScreen(FormScreen[ActivityEdit]):
    ENTER_ORDER = ("kind", "outcome", "at", "satisfaction", "note")

    def __init__(self, activity: Activity, now: datetime) -> None:
        super().__init__()
        self.activity = activity
        self.now = now
        self.kind = activity.kind
        self.note_reached = False

    def compose(self) -> ComposeResult:
        local = self.now.tzinfo
        with Vertical(classes="form"):
            yield Label(tr("Correct the {kind}", kind=self.kind.label), classes="form-title")
            yield Label(tr("Kind"), classes="field-label")
            yield KeyPicker(KINDS, id="kind")
            yield Label(tr("Outcome"), classes="field-label")
            yield KeyPicker(outcome_choices(self.kind), id="outcome")
            yield Label(tr("When it happened"), classes="field-label")
            moment = f"{self.activity.at.astimezone(local):{MOMENT}}"
            yield Input(moment, compact=True, id="at")
            yield Label(tr("Satisfaction (1-5)"), classes="field-label", id="satisfaction-label")
            yield KeyPicker(SCORES, id="satisfaction")
            yield Label(tr("Note (enter: a new line)"), classes="field-label")
            yield TextArea(self.activity.notes or "", id="note", soft_wrap=True)
            yield Static(tr("ctrl+s save · esc cancel"), classes="form-hint")

    def on_mount(self) -> None:
        activity = self.activity
        self.query_one("#kind", KeyPicker).chosen = activity.kind.value
        outcome = activity.outcome.value if activity.outcome else None
        self.query_one("#outcome", KeyPicker).chosen = outcome
        score = str(activity.satisfaction) if activity.satisfaction else None
        self.query_one("#satisfaction", KeyPicker).chosen = score
        self._show_satisfaction()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Reaching the note the first time, the cursor is at its end: a rep
        adds to a note more often than not (set before, it would scroll the
        form down to the note as it opens)."""
        note = self.query_one("#note", TextArea)
        if event.widget is note and not self.note_reached:
            self.note_reached = True
            note.move_cursor(note.document.end)

    def _show_satisfaction(self) -> None:
        for widget in self.query("#satisfaction, #satisfaction-label"):
            widget.display = self.kind in RATED

    def picked(self, picker: KeyPicker, value: str) -> None:
        if picker.id == "kind" and value != self.kind.value:
            self.kind = ActivityKind(value)
            self.query_one("#outcome", KeyPicker).set_choices(outcome_choices(self.kind))
            self._show_satisfaction()
        super().picked(picker, value)

    def action_save(self) -> None:
        field = self.query_one("#at", Input)
        local = self.activity.at.astimezone(self.now.tzinfo)
        try:  # left as shown, it keeps its seconds: a note's edit moves no time
            at = self.activity.at
            if field.value.strip() != f"{local:{MOMENT}}":
                at = happened(field.value, self.now, local.time())
        except WhenError as error:
            self.problem(str(error))
            field.focus()
            return
        outcome = self.query_one("#outcome", KeyPicker).chosen
        score = self.query_one("#satisfaction", KeyPicker).chosen if self.kind in RATED else None
        note = self.query_one("#note", TextArea).text.strip()
        self.submit(
            ActivityEdit(
                self.kind, at, Outcome(outcome) if outcome else None, int(score or 0) or None, note
            )
        )


def edit(app: WorkbenchApp, activity: Activity) -> None:
    screen = ActivityFormScreen(activity, app.store.clock.now())
    app.ask(screen, partial(_save, app.store, activity.id))


def _save(store: Store, activity_id: str, answer: ActivityEdit) -> str:
    edited = actions.edit_activity(
        store,
        activity_id,
        kind=answer.kind,
        at=answer.at,
        outcome=answer.outcome,
        satisfaction=answer.satisfaction,
        notes=answer.notes or None,
    )
    return tr("Saved the {kind}", kind=edited.kind.label)
