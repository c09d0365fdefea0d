"""First run: who is using this database, and do they want to try the demo?"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from workbench.i18n import tr
from workbench.store import actions, lookup
from workbench.store.database import Store
from workbench.store.lookup import SHORT_ID


@dataclass(frozen=True)
class Welcome:
    name: str
    demo: bool


class WelcomeScreen(Screen[Welcome]):
    BINDINGS = [Binding("ctrl+t", "start(True)", tr("Try it with demo data"), id="welcome.demo")]

    def __init__(self, team: dict[str, str] | None = None, *, demo: bool = True) -> None:
        super().__init__()
        self.team = team or {}  # {id: name}: the reps a copied or synced database holds
        self.demo = demo  # offered on an empty database only: never mixed into real work

    def compose(self) -> ComposeResult:
        with Vertical(classes="form welcome"):
            yield Label(tr("Welcome to Workbench"), classes="form-title")
            yield Static(
                tr(
                    "Plan your day: follow-ups, deals, customers and targets, all offline.\n"
                    "What is your name? It marks your follow-ups, deals and customers."
                )
            )
            if self.team:
                yield Static(
                    tr(
                        "This database already holds the work of {names}. Who uses it "
                        "here? If you are one of them, type that name (or its id): "
                        "this computer becomes theirs too.",
                        names=", ".join(
                            f"{name} ({rep_id[:SHORT_ID]})"
                            for rep_id, name in sorted(self.team.items(), key=lambda i: i[1])
                        ),
                    ),
                    markup=False,
                )
            yield Input(placeholder=tr("Your name"), id="name")
            with Horizontal(classes="buttons"):
                yield Button(tr("Start"), variant="primary", id="start")
                if self.demo:
                    yield Button(tr("Try it with demo data (ctrl+t)"), id="demo")
            yield Static("", id="welcome-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_start(event.button.id == "demo")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.demo or action != "start" or parameters != (True,)

    def action_start(self, demo: bool) -> None:
        demo = demo and self.demo
        name = self.query_one("#name", Input).value.strip()
        problem = tr("Type your name first.") if not name else self._twins(name)
        if problem:
            self.query_one("#welcome-error", Static).update(Text(problem))
            self.query_one("#name").focus()
            return
        self.dismiss(Welcome(name, demo))

    def _twins(self, name: str) -> str | None:
        """Two reps of the team have the name typed: which one cannot be guessed."""
        ids = [i for i, known in self.team.items() if known.casefold() == name.casefold()]
        if len(ids) < 2:
            return None
        shown = ", ".join(rep_id[:SHORT_ID] for rep_id in ids)
        return tr("Two reps are called {name} ({ids}): type the id of yours.", name=name, ids=shown)


def set_up(store: Store, welcome: Welcome) -> None:
    """Who the rep is, and the demo data if they asked for it."""
    if welcome.demo:
        from workbench.demo import generate  # only when asked: it is not small

        generate(store)
    if lookup.is_rep_id(store, welcome.name):
        actions.claim_rep(store, welcome.name)
    else:
        actions.set_me(store, welcome.name)
