"""Ctrl+P: find customers, contacts and deals by name and act on them;
switch panes; pick a theme."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from workbench.domain.display import deal_customer, printable
from workbench.i18n import later, tr
from workbench.lazy import lazy
from workbench.store import queries
from workbench.store.database import Store

# The forms' modules load once the first screen is up (see workbench.lazy):
# a command looks its function up when chosen, not when the palette lists it.
if TYPE_CHECKING:
    import workbench.tui.currency as currency_view
    import workbench.tui.duplicates as duplicates_view
    import workbench.tui.follow_up_form as follow_up_form
    import workbench.tui.imports as imports_view
    import workbench.tui.log_form as log_form
    import workbench.tui.record_form as record_form
    import workbench.tui.sync as sync_view
    import workbench.tui.trash as trash_view
    from workbench.tui.app import WorkbenchApp
else:
    currency_view = lazy("workbench.tui.currency")
    duplicates_view = lazy("workbench.tui.duplicates")
    trash_view = lazy("workbench.tui.trash")
    follow_up_form = lazy("workbench.tui.follow_up_form")
    imports_view = lazy("workbench.tui.imports")
    log_form = lazy("workbench.tui.log_form")
    record_form = lazy("workbench.tui.record_form")
    sync_view = lazy("workbench.tui.sync")

# "log with heng" searches for "heng": the verb picks the action, the rest the
# name. The verbs as the hits show them, in the rep's language, work too.
VERBS = ("new follow-up for", "follow-up for", "log on deal", "log with", "open", "log")
SHOWN_VERBS = (later("New follow-up for"), later("Log on deal"), later("Log with"), later("Open"))


def search_term(query: str) -> str:
    text = query.strip()
    shown = (tr(verb).lower() for verb in SHOWN_VERBS)
    for verb in sorted({*VERBS, *shown}, key=len, reverse=True):
        if text.lower().startswith(verb + " "):
            return text[len(verb) :].strip()
    return text


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` exactly as typed, the query's letters marked. (`Matcher.highlight`
    reads its text as markup: a customer named `[/b]` or `[@click=app.quit]`
    would vanish from the search or become a link.)"""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def find(store: Store, text: str) -> tuple[list[queries.CustomerRow], list[queries.DealRow]]:
    """Customers (by name, contact, phone, email or tag) and deals (by title)."""
    with store.lock:
        return queries.customers(store, text, limit=8), queries.deals_titled(store, text, limit=8)


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


class WorkbenchCommands(Provider):
    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.workbench
        return [
            (tr("Go to Today"), partial(app.switch_mode, "today"), tr("Pane 1: what to do now")),
            (
                tr("Go to Pipeline"),
                partial(app.switch_mode, "pipeline"),
                tr("Pane 2: deals by stage"),
            ),
            (
                tr("Go to Customers"),
                partial(app.switch_mode, "customers"),
                tr("Pane 3: find, sort, open"),
            ),
            (
                tr("Go to Targets"),
                partial(app.switch_mode, "targets"),
                tr("Pane 4: on track? KPIs"),
            ),
            (
                tr("Pipeline stages"),
                app.action_open_stages,
                tr("Labels, probabilities, rot days, order"),
            ),
            (
                tr("New customer"),
                lambda: record_form.new_customer(app),
                tr("Checked for duplicates as you type"),
            ),
            (
                tr("Duplicates: review and merge"),
                app.action_open_duplicates,
                tr("Customers that look like one"),
            ),
            (
                tr("Undo"),
                app.action_undo,
                tr("Take back your last change this session (ctrl+z)"),
            ),
            (
                tr("Trash: deleted records"),
                lambda: trash_view.open_trash(app),
                tr("What was deleted, by whom; r restores it"),
            ),
            (
                tr("Undo the last merge"),
                lambda: duplicates_view.undo_merge(app),
                tr("Until the next merge"),
            ),
            (
                tr("Sync with the team folder"),
                lambda: sync_view.sync(app),
                tr("Swap bundles with your team (S)"),
            ),
            (
                tr("Sync folder: choose"),
                lambda: sync_view.choose_folder(app),
                tr("Where the team's bundles go"),
            ),
            (
                tr("Conflicts: settle crossed edits"),
                app.action_open_conflicts,
                tr("Values two devices wrote at once; keep either"),
            ),
            (
                tr("Log a call, visit, meeting, email or note"),
                lambda: log_form.log(app),
                tr("Quick log (l)"),
            ),
            (
                tr("Import a file (CSV or vCard)"),
                lambda: imports_view.import_file(app),
                tr("Customers, deals… from a spreadsheet; contacts from a phone"),
            ),
            (
                tr("Home currency: choose"),
                lambda: currency_view.choose_currency(app),
                tr("The one revenue and targets count in"),
            ),
            (tr("Theme: dark"), partial(app.set_theme, "textual-dark"), tr("Saved for next time")),
            (
                tr("Theme: light"),
                partial(app.set_theme, "textual-light"),
                tr("Saved for next time"),
            ),
        ]

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlighted(matcher, text), command, help=help_text)
        term = search_term(query)
        if len(term) < 2:
            return
        app = self.workbench
        found, deals = await asyncio.to_thread(find, app.store, term)
        for customer in found:
            name = printable(customer.name)
            for verb, action in (
                ("Open", app.open_customer),
                ("Log with", lambda customer_id: log_form.log_for(app, customer_id)),
                (
                    "New follow-up for",
                    lambda customer_id: follow_up_form.new_follow_up_for(app, customer_id),
                ),
            ):
                text = f"{tr(verb)} {name}"
                yield Hit(
                    max(matcher.match(text), 0.5),
                    highlighted(matcher, text),
                    partial(action, customer.id),
                    help=escape(tr("tier {tier}", tier=customer.tier)),
                )
        for deal in deals:
            verb, title = tr("Log on deal"), printable(deal.title)
            whose = deal_customer(deal.customer_name, deal.customer_id)
            text = f"{verb} {title} — {printable(whose)}"
            yield Hit(
                max(matcher.match(text), 0.4),
                highlighted(matcher, text),
                partial(_log_on_deal, app, deal.id),
                help=escape(deal.stage),
            )


def _log_on_deal(app: WorkbenchApp, deal_id: str) -> None:
    log_form.log_on_deal(app, deal_id, open_it=True)
