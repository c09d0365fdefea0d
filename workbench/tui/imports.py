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
from textual.widgets import Input, Label, Static

from workbench.domain.display import counted, printable
from workbench.interop.csv_columns import load_mapping
from workbench.interop.csv_import import Plan, apply_plan, plan_import
from workbench.interop.vcard import plan_vcf_import
from workbench.tui.fields import Choice, KeyPicker
from workbench.tui.forms import FormScreen

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

ENTITIES = (
    Choice("c", "customers", "customers"),
    Choice("o", "contacts", "contacts"),
    Choice("d", "deals", "deals"),
    Choice("a", "activities", "activities"),
    Choice("f", "follow_ups", "follow-ups"),
    Choice("r", "reps", "reps"),
    Choice("s", "stages", "stages"),
    Choice("t", "targets", "targets"),
)
PATH_HINT = "File: a CSV, or a .vcf of contacts (e.g. ~/Downloads/deals.csv)"
MAP_HINT = "Column map (optional): a JSON file, see the README"
CHECK_HINT = "enter reads the file and shows what it would do · esc cancel"


class ImportScreen(FormScreen):
    """Which file, what it holds, and the report before anything is written."""

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form wide-form"):
            yield Label("Import a file", classes="form-title")
            yield Input(compact=True, id="path", placeholder=PATH_HINT)
            yield Label("It holds (a .vcf holds contacts)", classes="field-label")
            yield KeyPicker(ENTITIES, id="entity")
            yield Input(compact=True, id="map", placeholder=MAP_HINT)
            with VerticalScroll(id="import-report"):
                yield Static("", id="report")
            yield Static("", id="import-error", classes="error")
            yield Static(CHECK_HINT, id="import-hint", classes="form-hint")

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter reads the file once it is named (a .vcf needs no kind)."""
        if event.input.id == "path" and not event.value.strip().lower().endswith(".vcf"):
            self.focus_next()
        elif self.plan is None:
            self._check()

    @on(KeyPicker.Picked)
    def _picked(self) -> None:
        self._forget()
        self.focus_next()

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
            self._hint("Importing…")
            self._apply(self.plan)

    def _check(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        path = Path(text).expanduser()
        entity = self.query_one("#entity", KeyPicker).chosen
        if not text or not path.is_file():
            self._hint(CHECK_HINT, f"{text} is not a file" if text else "Type the file's path")
            self.query_one("#path", Input).focus()
            return
        if entity is None and path.suffix.lower() != ".vcf":
            self._hint(CHECK_HINT, "Pick what the file holds: customers, contacts, deals…")
            self.query_one("#entity", KeyPicker).focus()
            return
        mapping = self.query_one("#map", Input).value.strip()
        self._hint("Reading the file…")
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
        unit = plan.table.unit
        if not plan.good:
            why = f"every {unit} is bad" if plan.rejected else f"the file has no {unit}s"
            self._hint("esc cancel", f"Nothing to import: {why}")
            self.plan = None
        elif plan.rejected:
            self._hint(f"ctrl+s imports the {counted(len(plan.good), 'good ' + unit)}; the bad "
                       f"go to {plan.rejects_path.name} · esc cancel")  # fmt: skip
        else:
            self._hint(f"ctrl+s imports {counted(len(plan.good), unit)} · esc cancel")

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _apply(self, plan: Plan) -> None:
        store = self.workbench.store
        try:
            with store.lock:
                rejects = apply_plan(store, plan, skip_bad=True)
        except (OSError, ValueError) as error:
            self.app.call_from_thread(self._hint, "esc cancel", str(error))
            return
        done = f"Imported {counted(len(plan.good), plan.table.unit)} from {plan.path.name}"
        if rejects:
            done += f"; the bad ones are in {rejects.name}"
        self.app.call_from_thread(self.dismiss, done)
