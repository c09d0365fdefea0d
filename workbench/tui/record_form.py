"""Forms that create or edit a customer or a contact, checked as you type,
and the flows that put them up and save them.

The model is the only judge of what is valid: every change validates the
whole draft, and each field shows its own problem beneath it once the rep
has typed in it (all of them on ctrl+s). A form can also ask, in a worker,
whether the draft looks like a record that exists (`warn`), and says so
without stopping the save.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from workbench.domain.display import printable
from workbench.domain.errors import field_errors
from workbench.domain.models import Contact, Customer, CustomerKind, Record, Tier, field_label
from workbench.i18n import tr
from workbench.store import duplicates
from workbench.store.database import Store
from workbench.tui.fields import Choice, KeyPicker
from workbench.tui.form import FormScreen, Saved

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    placeholder: str = ""
    choices: tuple[Choice, ...] = ()  # a one-key picker instead of a text box
    listed: bool = False  # a comma-separated list (tags)


def _label(field: str) -> str:
    return field_label("customers", field)


CUSTOMER_FIELDS = (
    FieldSpec("name", _label("name"), tr("required, e.g. Hengtai Pumps Ltd")),
    FieldSpec(
        "kind",
        _label("kind"),
        choices=(
            Choice("c", CustomerKind.COMPANY, CustomerKind.COMPANY.label),
            Choice("p", CustomerKind.PERSON, CustomerKind.PERSON.label),
        ),
    ),
    FieldSpec("tier", _label("tier"), choices=tuple(Choice(t.lower(), t, t) for t in Tier)),
    FieldSpec("segment", _label("segment"), tr("e.g. SMB, enterprise")),
    FieldSpec("industry", _label("industry"), tr("e.g. manufacturing")),
    FieldSpec("size", _label("size"), tr("e.g. 50-200")),
    FieldSpec("phone", _label("phone"), "+86 21 5555 0100"),
    FieldSpec("email", _label("email"), "name@example.com"),
    FieldSpec("address", _label("address")),
    FieldSpec("tags", _label("tags"), tr("comma-separated, e.g. key, export"), listed=True),
)

CONTACT_FIELDS = (
    FieldSpec("name", field_label("contacts", "name"), tr("required")),
    FieldSpec("title", field_label("contacts", "title"), tr("e.g. Purchasing manager")),
    FieldSpec("phone", field_label("contacts", "phone"), "+86 138 0013 8000"),
    FieldSpec("email", field_label("contacts", "email"), "name@example.com"),
    FieldSpec("notes", field_label("contacts", "notes")),
)


def _shown(value: Any, spec: FieldSpec) -> str:
    if spec.listed:
        return ", ".join(value or ())
    return "" if value is None else str(value)


class RecordFormScreen(FormScreen[dict[str, Any]]):
    """Edit `fields` of a `model` record starting from `base` (an existing
    record's values, or what a new one is given, like its customer). Returns
    the typed values as a dict, or None when cancelled."""

    def __init__(
        self,
        title: str,
        model: type[Record],
        fields: tuple[FieldSpec, ...],
        base: dict[str, Any],
        warn: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.model = model
        self.fields = fields
        self.base = base
        self.warn = warn
        self.touched: set[str] = set()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form record-form"):
            yield Label(Text(self.title_text), classes="form-title")
            for spec in self.fields:
                with Horizontal(classes="record-field"):
                    yield Label(spec.label, classes="record-label")
                    value = self.base.get(spec.name)
                    if spec.choices:
                        picker = KeyPicker(spec.choices, id=spec.name)
                        picker.chosen = None if value is None else str(value)
                        yield picker
                    else:
                        yield Input(
                            _shown(value, spec),
                            compact=True,
                            id=spec.name,
                            placeholder=spec.placeholder,
                        )
                yield Static("", id=f"{spec.name}-error", classes="error record-error")
            yield Static("", id="record-warning", classes="record-warning")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def on_mount(self) -> None:
        self._check()

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for spec in self.fields:
            if spec.choices:
                found[spec.name] = self.query_one(f"#{spec.name}", KeyPicker).chosen
                continue
            text = self.query_one(f"#{spec.name}", Input).value
            found[spec.name] = (
                [p.strip() for p in text.split(",") if p.strip()] if spec.listed else text
            )
        return found

    def problems(self) -> dict[str, str]:
        try:
            self.model.model_validate(self.base | self.values())
        except ValidationError as error:
            return field_errors(error)
        return {}

    def _check(self) -> dict[str, str]:
        problems = self.problems()
        for spec in self.fields:
            shown = problems.get(spec.name, "") if spec.name in self.touched else ""
            error = self.query_one(f"#{spec.name}-error", Static)
            error.update(Text(f"{spec.label} {shown}" if shown else ""))
            error.display = bool(shown)
        return problems

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.touched.add(event.input.id)
        self._check()
        if self.warn is not None:
            self._look_alike(self.values())

    @on(KeyPicker.Picked)
    def _picked(self) -> None:
        self._check()

    @work(thread=True, exclusive=True, group="form-warning", exit_on_error=False)
    def _look_alike(self, values: dict[str, Any]) -> None:
        assert self.warn is not None
        message = self.warn(self.base | values)
        self.app.call_from_thread(self._show_warning, message)

    def _show_warning(self, message: str | None) -> None:
        warning = self.query_one("#record-warning", Static)
        warning.update(Text(printable(message or "")))
        warning.display = bool(message)

    def action_save(self) -> None:
        self.touched.update(spec.name for spec in self.fields)
        problems = self._check()
        if problems:
            first = next((s.name for s in self.fields if s.name in problems), None)
            if first:
                self.query_one(f"#{first}").focus()
            else:
                self.notify(problems.get("", tr("Not saved")), severity="error")
            return
        self.submit(self.values())


def customer_form(
    customer: Customer | None, warn: Callable[[dict[str, Any]], str | None] | None = None
) -> RecordFormScreen:
    """A new customer (tier C, a company, unless chosen), or an edit of one."""
    if customer is None:
        base = {"kind": CustomerKind.COMPANY.value, "tier": Tier.C.value}
        return RecordFormScreen(tr("New customer"), Customer, CUSTOMER_FIELDS, base, warn)
    base = customer.model_dump(mode="json")
    title = tr("Edit — {name}", name=printable(customer.name))
    return RecordFormScreen(title, Customer, CUSTOMER_FIELDS, base)


def contact_form(customer: Customer, contact: Contact | None = None) -> RecordFormScreen:
    if contact is None:
        title = tr("New contact at {name}", name=printable(customer.name))
        base: dict[str, Any] = {"customer_id": customer.id}
    else:
        title = tr("Edit contact — {name}", name=printable(contact.name))
        base = contact.model_dump(mode="json")
    return RecordFormScreen(title, Contact, CONTACT_FIELDS, base)


def new_customer(app: WorkbenchApp) -> None:
    """A new customer, checked for look-alikes as it is typed; it opens once saved."""
    form = customer_form(None, warn=partial(_look_alikes, app.store))
    app.ask(form, partial(_add_customer, app))


def _look_alikes(store: Store, values: dict[str, Any]) -> str | None:
    with store.lock:
        found = duplicates.look_alikes(store, values)
    return duplicates.warning(found)


def _add_customer(app: WorkbenchApp, values: dict[str, Any]) -> Saved:
    customer = app.store.add(Customer(**values))
    return Saved(tr("Added {name}", name=customer.name), partial(app.open_customer, customer.id))


def edit_customer(app: WorkbenchApp, customer_id: str) -> None:
    customer = app.store.require(Customer, customer_id)
    app.ask(customer_form(customer), partial(_update, app.store, Customer, customer_id))


def add_contact(app: WorkbenchApp, customer_id: str) -> None:
    customer = app.store.require(Customer, customer_id)
    app.ask(contact_form(customer), partial(_add_contact, app.store, customer_id))


def _add_contact(store: Store, customer_id: str, values: dict[str, Any]) -> str:
    contact = store.add(Contact(customer_id=customer_id, **values))
    return tr("Added {name}", name=contact.name)


def edit_contact(app: WorkbenchApp, contact_id: str) -> None:
    contact = app.store.require(Contact, contact_id)
    customer = app.store.require(Customer, contact.customer_id)
    form = contact_form(customer, contact)
    app.ask(form, partial(_update, app.store, Contact, contact_id))


def _update(store: Store, model: type[Record], record_id: str, values: dict[str, Any]) -> str:
    store.update(model, record_id, **values)
    return tr("Saved {name}", name=values["name"])
