"""The Workbench app: panes as modes, keys, the command palette and themes.

The app only wires things together. Panes and forms live in their own
modules; every database call runs in a worker thread under the store's
lock, and every write is followed by a refresh of the pane.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from workbench.domain import agenda
from workbench.domain.display import printable
from workbench.i18n import day_text, tr
from workbench.lazy import lazy, load_all
from workbench.store import queries
from workbench.store.database import Store
from workbench.tui import paste
from workbench.tui.collector import QUIET, IdleCollector
from workbench.tui.history import History, undo_last
from workbench.tui.palette import WorkbenchCommands
from workbench.tui.pane import Pane
from workbench.tui.today import TodayScreen

# Only Today is needed to paint the first screen; the rest load when first used
# (after the first paint the app loads them in a worker, see `load_the_rest`).
if TYPE_CHECKING:
    import workbench.domain.errors as errors
    import workbench.tui.customer as customer_view
    import workbench.tui.customers as customers_view
    import workbench.tui.deal as deal_view
    import workbench.tui.duplicates as duplicates_view
    import workbench.tui.form as form
    import workbench.tui.log_form as log_form
    import workbench.tui.pipeline as pipeline_view
    import workbench.tui.stages as stages_view
    import workbench.tui.sync as sync_view
    import workbench.tui.targets as targets_view
    import workbench.tui.welcome as welcome_view
    from workbench.tui.form import FormScreen, Saved, Write
else:
    errors = lazy("workbench.domain.errors")
    customer_view = lazy("workbench.tui.customer")
    customers_view = lazy("workbench.tui.customers")
    deal_view = lazy("workbench.tui.deal")
    duplicates_view = lazy("workbench.tui.duplicates")
    form = lazy("workbench.tui.form")
    log_form = lazy("workbench.tui.log_form")
    pipeline_view = lazy("workbench.tui.pipeline")
    stages_view = lazy("workbench.tui.stages")
    sync_view = lazy("workbench.tui.sync")
    targets_view = lazy("workbench.tui.targets")
    welcome_view = lazy("workbench.tui.welcome")

T = TypeVar("T")

FALLBACK_THEME = "textual-dark"


class WorkbenchApp(App[None]):
    CSS_PATH = "workbench.tcss"
    TITLE = "Workbench"
    MODES = {
        "today": TodayScreen,
        "pipeline": lambda: pipeline_view.PipelineScreen(),
        "customers": lambda: customers_view.CustomersScreen(),
        "targets": lambda: targets_view.TargetsScreen(),
    }
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    BINDINGS = [
        Binding("1", "switch_mode('today')", tr("Today"), id="pane.today"),
        Binding("2", "switch_mode('pipeline')", tr("Pipeline"), id="pane.pipeline"),
        Binding("3", "switch_mode('customers')", tr("Customers"), id="pane.customers"),
        Binding("4", "switch_mode('targets')", tr("Targets"), id="pane.targets"),
        Binding("l", "quick_log", tr("Log"), id="app.log"),
        Binding("S", "sync", tr("Sync"), id="app.sync"),
        Binding("ctrl+z", "undo", tr("Undo"), show=False, id="app.undo"),
        Binding("question_mark", "toggle_keys", tr("Keys"), id="app.keys"),
        # Textual's own keys, with their texts in the rep's language.
        Binding(
            "ctrl+p",
            "command_palette",
            tr("palette"),
            show=False,
            priority=True,
            tooltip=tr("Open the command palette"),
            id="app.palette",
        ),
        Binding(
            "ctrl+q",
            "quit",
            tr("Quit"),
            show=False,
            priority=True,
            tooltip=tr("Quit the app and return to the command prompt."),
            id="app.quit",
        ),
    ]

    def __init__(self, store: Store, agenda: Future[list[agenda.Item]] | None = None) -> None:
        """`agenda`: Today's, if the caller started reading it (see `on_load`)."""
        super().__init__()
        self.store = store
        self.collector = IdleCollector()
        self.history = History()  # what ctrl+z takes back
        self.first_run = False  # no rep yet: the welcome screen asks who
        self.early_agenda = agenda
        self._opening: Awaitable[object] | None = None  # a form being put up (see ask)
        self._typed_on: dict[int, Screen[Any]] = {}  # key (by id) -> the screen it was typed on

    def get_driver_class(self) -> type[Driver]:
        """Textual's, reading pastes through our sieve (tui.paste: a control
        character in a paste reordered it)."""
        driver = super().get_driver_class()
        paste.install()
        return driver

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast, from any screen, shows its text as it is: a name or a
        note in it is never read as markup and never moves the cursor."""
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's own hint says it in markup, and in English."""
        self.notify(tr("Press ctrl+q to quit"))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = tr("Search for commands…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands (theme, quit, keys, screenshot…) in the rep's language."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=tr(command.title), help=tr(command.help))

    def on_load(self) -> None:
        """Before the first screen is built: its theme and title are read now,
        and its agenda, unless the caller started that, in a thread while
        Textual builds the screen."""
        settings = self.store.settings()
        self.theme = settings.theme if settings.theme in self.available_themes else FALLBACK_THEME
        self._show_who_and_when()
        self.first_run = settings.me is None
        if not self.first_run and self.early_agenda is None:
            self.early_agenda = queries.today_agenda_soon(self.store)

    def on_mount(self) -> None:
        self.collector.start()
        self.set_interval(QUIET / 2, self.collector.tick)
        self._refresh_at_midnight()
        if self.first_run:
            team = queries.rep_names(self.store)
            empty = not team and not queries.counts(self.store)["customers"]
            self.push_screen(welcome_view.WelcomeScreen(team, demo=empty), self._welcomed)

    def on_unmount(self) -> None:
        self.collector.stop()

    @work(thread=True, group="load", exit_on_error=False)
    def load_the_rest(self) -> None:
        """Once the first pane is drawn: the modules the other panes and the
        forms need, so the first key that opens one does not wait for them."""
        load_all()
        self.collector.keep()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.touched()
        if isinstance(event, events.Key):
            event = self._for_this_screen(event)
            if await self._form_took(event):
                return
        await super().on_event(event)

    def _for_this_screen(self, key: events.Key) -> events.Key:
        """A key typed ahead comes back unhandled from the screen it was typed
        on (Textual checks a pane's keys as they come back): when a key before
        it has put up another screen since (`l` opened the quick log), it is
        this screen's, as if typed now, in the order typed."""
        if not key.is_forwarded:
            self._typed_on[id(key)] = self.screen
            while len(self._typed_on) > 256:  # keys a widget kept never come back
                del self._typed_on[next(iter(self._typed_on))]
            return key
        typed_on = self._typed_on.pop(id(key), self.screen)
        if typed_on is self.screen:
            return key
        again = events.Key(key.key, key.character)
        self._typed_on[id(again)] = self.screen
        return again

    async def _form_took(self, key: events.Key) -> bool:
        """Keys reach a form in the order typed: one typed while the form opens
        waits for it, and one the form takes itself (a pick, enter) moves the
        focus before the next key is read (form.FormScreen.take_key)."""
        if self._opening is not None:
            opening, self._opening = self._opening, None
            await opening
        return isinstance(self.screen, form.FormScreen) and self.screen.take_key(key)

    def _show_who_and_when(self) -> None:
        me = queries.rep_names(self.store).get(self.store.me or "")
        today = self.store.clock.today()
        self.sub_title = f"{me or tr('no rep yet')} · {day_text(today, year=True)}"

    def _refresh_at_midnight(self) -> None:
        now = self.store.clock.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
        self.set_timer((midnight - now).total_seconds() + 1, self._midnight)

    def _midnight(self) -> None:
        self._show_who_and_when()
        self.refresh_panes()
        self._refresh_at_midnight()

    def refresh_panes(self) -> None:
        if isinstance(self.screen, Pane):
            self.screen.reload()

    # --- writes: in a worker, then refresh ------------------------------------

    @work(thread=True, group="db", exit_on_error=False)
    def write(self, change: Callable[[], Any], done: str, *, undoable: bool = True) -> None:
        with self.store.lock:
            self.history.record(self.store, change, lambda _: done) if undoable else change()
        self.call_from_thread(self.say_written, done)

    def ask(self, form: FormScreen[T], write: Write[T]) -> None:
        """Push `form`; its answer is written by `write` (which returns what to
        say) while the form stays up, closing once the write succeeded."""
        form.write = partial(self._locked, write)
        self._opening = self.push_screen(form, lambda _: self._asked(form.saved))

    def _locked(self, write: Write[T], answer: T) -> str | Saved:
        with self.store.lock:
            return self.history.record(self.store, partial(write, answer), form.said)

    def _asked(self, saved: Saved | None) -> None:
        if saved is not None:  # else cancelled
            self.say_written(saved.say)
            if saved.then is not None:
                saved.then()

    def say_written(self, done: str) -> None:
        self.notify(done, timeout=3)
        self.show_changes()

    def show_changes(self) -> None:
        self._show_who_and_when()
        self.refresh_panes()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.say_failed(event)

    def say_failed(self, event: Worker.StateChanged) -> None:
        """One place where a failed database call, the app's or a pane's,
        becomes a visible message."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(errors.describe(event.worker.error), severity="error", timeout=8)

    # --- what the keys, the panes and the palette open ------------------------

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def set_theme(self, name: str) -> None:
        self.theme = name

    def watch_theme(self, name: str) -> None:
        settings = self.store.settings()
        if settings.theme != name:
            chosen = replace(settings, theme=name)
            self.write(partial(self.store.save_settings, chosen), tr("Theme: {name}", name=name))

    def open_customer(self, customer_id: str) -> None:
        self.push_screen(customer_view.CustomerScreen(self.store, customer_id))

    def open_deal(self, deal_id: str) -> None:
        """The deal's view, unless it is the one shown (no second copy to esc from)."""
        if not (isinstance(self.screen, deal_view.DealScreen) and self.screen.deal_id == deal_id):
            self.push_screen(deal_view.DealScreen(self.store, deal_id))

    def action_open_stages(self) -> None:
        self.push_screen(stages_view.StagesScreen())

    def action_open_duplicates(self) -> None:
        self.push_screen(duplicates_view.DuplicatesScreen())

    def action_open_conflicts(self) -> None:
        self.push_screen(sync_view.ConflictsScreen())

    def action_quick_log(self) -> None:
        log_form.log(self)

    def action_sync(self) -> None:
        sync_view.sync(self)

    def action_undo(self) -> None:
        undo_last(self)

    def _welcomed(self, welcome: welcome_view.Welcome | None) -> None:
        if welcome is not None:
            said = tr("Welcome, {name}", name=welcome.name)
            self.write(partial(welcome_view.set_up, self.store, welcome), said, undoable=False)
