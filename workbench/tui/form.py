"""What every form shares: `FormScreen[T]`, whose answer is a `T`, the keys
that move through it, and writing its answer while it stays up; plus the
one-key pick list and the customer-name suggester the forms use."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, NamedTuple, TypeVar

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
from workbench.i18n import tr
from workbench.store import queries
from workbench.store.database import Store
from workbench.tui.fields import Choice, KeyPicker, WhenField

T = TypeVar("T")
CUSTOMER_HINT = tr("Customer: type a name (→ accepts the suggestion)")


class NameSuggester(Suggester):
    """Completes a customer name from the start the rep has typed."""

    def __init__(self, lookup: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.lookup = lookup

    async def get_suggestion(self, value: str) -> str | None:
        names = self.lookup(value) if value.strip() else []
        return names[0] if names else None


class Saved(NamedTuple):
    """What to tell the rep once a form's write is done, and what to open then."""

    say: str
    then: Callable[[], object] | None = None


def said(done: str | Saved) -> str:
    """What a write returned, as the text to tell the rep."""
    return done.say if isinstance(done, Saved) else done


# Writes a form's answer (in a thread, under the store's lock) and returns
# what to tell the rep once it is done.
Write = Callable[[T], "str | Saved"]
BUSY_TRIES = 3  # each waits out SQLite's busy timeout (database.BUSY_TIMEOUT_MS)


class FormScreen(ModalScreen[T | None], Generic[T]):
    """A centred form: esc cancels, ctrl+s saves.

    Keys: a field's one-key choice picks it and moves on; enter moves to the
    next field (`ENTER_ORDER`, else the focus chain) and saves on the last;
    an enter right after a pick moved the rep on only confirms the pick. The
    form takes these keys itself, in the order typed (`take_key`), so keys
    typed ahead land in the field they were meant for.

    Given a `write` (WorkbenchApp.ask), the form stays up while its answer is
    written and closes only once the write succeeded (dismissed with what to
    say, in `saved`); a write that fails says why in the form, and everything
    typed stays for the rep to fix or save again. Either way it is dismissed
    with its answer, or None when cancelled."""

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

    write: Write[T] | None = None
    saved: Saved | None = None  # what the write said, once it succeeded
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

    def submit(self, answer: T) -> None:
        """What the rep asked for: written (given `write`), or dismissed with."""
        if self.write is None:
            self.dismiss(answer)
        elif not self.writing:
            self.writing = True
            self._write(self.write, answer)

    @work(thread=True, group="form-write", exit_on_error=False)
    def _write(self, write: Write[T], answer: T) -> None:
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
            self.app.call_from_thread(self._written, answer, done)
            return

    def _written(self, answer: T, done: str | Saved) -> None:
        self.saved = done if isinstance(done, Saved) else Saved(done)
        self.dismiss(answer)

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


class PickScreen(FormScreen[str]):
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


class TextScreen(FormScreen[str]):
    """One line of text, which may be left empty: what was done, why."""

    def __init__(self, title: str, placeholder: str) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            yield Input(compact=True, placeholder=self.placeholder, id="text")
            yield Static(tr("enter or ctrl+s save · esc cancel"), classes="form-hint")

    def action_save(self) -> None:
        self.submit(self.query_one("#text", Input).value.strip())


def if_answered(then: Callable[[T], object]) -> Callable[[T | None], None]:
    """A callback for `push_screen` that passes an answer on and drops a cancel."""

    def answered(answer: T | None) -> None:
        if answer is not None:
            then(answer)

    return answered


def name_finder(store: Store) -> Callable[[str], list[str]]:
    """The customer name that starts with what was typed, for a NameSuggester."""

    def names(start: str) -> list[str]:
        with store.lock:
            return [c.name for c in queries.customers_named(store, start, limit=1)]

    return names


def starting(values: list[str], start: str) -> list[str]:
    """The values that start with `start`, case aside, for a NameSuggester."""
    return [value for value in values if value.casefold().startswith(start.casefold())]
