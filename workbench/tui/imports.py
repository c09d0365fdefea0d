"""Importing a CSV or vCard file from the app: name the file and what it
holds, read the dry-run report, then write (the same plan the command
line's import-csv and import-vcf make)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from workbench.domain.display import printable
from workbench.i18n import later, tr
from workbench.interop.csv_columns import load_mapping
from workbench.interop.csv_import import Plan, apply_plan, plan_import, records
from workbench.interop.vcard import plan_vcf_import
from workbench.tui.fields import Choice, KeyPicker
from workbench.tui.form import FormScreen, if_answered

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

ENTITIES = (
    Choice("c", "customers", tr("customers")),
    Choice("o", "contacts", tr("contacts")),
    Choice("d", "deals", tr("deals")),
    Choice("a", "activities", tr("activities")),
    Choice("f", "follow_ups", tr("follow-ups")),
    Choice("r", "reps", tr("reps")),
    Choice("s", "stages", tr("stages")),
    Choice("t", "targets", tr("targets")),
)
PATH_HINT = tr("File: a CSV, or a .vcf of contacts (e.g. ~/Downloads/deals.csv)")
MAP_HINT = tr("Column map (optional): a JSON file, see docs/files.md")
CHECK_HINT = tr("enter reads the file and shows what it would do · esc cancel")


# Why nothing can be imported, for rows and for cards: (all bad, none at all).
_NOTHING = {
    False: (later("every row is bad"), later("the file has no rows")),
    True: (later("every card is bad"), later("the file has no cards")),
}


class ImportScreen(FormScreen[str]):
    """Which file, what it holds, and the report before anything is written."""

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form wide-form"):
            yield Label(tr("Import a file"), classes="form-title")
            yield Input(compact=True, id="path", placeholder=PATH_HINT)
            yield Label(tr("It holds (a .vcf holds contacts)"), classes="field-label")
            yield KeyPicker(ENTITIES, id="entity")
            yield Input(compact=True, id="map", placeholder=MAP_HINT)
            with VerticalScroll(id="import-report"):
                yield Static("", id="report")
            yield Static("", id="import-error", classes="error")
            yield Static(CHECK_HINT, id="import-hint", classes="form-hint")

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    PICK_THEN_ENTER_CONFIRMS = False  # enter reads the file: nothing is written before ctrl+s

    def enter(self, field: Widget) -> None:
        """Enter reads the file once it is named (a .vcf needs no kind)."""
        named = self.query_one("#path", Input).value.strip().lower()
        if field.id == "path" and not named.endswith(".vcf"):
            self.advance(field)
        elif self.plan is None:
            self._check()

    @on(KeyPicker.Picked)
    def _picked(self) -> None:
        self._forget()

    @on(Input.Changed)
    def _forget(self) -> None:
        """What was checked no longer holds once the file or its kind changes."""
        if self.plan is not None:
            self.plan = None
            self.query_one("#report", Static).update("")
            self._hint(CHECK_HINT)

    def _hint(self, text: str, error: str = "") -> None:
        self.query_one("#import-hint", Static).update(text)
        self.query_one("#import-error", Static).update(Text(printable(error)))

    def action_save(self) -> None:
        if self.plan is None:
            self._check()
        else:
            self._hint(tr("Importing…"))
            self._apply(self.plan)

    def _check(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        path = Path(text).expanduser()
        entity = self.query_one("#entity", KeyPicker).chosen
        if not text or not path.is_file():
            why = tr("{path} is not a file", path=text) if text else tr("Type the file's path")
            self._hint(CHECK_HINT, why)
            self.query_one("#path", Input).focus()
            return
        if entity is None and path.suffix.lower() != ".vcf":
            self._hint(CHECK_HINT, tr("Pick what the file holds: customers, contacts, deals…"))
            self.query_one("#entity", KeyPicker).focus()
            return
        mapping = self.query_one("#map", Input).value.strip()
        self._hint(tr("Reading the file…"))
        self._plan(path, entity or "contacts", Path(mapping).expanduser() if mapping else None)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _plan(self, path: Path, entity: str, mapping: Path | None) -> None:
        store = self.workbench.store
        try:
            with store.lock:
                if path.suffix.lower() == ".vcf":
                    plan = plan_vcf_import(store, path)
                else:
                    plan = plan_import(store, entity, path, load_mapping(mapping))
        except ValueError as error:  # unreadable files and mapping files included
            self.app.call_from_thread(self._hint, CHECK_HINT, str(error))
            return
        self.app.call_from_thread(self._planned, plan)

    def _planned(self, plan: Plan) -> None:
        self.plan = plan
        self.query_one("#report", Static).update(Text("\n".join(map(printable, plan.report()))))
        good = records(len(plan.good), plan.table.unit)
        if not plan.good:
            bad, none = _NOTHING[plan.table.unit == "card"]
            why = tr(bad) if plan.rejected else tr(none)
            self._hint(tr("esc cancel"), tr("Nothing to import: {why}", why=why))
            self.plan = None
        elif plan.rejected:
            self._hint(
                tr(
                    "ctrl+s imports the {records}; the bad go to {file} · esc cancel",
                    records=records(len(plan.good), plan.table.unit, "good"),
                    file=plan.rejects_path.name,
                )
            )
        else:
            self._hint(tr("ctrl+s imports {records} · esc cancel", records=good))

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _apply(self, plan: Plan) -> None:
        store = self.workbench.store
        try:
            with store.lock:
                rejects = apply_plan(store, plan, skip_bad=True)
        except (OSError, ValueError) as error:
            self.app.call_from_thread(self._hint, tr("esc cancel"), str(error))
            return
        done = tr(
            "Imported {records} from {file}",
            file=plan.path.name,
            records=records(len(plan.good), plan.table.unit),
        )
        if rejects:
            done += tr("; the bad ones are in {file}", file=rejects.name)
        self.app.call_from_thread(self.dismiss, done)


def import_file(app: WorkbenchApp) -> None:
    """Once the file is imported, say what landed and show it."""
    app.push_screen(ImportScreen(), if_answered(app.say_written))
