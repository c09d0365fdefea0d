"""The customer 360° view: who they are, the figures that matter before a
call, their deals, what is planned, what they told us, and everything that
happened, newest first, grouped by month.

Wide terminals show the timeline beside the rest; narrow ones stack it below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, tzinfo
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Static

from workbench.domain.account import Figures
from workbench.domain.display import printable
from workbench.domain.models import ActivityKind, ComplaintStatus
from workbench.domain.money import format_money
from workbench.domain.stages import StageKind
from workbench.i18n import day_text, tr, tr_n
from workbench.store import actions
from workbench.store.account import Account, load_account
from workbench.store.database import Store
from workbench.tui import deal_form, follow_up_form, log_form, record_form
from workbench.tui import trash as trash_view
from workbench.tui.activity import ActivityList, stars
from workbench.tui.fields import Choice
from workbench.tui.footer import Footer
from workbench.tui.form import PickScreen, TextScreen, if_answered
from workbench.tui.pane import Pane

PICK_KEYS = "123456789abcdefghijkmnopqrstuvwxyz"  # one key per item of a short list


def money(amounts: Counter[str], home: str) -> str:
    """Amounts per currency, the home currency first: '¥1,200.00 + $40.00'."""
    order = sorted(amounts, key=lambda code: (code != home, code))
    shown = [format_money(amounts[code], code) for code in order if amounts[code]]
    return " + ".join(shown) or format_money(0, home)


def figure_cells(figures: Figures, home: str, today: date) -> list[tuple[str, str, str]]:
    """(label, value, detail) for each cell of the strip."""
    rate = figures.win_rate
    last, days = figures.last_contact, figures.days_since_contact
    feedback = figures.feedback
    rated = tr("{count} rated", count=feedback.ratings)
    if feedback.complaints_open:
        rated += tr_n(
            " · {count} complaint open", " · {count} complaints open", feedback.complaints_open
        )
    follow_up = figures.next_follow_up
    return [
        (tr("Won revenue"), money(figures.won, home), tr("lifetime")),
        (
            tr("Open pipeline"),
            money(figures.open, home),
            tr("{amount} weighted", amount=money(figures.weighted, home)),
        ),
        (
            tr("Win rate"),
            f"{rate:.0%}" if rate is not None else "—",
            tr("{won} won · {lost} lost", won=figures.deals_won, lost=figures.deals_lost),
        ),
        (
            tr("Last contact"),
            _ago(days) if last else tr("never"),
            day_text(last.date(), year=True) if last else "",
        ),
        (
            tr("Next follow-up"),
            _relative(follow_up, today) if follow_up else tr("none planned"),
            day_text(follow_up) if follow_up else tr("n: plan one"),
        ),
        (
            tr("Satisfaction"),
            f"{feedback.satisfaction:.1f} / 5" if feedback.satisfaction else "—",
            rated,
        ),
    ]


def _ago(days: int | None) -> str:
    if days is None or days <= 0:
        return tr("today")
    return tr("yesterday") if days == 1 else tr("{days} days ago", days=days)


def _relative(day: date, today: date) -> str:
    days = (day - today).days
    if days < 0:
        return tr("{days}d overdue", days=-days)
    if days <= 1:
        return tr("today") if days == 0 else tr("tomorrow")
    return tr("in {days} days", days=days)


def profile(account: Account) -> Text:
    customer = account.customer
    text = Text(printable(customer.name), style="bold")
    text.append(
        "  " + tr("tier {tier}", tier=customer.tier),
        style="bold reverse" if customer.tier == "A" else "dim",
    )
    size = customer.size and tr("size {size}", size=customer.size)
    owner = tr("owner {name}", name=account.owner_name) if account.owner_name else tr("no owner")
    facts = [customer.segment, customer.industry, size, owner]
    reach = [customer.phone, customer.email, customer.address]
    for line in (facts, reach):
        shown = [printable(part) for part in line if part]
        if shown:
            text.append("\n" + "  ·  ".join(shown))
    if customer.tags:
        text.append("\n" + " ".join(f"#{printable(tag)}" for tag in customer.tags), style="dim")
    return text


def follow_up_lines(account: Account, today: date) -> Text:
    text = Text(tr("Open follow-ups"), style="bold")
    for item in account.follow_ups:
        late = item.due_date < today
        text.append(f"\n  {day_text(item.due_date)}  ", style="bold red" if late else "")
        text.append(printable(item.title))
        if item.deal_title:
            text.append(f"  ({printable(item.deal_title)})", style="dim")
    if not account.follow_ups:
        text.append(tr("\n  none planned (n adds one)"), style="dim")
    return text


def contact_lines(account: Account) -> Text:
    text = Text(tr("Contacts"), style="bold")
    for contact in account.contacts:
        text.append(f"\n  {printable(contact.name)}")
        details = [contact.title, contact.phone, contact.email]
        shown = "  ·  ".join(printable(part) for part in details if part)
        if shown:
            text.append(f"  {shown}", style="dim")
    if not account.contacts:
        text.append(tr("\n  none yet (c adds one)"), style="dim")
    return text


def feedback_lines(account: Account, local: object) -> Text:
    text = Text(tr("Feedback"), style="bold")
    for entry in account.feedback:
        text.append(f"\n  {entry.at.astimezone(local):%Y-%m-%d}  ")  # type: ignore[arg-type]
        if entry.kind == "complaint":
            still_open = entry.complaint_status == "open"
            status = ComplaintStatus(entry.complaint_status or "open").label
            text.append(
                tr("complaint {status}", status=status), style="bold red" if still_open else "green"
            )
        else:
            text.append(f"{stars(entry.satisfaction or 0)} {ActivityKind(entry.kind).label}")
        if entry.notes:
            text.append(f"  {printable(entry.notes.splitlines()[0])}", style="dim")
    if not account.feedback:
        text.append(tr("\n  no scores or complaints yet"), style="dim")
    return text


class CustomerScreen(Pane):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]
    BINDINGS = [
        Binding("escape", "app.pop_screen", tr("Back"), id="customer.back"),
        Binding("l", "log", tr("Log"), id="customer.log"),
        Binding("n", "follow_up", tr("Follow-up"), id="customer.follow_up"),
        Binding("D", "new_deal", tr("Deal"), id="customer.deal"),
        Binding("c", "add_contact", tr("Contact"), id="customer.contact"),
        Binding("e", "edit", tr("Edit"), id="customer.edit"),
        Binding("C", "edit_contact", tr("Edit contact"), id="customer.edit_contact"),
        Binding("r", "resolve", tr("Resolve complaint"), id="customer.resolve"),
        Binding("x", "delete", tr("Delete…"), id="customer.delete"),
        Binding("pagedown", "scroll('page_down')", tr("Page down"), show=False, priority=True),
        Binding("pageup", "scroll('page_up')", tr("Page up"), show=False, priority=True),
    ]

    def __init__(self, store: Store, customer_id: str) -> None:
        super().__init__()
        self.store = store
        self.customer_id = customer_id
        self.account: Account | None = None
        self.deals: DataTable[Text] = DataTable(id="account-deals", cursor_type="row")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="account"):
            yield Static(tr("Loading…"), id="account-profile")
            yield Grid(id="account-figures")
            with Horizontal(id="account-columns"):
                with Vertical(id="account-left"):
                    yield Static(Text(tr("Deals"), style="bold"), classes="account-heading")
                    yield self.deals
                    yield Static(id="account-follow-ups")
                    yield Static(id="account-contacts")
                    yield Static(id="account-feedback")
                with Vertical(id="account-timeline"):
                    yield Static(id="timeline-heading")
                    yield ActivityList(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        for label, width in (
            (tr("Deal"), None),
            (tr("Stage"), 12),
            (tr("Amount"), 14),
            ("%", 4),
            (tr("Close"), 10),
        ):
            self.deals.add_column(label, width=width)
        self.deals.focus()
        self.reload()

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        with self.store.lock:
            account = load_account(self.store, self.customer_id)
            home = self.store.settings().currency
        self.app.call_from_thread(self.show, account, home)

    def show(self, account: Account, home: str) -> None:
        if account.customer.deleted:  # (here, or by a teammate whose delete came in)
            if self.is_current:
                self.app.pop_screen()
            return
        self.account = account
        today = self.store.clock.today()
        local = self.store.clock.now().tzinfo
        self.query_one("#account-profile", Static).update(profile(account))
        grid = self.query_one("#account-figures", Grid)
        grid.remove_children()
        grid.mount_all(
            Static(
                Text.assemble((label, "dim"), "\n", (value, "bold"), "\n", (detail, "dim")),
                classes="figure",
            )
            for label, value, detail in figure_cells(account.figures, home, today)
        )
        self._show_deals(account)
        self.query_one("#account-follow-ups", Static).update(follow_up_lines(account, today))
        self.query_one("#account-contacts", Static).update(contact_lines(account))
        self.query_one("#account-feedback", Static).update(feedback_lines(account, local))
        self._show_timeline(account, local)

    def _show_timeline(self, account: Account, local: tzinfo | None) -> None:
        heading = Text(tr("Timeline ({count})", count=account.activities), style="bold")
        hidden = account.activities - len(account.timeline)
        if hidden > 0:
            heading.append(tr(" · the latest {count}", count=len(account.timeline)), style="dim")
        self.query_one("#timeline-heading", Static).update(heading)
        empty = tr("nothing logged yet (l logs a call or visit)")
        self.query_one(ActivityList).show(account.timeline, local, empty=empty)

    def _show_deals(self, account: Account) -> None:
        keep = self._current_deal()
        self.deals.clear()
        for deal in account.deals:
            style = "" if deal.kind == StageKind.OPEN else "dim"
            when = deal.closed_on or deal.expected_close
            self.deals.add_row(
                Text(printable(deal.title), style=style, overflow="ellipsis", no_wrap=True),
                Text(printable(tr(deal.stage_label)), style=style),
                Text(
                    format_money(deal.amount, deal.currency, cents=True),
                    style=style,
                    justify="right",
                ),
                Text(f"{deal.probability}" if deal.kind == StageKind.OPEN else "", style=style),
                Text(f"{when}" if when else "", style=style),
                key=deal.id,
            )
        if not account.deals:
            self.deals.add_row(Text(tr("no deals yet (D adds one)"), style="dim"))
        elif keep in {deal.id for deal in account.deals}:
            self.deals.move_cursor(row=self.deals.get_row_index(keep))

    def _current_deal(self) -> str | None:
        if not self.account or not self.account.deals or not self.deals.row_count:
            return None
        return self.deals.coordinate_to_cell_key(self.deals.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected, "#account-deals")
    def _deal_chosen(self) -> None:
        if deal_id := self._current_deal():
            self.workbench.open_deal(deal_id)

    def action_scroll(self, where: str) -> None:
        scroll = self.query_one("#account", VerticalScroll)
        getattr(scroll, f"scroll_{where}")()

    def action_log(self) -> None:
        log_form.log_for(self.workbench, self.customer_id)

    def action_follow_up(self) -> None:
        follow_up_form.new_follow_up_for(self.workbench, self.customer_id)

    def action_new_deal(self) -> None:
        deal_form.new_deal_for(self.workbench, self.customer_id)

    def action_add_contact(self) -> None:
        record_form.add_contact(self.workbench, self.customer_id)

    def action_edit(self) -> None:
        record_form.edit_customer(self.workbench, self.customer_id)

    def _one_of(
        self, items: list[tuple[str, str]], question: str, none: str, then: Callable[[str], None]
    ) -> None:
        """Act on the only item at once; ask which when there are several.
        `items` are (id, label), at most one per PICK_KEYS key."""
        items = items[: len(PICK_KEYS)]
        if not items:
            self.notify(none, timeout=3)
        elif len(items) == 1:
            then(items[0][0])
        else:
            keyed = zip(PICK_KEYS, items, strict=False)
            choices = [Choice(key, item_id, printable(label)) for key, (item_id, label) in keyed]
            self.app.push_screen(
                PickScreen(question, choices),
                if_answered(then),
            )

    def action_edit_contact(self) -> None:
        contacts = self.account.contacts if self.account else []
        self._one_of(
            [(c.id, " · ".join(filter(None, (c.name, c.title)))) for c in contacts],
            tr("Edit which contact?"),
            tr("No contacts yet: c adds one"),
            partial(record_form.edit_contact, self.workbench),
        )

    def action_delete(self) -> None:
        """The customer, with what belongs to it, or one of its contacts."""
        if not self.account:
            return
        customer = self.account.customer
        names = {f"customer:{customer.id}": customer.name}
        names |= {f"contact:{contact.id}": contact.name for contact in self.account.contacts}
        whole = tr(
            "{name}, with its contacts, deals, activities and follow-ups", name=customer.name
        )
        self._one_of(
            list((names | {f"customer:{customer.id}": whole}).items()),
            tr("Delete what?"),
            "",
            lambda key: trash_view.delete(self.workbench, *_split(key), names[key]),
        )

    def action_resolve(self) -> None:
        """Resolve an open complaint (oldest first when asking which)."""
        local = self.store.clock.now().tzinfo
        complaints = [
            e
            for e in reversed(self.account.feedback if self.account else [])
            if e.complaint_status == "open"
        ]
        self._one_of(
            [(e.id, f"{e.at.astimezone(local):%Y-%m-%d}  {e.notes or ''}") for e in complaints],
            tr("Resolve which complaint?"),
            tr("No open complaints"),
            self._resolve,
        )

    def _resolve(self, activity_id: str) -> None:
        form = TextScreen(
            tr("Resolve the complaint"), tr("What was done about it (optional; logged as a note)")
        )
        self.workbench.ask(form, partial(_resolved, self.workbench.store, activity_id))


def _split(key: str) -> tuple[str, str]:
    kind, record_id = key.split(":", 1)
    return kind, record_id


def _resolved(store: Store, activity_id: str, note: str) -> str:
    actions.resolve_complaint(store, activity_id, note or None)
    return tr("Complaint resolved")
