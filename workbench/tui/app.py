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
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from workbench.domain.pipeline import BoardFilter
from workbench.domain.stages import StageKind
from workbench.domain.when import When
from workbench.i18n import day_text, later, tr, tr_n
from workbench.lazy import lazy, load_all
from workbench.store import queries
from workbench.store.database import NotFound, Store
from workbench.tui import paste
from workbench.tui.collector import QUIET, IdleCollector
from workbench.tui.palette import WorkbenchCommands
from workbench.tui.pane import Pane
from workbench.tui.today import TodayScreen

# Only Today is needed to paint the first screen; the rest load when first used
# (after the first paint the app loads them in a worker, see `_load_the_rest`).
if TYPE_CHECKING:
    import workbench.domain.errors as errors
    import workbench.domain.models as models
    import workbench.store.actions as actions
    import workbench.store.duplicates as duplicates
    import workbench.store.pipeline as pipeline
    import workbench.sync.conflicts as conflicts
    import workbench.tui.currency as currency_view
    import workbench.tui.customer as customer_view
    import workbench.tui.customers as customers_view
    import workbench.tui.deal as deal_view
    import workbench.tui.duplicates as duplicates_view
    import workbench.tui.fields as field_types
    import workbench.tui.forms as forms
    import workbench.tui.imports as imports_view
    import workbench.tui.pipeline as pipeline_view
    import workbench.tui.record_form as record_form
    import workbench.tui.stages as stages_view
    import workbench.tui.sync as sync_view
    import workbench.tui.targets as targets_view
    import workbench.tui.welcome as welcome_view
    from workbench.domain.models import Stage
    from workbench.domain.periods import Period
else:
    errors = lazy("workbench.domain.errors")
    models = lazy("workbench.domain.models")
    actions = lazy("workbench.store.actions")
    duplicates = lazy("workbench.store.duplicates")
    pipeline = lazy("workbench.store.pipeline")
    conflicts = lazy("workbench.sync.conflicts")
    currency_view = lazy("workbench.tui.currency")
    customer_view = lazy("workbench.tui.customer")
    customers_view = lazy("workbench.tui.customers")
    deal_view = lazy("workbench.tui.deal")
    duplicates_view = lazy("workbench.tui.duplicates")
    field_types = lazy("workbench.tui.fields")
    forms = lazy("workbench.tui.forms")
    imports_view = lazy("workbench.tui.imports")
    pipeline_view = lazy("workbench.tui.pipeline")
    record_form = lazy("workbench.tui.record_form")
    stages_view = lazy("workbench.tui.stages")
    sync_view = lazy("workbench.tui.sync")
    targets_view = lazy("workbench.tui.targets")
    welcome_view = lazy("workbench.tui.welcome")


FALLBACK_THEME = "textual-dark"
# What Textual's own commands say (textual.app.App.get_system_commands), so
# the catalogue has them; a Textual that words one otherwise shows it in English.
TEXTUAL_COMMANDS = (
    later("Theme"),
    later("Change the current theme"),
    later("Quit"),
    later("Quit the application as soon as possible"),
    later("Keys"),
    later("Hide the keys and widget help panel"),
    later("Show help for the focused widget and a summary of available keys"),
    later("Minimize"),
    later("Minimize the widget and restore to normal size"),
    later("Maximize"),
    later("Maximize the focused widget"),
    later("Screenshot"),
    later("Save an SVG 'screenshot' of the current screen"),
)


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
            team = sorted(queries.rep_names(self.store).values())
            self.push_screen(welcome_view.WelcomeScreen(team), self._welcomed)

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
        focus before the next key is read (FormScreen.take_key)."""
        if self._opening is not None:
            opening, self._opening = self._opening, None
            await opening
        return isinstance(self.screen, forms.FormScreen) and self.screen.take_key(key)

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
    def write(self, change: Callable[[], Any], done: str) -> None:
        with self.store.lock:
            change()
        self.call_from_thread(self._written, done)

    def ask(self, form: forms.FormScreen, write: forms.Write) -> None:
        """Push `form`; what it asks for is written by `write` (which returns
        what to say) while the form stays up, closing once the write succeeded."""
        form.write = partial(self._locked, write)
        self._opening = self.push_screen(form, self._asked)

    def _locked(self, write: forms.Write, answer: object) -> str | forms.Saved:
        with self.store.lock:
            return write(answer)

    def _asked(self, done: object) -> None:
        saved = forms.Saved(done) if isinstance(done, str) else done
        if isinstance(saved, forms.Saved):  # else cancelled
            self._written(saved.say)
            if saved.then is not None:
                saved.then()

    def _written(self, done: str) -> None:
        self.notify(done, timeout=3)
        self._show_who_and_when()
        self.refresh_panes()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.say_failed(event)

    def say_failed(self, event: Worker.StateChanged) -> None:
        """One place where a failed database call, the app's or a pane's,
        becomes a visible message."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(errors.describe(event.worker.error), severity="error", timeout=8)

    # --- actions the panes and the palette call -------------------------------

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

    def action_open_stages(self) -> None:
        self.push_screen(stages_view.StagesScreen())

    def open_deal(self, deal_id: str) -> None:
        self.push_screen(deal_view.DealScreen(self.store, deal_id))

    def action_quick_log(self) -> None:
        self.quick_log(None)

    def quick_log(self, item: agenda.Item | None = None) -> None:
        if item is None:
            self._ask_log(None, None, None)
        elif item.customer_id is None:
            self._needs_customer(item.deal)
        else:
            self._ask_log(item.customer_id, item.customer, item.deal_id)

    def quick_log_for(self, customer_id: str, deal_id: str | None = None) -> None:
        customer = self.store.require(models.Customer, customer_id)
        self._ask_log(customer.id, customer.name, deal_id)

    def log_on_deal(self, deal_id: str) -> None:
        """Log on a deal; one with no customer yet opens, one key from naming it."""
        deal = self.store.require(models.Deal, deal_id)
        if deal.customer_id is not None:
            return self.quick_log_for(deal.customer_id, deal.id)
        if not (isinstance(self.screen, deal_view.DealScreen) and self.screen.deal_id == deal_id):
            self.open_deal(deal_id)
        self._needs_customer(deal.title)

    def _needs_customer(self, deal: str | None) -> None:
        """Calls and follow-ups are a customer's: a deal without one names it first."""
        self.notify(
            tr(
                "“{deal}” has no customer yet: press e on it (pipeline or deal view) to name one",
                deal=deal or "?",
            ),
            severity="warning",
        )

    def _ask_log(self, customer_id: str | None, name: str | None, deal_id: str | None) -> None:
        screen = forms.QuickLogScreen(
            self.store.clock.now(), customer_id=customer_id, customer_name=name, lookup=self._names
        )
        self.ask(screen, partial(self._save_log, deal_id=deal_id))

    def _names(self, start: str) -> list[str]:
        with self.store.lock:
            return [c.name for c in queries.customers_named(self.store, start, limit=1)]

    def _save_log(self, request: forms.LogRequest, deal_id: str | None) -> str:
        with self.store.transaction():
            customer = actions.customer_named(
                self.store, request.customer, add=request.new_customer
            )
            actions.log_activity(
                self.store,
                request.kind,
                customer,
                note=request.note,
                outcome=request.outcome,
                deal_id=deal_id,
                next_when=request.next_when,
                satisfaction=request.satisfaction,
            )
        return _logged(request)

    def _save_done(self, follow_up_id: str, request: forms.LogRequest) -> str:
        actions.log_done(
            self.store,
            follow_up_id,
            request.kind,
            note=request.note,
            outcome=request.outcome,
            next_when=request.next_when,
            repeat=request.repeat,
            satisfaction=request.satisfaction,
        )
        return _logged(request)

    def complete(self, item: agenda.Item) -> None:
        screen = forms.QuickLogScreen(
            self.store.clock.now(),
            customer_id=item.customer_id,
            customer_name=item.customer,
            heading=tr("Done: {what}", what=item.what),
            next_text=forms.recurrence_text(item.recurrence),
        )
        assert item.follow_up_id  # (the pane offers d on follow-ups only)
        self.ask(screen, partial(self._save_done, item.follow_up_id))

    def snooze(self, item: agenda.Item) -> None:
        asked = tr("Snooze “{what}” until", what=item.what)
        screen = forms.WhenScreen(self.store.clock.now(), asked, tr("tomorrow"))
        self.ask(screen, partial(self._snooze, item))

    def _snooze(self, item: agenda.Item, when: When) -> str:
        assert item.follow_up_id
        actions.snooze(self.store, item.follow_up_id, when.day)
        return tr("Snoozed until {day}", day=when.describe(self.store.clock.today()))

    def reschedule(self, item: agenda.Item) -> None:
        screen = forms.WhenScreen(self.store.clock.now(), tr("Move “{what}” to", what=item.what))
        self.ask(screen, partial(self._reschedule, item))

    def _reschedule(self, item: agenda.Item, when: When) -> str:
        assert item.follow_up_id
        actions.reschedule(self.store, item.follow_up_id, when)
        return tr("Moved to {day}", day=when.describe(self.store.clock.today()))

    def new_follow_up(self, item: agenda.Item) -> None:
        if item.customer_id is None:
            self._needs_customer(item.deal)
        else:
            self._ask_follow_up(item.customer_id, item.customer, item.deal_id)

    def new_follow_up_for(self, customer_id: str) -> None:
        customer = self.store.require(models.Customer, customer_id)
        self._ask_follow_up(customer.id, customer.name, None)

    def _ask_follow_up(self, customer_id: str, name: str, deal_id: str | None) -> None:
        screen = forms.NewFollowUpScreen(self.store.clock.now(), name)
        self.ask(screen, partial(self._add_follow_up, customer_id, deal_id))

    def _add_follow_up(
        self, customer_id: str, deal_id: str | None, request: forms.FollowUpRequest
    ) -> str:
        actions.add_follow_up(self.store, customer_id, request.title, request.when, deal_id)
        return tr("Follow-up on {day}", day=request.when.describe(self.store.clock.today()))

    def move_deal(self, card: queries.DealCard, stage: Stage) -> None:
        if stage.kind == StageKind.OPEN:
            self.write(
                partial(pipeline.move_deal, self.store, card.id, stage.key),
                tr("{deal} → {stage}", deal=card.title, stage=tr(stage.label)),
            )
            return
        screen = forms.CloseDealScreen(
            self.store.clock.now(), card.title, stage.kind == StageKind.WON
        )
        self.ask(screen, partial(self._close_deal, card, stage))

    def _close_deal(self, card: queries.DealCard, stage: Stage, request: forms.CloseRequest) -> str:
        pipeline.move_deal(
            self.store, card.id, stage.key, closed_on=request.closed_on, reason=request.reason
        )
        return tr("{deal} → {stage}", deal=card.title, stage=tr(stage.label))

    def new_deal(self, stage: str | None) -> None:
        self._ask_deal(forms.DealDraft(stage=stage))

    def _ask_deal(self, draft: forms.DealDraft) -> None:
        open_stages = [st for st in self.store.stages() if st.kind == StageKind.OPEN]
        choices = [
            field_types.Choice(str(n), st.key, tr(st.label)) for n, st in enumerate(open_stages, 1)
        ]
        currency = self.store.settings().currency
        screen = forms.DealFormScreen(self.store.clock.now(), currency, choices, draft, self._names)
        self.ask(screen, self._add_deal)

    def new_deal_for(self, customer_id: str) -> None:
        customer = self.store.require(models.Customer, customer_id)
        self._ask_deal(forms.DealDraft(customer_id=customer.id, customer_name=customer.name))

    def edit_deal(self, deal_id: str) -> None:
        deal = self.store.require(models.Deal, deal_id)
        customer = self.store.get(models.Customer, deal.customer_id) if deal.customer_id else None
        draft = forms.DealDraft(
            deal.customer_id,
            customer.name if customer else "?",
            deal.title,
            deal.amount,
            deal.stage,
            deal.expected_close,
            deal.probability,
            deal.next_step,
        )
        screen = forms.DealFormScreen(
            self.store.clock.now(), deal.currency, [], draft, self._names, editing=True
        )
        self.ask(screen, partial(self._edit_deal, deal_id))

    def _add_deal(self, request: forms.DealRequest) -> str:
        actions.new_deal(
            self.store,
            request.customer,
            request.title,
            amount=request.amount,
            stage=request.stage or "lead",
            expected_close=request.expected_close,
        )
        return tr("New deal: {title}", title=request.title)

    def _edit_deal(self, deal_id: str, request: forms.DealRequest) -> str:
        with self.store.transaction():
            had = self.store.require(models.Deal, deal_id).customer_id
            if had is None and request.customer:  # (the form asks only a deal without one)
                actions.set_deal_customer(self.store, deal_id, request.customer)
            self.store.update(
                models.Deal,
                deal_id,
                title=request.title,
                amount=request.amount,
                expected_close=request.expected_close,
                probability=request.probability,
                next_step=request.next_step,
            )
        return tr("Saved {name}", name=request.title)

    def new_customer(self) -> None:
        self.ask(record_form.customer_form(None, warn=self._look_alikes), self._add_customer)

    def _look_alikes(self, values: dict[str, Any]) -> str | None:
        with self.store.lock:
            found = duplicates.look_alikes(self.store, values)
        return duplicates.warning(found)

    def _add_customer(self, values: dict[str, Any]) -> forms.Saved:
        customer = self.store.add(models.Customer(**values))
        return forms.Saved(
            tr("Added {name}", name=customer.name), partial(self.open_customer, customer.id)
        )

    def edit_customer(self, customer_id: str) -> None:
        customer = self.store.require(models.Customer, customer_id)
        form = record_form.customer_form(customer)
        self.ask(form, partial(self._update, models.Customer, customer_id))

    def _update(self, model: type[models.Record], record_id: str, values: dict[str, Any]) -> str:
        self.store.update(model, record_id, **values)
        return tr("Saved {name}", name=values["name"])

    def add_contact(self, customer_id: str) -> None:
        customer = self.store.require(models.Customer, customer_id)
        self.ask(record_form.contact_form(customer), partial(self._add_contact, customer_id))

    def _add_contact(self, customer_id: str, values: dict[str, Any]) -> str:
        contact = self.store.add(models.Contact(customer_id=customer_id, **values))
        return tr("Added {name}", name=contact.name)

    def ask_customer_filter(
        self, current: forms.CustomerFilter, then: Callable[[forms.CustomerFilter | None], None]
    ) -> None:
        with self.store.lock:
            known = {
                field: queries.customer_values(self.store, field)
                for field in ("segment", "industry")
            }
            known["rep"] = sorted(queries.rep_names(self.store).values())
        screen = forms.CustomerFilterScreen(current, known)
        self.push_screen(
            screen,
            lambda chosen: then(chosen if isinstance(chosen, forms.CustomerFilter) else None),
        )

    def edit_contact(self, contact_id: str) -> None:
        contact = self.store.require(models.Contact, contact_id)
        customer = self.store.require(models.Customer, contact.customer_id)
        form = record_form.contact_form(customer, contact)
        self.ask(form, partial(self._update, models.Contact, contact_id))

    def ask_target(self, period: Period) -> None:
        screen = forms.TargetFormScreen(
            self.store.clock.today(), period.key, self.store.settings().currency
        )
        self.ask(screen, self._set_target)

    def _set_target(self, request: forms.TargetRequest) -> str:
        me = self.store.me
        if me is None:
            raise NotFound(tr('no rep set yet: run `workbench me "Your Name"`'))
        actions.set_target(self.store, me, request.metric, request.period, request.amount)
        return tr(
            "Target set: {metric} for {period}", metric=request.metric.label, period=request.period
        )

    def resolve_complaint(self, activity_id: str) -> None:
        self.write(
            partial(actions.resolve_complaint, self.store, activity_id), tr("Complaint resolved")
        )

    def action_open_duplicates(self) -> None:
        self.push_screen(duplicates_view.DuplicatesScreen())

    def ask_merge(self, first_id: str, second_id: str) -> None:
        first = self.store.require(models.Customer, first_id)
        second = self.store.require(models.Customer, second_id)
        screen = duplicates_view.MergeScreen(first, second, queries.rep_names(self.store))
        self.ask(screen, self._merge)

    def _merge(self, request: duplicates_view.MergeRequest) -> str:
        duplicates.merge(self.store, request.first, request.second, request.chosen)
        return tr("Merged · u on the Duplicates screen undoes it")

    def dismiss_duplicate(self, pair: duplicates.Pair) -> None:
        change = partial(duplicates.dismiss, self.store, pair.first.id, pair.second.id)
        self.write(
            change,
            tr(
                "{first} and {second}: not the same", first=pair.first.name, second=pair.second.name
            ),
        )

    def action_undo_merge(self) -> None:
        self.write(partial(duplicates.undo_last_merge, self.store), tr("Merge undone"))

    # --- sync -------------------------------------------------------------------

    def action_sync(self) -> None:
        folder = self.store.settings().sync_folder
        if folder and Path(folder).is_dir():
            self._sync(Path(folder))
        else:
            self.action_choose_sync_folder()

    def action_choose_currency(self) -> None:
        self.ask(currency_view.CurrencyScreen(self.store.settings().currency), self._set_currency)

    def _set_currency(self, code: object) -> str:
        stranded = actions.set_home_currency(self.store, str(code))
        said = tr("Home currency: {code}", code=code)
        if stranded:
            said += " · " + tr_n(
                "{count} revenue target in another currency no longer counts",
                "{count} revenue targets in other currencies no longer count",
                stranded,
            )
        return said

    def action_choose_sync_folder(self) -> None:
        current = self.store.settings().sync_folder
        self.push_screen(sync_view.FolderScreen(current), self._folder_chosen)

    def _folder_chosen(self, folder: object) -> None:
        if isinstance(folder, Path):
            chosen = replace(self.store.settings(), sync_folder=str(folder))
            self.write(
                partial(self.store.save_settings, chosen),
                tr("Sync folder: {folder}", folder=folder),
            )
            self._sync(folder)

    def _sync(self, folder: Path) -> None:
        self.push_screen(sync_view.SyncScreen(self.store, folder), lambda _: self._synced())

    def _synced(self) -> None:
        self._show_who_and_when()
        self.refresh_panes()

    # --- files ----------------------------------------------------------------

    def action_import_file(self) -> None:
        self.push_screen(imports_view.ImportScreen(), self._imported)

    def _imported(self, done: object) -> None:
        if isinstance(done, str):
            self._written(done)

    def action_open_conflicts(self) -> None:
        self.push_screen(sync_view.ConflictsScreen())

    def keep_conflict(self, conflict: conflicts.Conflict, side: conflicts.Side) -> None:
        self.write(
            partial(conflicts.keep, self.store, conflict, side),
            tr("{what}: kept {value}", what=conflict.place, value=side.text),
        )

    def ask_board_filter(
        self, current: BoardFilter, then: Callable[[BoardFilter | None], None]
    ) -> None:
        screen = forms.BoardFilterScreen(
            self.store.clock.today(),
            current,
            self.store.settings().currency,
            self._rep_names,
            self._names,
        )
        self.push_screen(
            screen, lambda chosen: then(chosen if isinstance(chosen, BoardFilter) else None)
        )

    def _rep_names(self, start: str) -> list[str]:
        with self.store.lock:
            names = [tr("everyone"), *sorted(queries.rep_names(self.store).values())]
        return [name for name in names if name.casefold().startswith(start.casefold())]

    def _welcomed(self, welcome: welcome_view.Welcome | None) -> None:
        if welcome is not None:
            self.write(partial(self._set_up, welcome), tr("Welcome, {name}", name=welcome.name))

    def _set_up(self, welcome: welcome_view.Welcome) -> None:
        if welcome.demo:
            from workbench.demo import generate  # only when asked: it is not small

            generate(self.store)
        actions.set_me(self.store, welcome.name)


def _logged(request: forms.LogRequest) -> str:
    if request.next_when:
        return tr(
            "Logged {kind}; next {day}",
            kind=request.kind.label,
            day=day_text(request.next_when.day),
        )
    return tr("Logged {kind}", kind=request.kind.label)
