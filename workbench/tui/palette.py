"""Ctrl+P: find customers, contacts and deals by name and act on them;
switch panes; pick a theme."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.domain.display import printable
from workbench.store import queries
from workbench.store.database import Store

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

# "log with heng" searches for "heng": the verb picks the action, the rest the name.
VERBS = ("new follow-up for", "follow-up for", "log on deal", "log with", "open", "log")


def search_term(query: str) -> str:
    text = query.strip()
    for verb in VERBS:
        if text.lower().startswith(verb + " "):
            return text[len(verb) :].strip()
    return text


def find(store: Store, text: str) -> tuple[list[queries.CustomerRow], list[queries.DealRow]]:
    """Customers (by name, contact, phone, email or tag) and deals (by title)."""
    with store.lock:
        return queries.customers(store, text, limit=8), queries.deals_titled(store, text, limit=8)


class WorkbenchCommands(Provider):
    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.workbench
        return [
            ("Go to Today", partial(app.switch_mode, "today"), "Pane 1: what to do now"),
            ("Go to Pipeline", partial(app.switch_mode, "pipeline"), "Pane 2: deals by stage"),
            ("Go to Customers", partial(app.switch_mode, "customers"), "Pane 3: find, sort, open"),
            ("Go to Targets", partial(app.switch_mode, "targets"), "Pane 4: on track? KPIs"),
            ("Pipeline stages", app.action_open_stages, "Labels, probabilities, rot days, order"),
            ("New customer", app.new_customer, "Checked for duplicates as you type"),
            (
                "Duplicates: review and merge",
                app.action_open_duplicates,
                "Customers that look like one",
            ),
            ("Undo the last merge", app.action_undo_merge, "Until the next merge"),
            ("Sync with the team folder", app.action_sync, "Swap bundles with your team (S)"),
            ("Sync folder: choose", app.action_choose_sync_folder, "Where the team's bundles go"),
            (
                "Conflicts: settle crossed edits",
                app.action_open_conflicts,
                "Values two devices wrote at once; keep either",
            ),
            ("Log a call, visit, meeting, email or note", app.quick_log, "Quick log (l)"),
            (
                "Import a file (CSV or vCard)",
                app.action_import_file,
                "Customers, deals… from a spreadsheet; contacts from a phone",
            ),
            ("Theme: dark", partial(app.set_theme, "textual-dark"), "Saved for next time"),
            ("Theme: light", partial(app.set_theme, "textual-light"), "Saved for next time"),
        ]

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
        term = search_term(query)
        if len(term) < 2:
            return
        app = self.workbench
        found, deals = await asyncio.to_thread(find, app.store, term)
        for customer in found:
            name = printable(customer.name)
            for verb, action in (("Open", app.open_customer), ("Log with", app.quick_log_for),
                                 ("New follow-up for", app.new_follow_up_for)):  # fmt: skip
                text = f"{verb} {name}"
                yield Hit(max(matcher.match(text), 0.5), matcher.highlight(text),
                          partial(action, customer.id), help=f"tier {customer.tier}")  # fmt: skip
        for deal in deals:
            text = f"Log on deal {printable(deal.title)} — {printable(deal.customer_name)}"
            yield Hit(max(matcher.match(text), 0.4), matcher.highlight(text),
                      partial(app.quick_log_for, deal.customer_id, deal.id),
                      help=f"{deal.stage}")  # fmt: skip
