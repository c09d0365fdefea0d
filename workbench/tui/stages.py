"""The pipeline's stages, edited from the app: the same rules as `workbench stages`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Input, Label, Static

from workbench.domain.display import printable
from workbench.domain.models import Stage
from workbench.domain.stages import StageKind, stage_cells
from workbench.i18n import tr, tr_n
from workbench.store import pipeline
from workbench.store.database import Store
from workbench.tui.footer import Footer
from workbench.tui.form import FormScreen
from workbench.tui.pane import Pane


def load_stages(store: Store) -> tuple[list[Stage], dict[str, int]]:
    with store.lock:
        return store.stages(), pipeline.deal_counts(store)


@dataclass(frozen=True)
class StageRequest:
    key: str
    label: str
    probability: int
    rot_days: int | None


class StageFormScreen(FormScreen[StageRequest]):
    """A stage's key (new stages only), label, probability and rot days."""

    def __init__(self, stage: Stage | None) -> None:
        super().__init__()
        self.stage = stage

    def compose(self) -> ComposeResult:
        stage = self.stage
        with Vertical(classes="form"):
            title = tr("Stage {key}", key=printable(stage.key)) if stage else tr("New stage")
            yield Label(Text(title), classes="form-title")
            if stage is None:
                yield Input(compact=True, id="key", placeholder=tr("Key: lowercase, e.g. demo"))
            yield Input(
                tr(stage.label) if stage else "",
                compact=True,
                id="label",
                placeholder=tr("Label shown on the column"),
            )
            yield Input(
                str(stage.probability) if stage else "",
                compact=True,
                id="probability",
                placeholder=tr("Win probability %"),
            )
            yield Input(
                str(stage.rot_days or "") if stage else "",
                compact=True,
                id="rot_days",
                placeholder=tr("Rot days before a deal is stale (empty: never)"),
            )
            yield Static("", id="stage-error", classes="error")
            yield Static(tr("enter next field · ctrl+s save · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        value = {widget.id: widget.value.strip() for widget in self.query(Input) if widget.id}
        key = self.stage.key if self.stage else value["key"].lower()
        try:
            probability = int(value["probability"])
            rot_days = int(value["rot_days"]) if value["rot_days"] else None
        except ValueError:
            self.query_one("#stage-error", Static).update(
                tr("Probability and rot days are numbers.")
            )
            return
        if not key or not value["label"]:
            self.query_one("#stage-error", Static).update(tr("A stage needs a key and a label."))
            return
        self.submit(StageRequest(key, value["label"], probability, rot_days))


@dataclass(frozen=True)
class DeleteRequest:
    move_to: str | None


class DeleteStageScreen(FormScreen[DeleteRequest]):
    """Confirm deleting a stage, and if it holds deals, say where they go."""

    def __init__(self, stage: Stage, deals: int) -> None:
        super().__init__()
        self.stage = stage
        self.deals = deals

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            asked = tr("Delete stage {label}?", label=printable(tr(self.stage.label)))
            yield Label(Text(asked), classes="form-title")
            if self.deals:
                yield Static(
                    tr_n(
                        "It holds {count} deal. Move it to (a stage key):",
                        "It holds {count} deals. Move them to (a stage key):",
                        self.deals,
                    )
                )
                yield Input(compact=True, id="target", placeholder=tr("e.g. proposal"))
            else:
                yield Static(tr("It holds no deals."))
            yield Static(tr("enter or ctrl+s delete · esc keep it"), classes="form-hint")

    def key_enter(self) -> None:  # no field when the stage holds no deals
        self.action_save()

    def action_save(self) -> None:
        target = self.query_one(Input).value.strip() if self.deals else None
        self.submit(DeleteRequest(target or None))


class StagesScreen(Pane):
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="stages.back"),
        Binding("e", "edit", tr("Edit"), id="stages.edit"),
        Binding("a", "add", tr("Add after"), id="stages.add"),
        Binding("K", "move(-1)", tr("Move up"), id="stages.up"),
        Binding("J", "move(1)", tr("Move down"), id="stages.down"),
        Binding("x", "delete", tr("Delete"), id="stages.delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stages: list[Stage] = []
        self.counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            tr("Pipeline stages (Won and Lost are built in and stay last)"), classes="hint"
        )
        yield DataTable(id="stages", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (
            tr("Key"),
            tr("Label"),
            tr("Probability"),
            tr("Rot days"),
            tr("Kind"),
            tr("Deals"),
        ):
            table.add_column(label)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        stages, counts = load_stages(self.workbench.store)
        self.app.call_from_thread(self.show, stages, counts)

    def show(self, stages: list[Stage], counts: dict[str, int]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.stages, self.counts = stages, counts
        table.clear()
        for stage in stages:
            table.add_row(
                *(Text(printable(cell)) for cell in stage_cells(stage, counts.get(stage.key, 0))),
                key=stage.key,
            )
        table.move_cursor(row=min(row, len(stages) - 1))

    def selected(self) -> Stage | None:
        table = self.query_one(DataTable)
        return self.stages[table.cursor_row] if self.stages else None

    def action_edit(self) -> None:
        if stage := self.selected():
            self.workbench.ask(StageFormScreen(stage), partial(self._edit, stage))

    def _edit(self, stage: Stage, request: StageRequest) -> str:
        pipeline.set_stage(
            self.workbench.store,
            stage.key,
            label=request.label,
            probability=request.probability,
            rot_days=request.rot_days,
        )
        return tr("Saved {name}", name=request.label)

    def action_add(self) -> None:
        stage = self.selected()
        after = stage.key if stage and stage.kind == StageKind.OPEN else None
        self.workbench.ask(StageFormScreen(None), partial(self._add, after))

    def _add(self, after: str | None, request: StageRequest) -> str:
        pipeline.add_stage(
            self.workbench.store,
            request.key,
            request.label,
            request.probability,
            rot_days=request.rot_days,
            after=after,
        )
        return tr("Added {name}", name=request.label)

    def action_move(self, step: int) -> None:
        stage = self.selected()
        opens = [s.key for s in self.stages if s.kind == StageKind.OPEN]
        if stage is None or stage.key not in opens:
            self.notify(tr("Only open stages move; Won and Lost stay last."))
            return
        index = opens.index(stage.key)
        if not 0 <= index + step < len(opens):
            return
        store = self.workbench.store
        if step > 0:
            change = partial(pipeline.move_stage, store, stage.key, after=opens[index + 1])
        elif index == 1:  # becoming the first: the first steps behind it
            change = partial(pipeline.move_stage, store, opens[0], after=stage.key)
        else:
            change = partial(pipeline.move_stage, store, stage.key, after=opens[index - 2])
        self.workbench.write(change, tr("Moved {name}", name=tr(stage.label)))
        self.query_one(DataTable).move_cursor(row=index + step)

    def action_delete(self) -> None:
        if stage := self.selected():
            screen = DeleteStageScreen(stage, self.counts.get(stage.key, 0))
            self.workbench.ask(screen, partial(self._delete, stage))

    def _delete(self, stage: Stage, request: DeleteRequest) -> str:
        pipeline.delete_stage(self.workbench.store, stage.key, move_to=request.move_to)
        return tr("Deleted {name}", name=tr(stage.label))
