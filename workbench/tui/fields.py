"""Small widgets the forms share: a one-key picker and a date field that
reads plain words and previews the date as you type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from workbench.domain.when import When, WhenError, parse_when
from workbench.i18n import tr


@dataclass(frozen=True)
class Choice:
    key: str  # the single key that picks it
    value: str
    label: str


class KeyPicker(Static, can_focus=True):
    """Pick one of a few choices with a single key; the keys are on screen."""

    chosen: reactive[str | None] = reactive(None)

    class Picked(Message):
        def __init__(self, picker: KeyPicker, value: str) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> KeyPicker:
            return self.picker

    def __init__(self, choices: Sequence[Choice], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices = list(choices)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self.choices = list(choices)
        self.chosen = None
        self.refresh()

    def render(self) -> Text:
        text = Text()
        for choice in self.choices:
            style = "reverse bold" if choice.value == self.chosen else ""
            text.append(f" {choice.key} ", style="bold")
            text.append(choice.label, style=style)
            text.append("  ")
        return text or Text("—", style="dim")

    def value_for(self, character: str | None) -> str | None:
        """The choice `character` picks, if any. The keys are data (the
        choices shown), so they are looked up, not bound; the form asks
        (FormScreen.take_key)."""
        return {c.key: c.value for c in self.choices}.get(character or "")

    def pick(self, value: str) -> None:
        self.chosen = value
        self.post_message(self.Picked(self, value))


class WhenField(Vertical):
    """An input for a date in plain words, with '→ Tue 2 Dec' or the
    parser's message beneath it."""

    DEFAULT_CSS = """
    WhenField { height: auto; }
    WhenField .preview { color: $text-muted; padding-left: 1; }
    WhenField .preview.-error { color: $error; }
    """

    def __init__(
        self,
        now: datetime,
        *,
        value: str = "",
        placeholder: str = "",
        optional: bool = True,
        allow_past: bool = False,
        empty: str | None = None,
        means: When | None = None,
        id: str | None = None,
    ) -> None:
        """`empty`: what an empty optional field means (default: no follow-up);
        `means`: what `value`, left as it is, stands for (a series' rhythm
        goes on from its due date, not from today as the words alone would)."""
        super().__init__(id=id)
        self.now = now
        self.optional = optional
        self.empty = empty
        self.means = (value, means) if means is not None else None
        self.allow_past = allow_past
        self._input = Input(value=value, compact=True, placeholder=placeholder)
        self._preview = Static("", classes="preview")

    def compose(self) -> ComposeResult:
        yield self._input
        yield self._preview

    def on_mount(self) -> None:
        self._show(self._input.value)

    @property
    def input(self) -> Input:
        return self._input

    def when(self) -> When | None:
        """The date typed, None if left empty; raises WhenError if unreadable."""
        text = self._input.value.strip()
        if not text and self.optional:
            return None
        return parse_when(text, self.now, allow_past=self.allow_past)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        try:
            when = self.when()
        except WhenError as error:
            self._preview.update(Text(str(error)))
            self._preview.set_class(bool(text.strip()), "-error")
            return
        self._preview.remove_class("-error")
        if self.means and text.strip() == self.means[0].strip():
            when = self.means[1]
        shown = f"→ {when.describe(self.now.date())}" if when else self.empty or tr("no follow-up")
        self._preview.update(Text(shown))

    def show_error(self, message: str) -> None:
        self._preview.update(Text(message))
        self._preview.add_class("-error")
