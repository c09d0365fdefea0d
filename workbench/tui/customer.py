"""The customer 360° view: who they are, the figures that matter before a
call, their deals, what is planned, what they told us, and everything that
happened, newest first, grouped by month.

Wide terminals show the timeline beside the rest; narrow ones stack it below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Static

from workbench.domain.account import Figures
from workbench.domain.display import printable
from workbench.domain.money import format_money
from workbench.domain.stages import StageKind
from workbench.store.account import Account, load_account
from workbench.store.database import Store
from workbench.tui.fields import Choice
from workbench.tui.footer import Footer
from workbench.tui.forms import PickScreen
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
    rated = f"{feedback.ratings} rated"
    if feedback.complaints_open:
        rated += (
            f" · {feedback.complaints_open} complaint{'s' * (feedback.complaints_open > 1)} open"
        )
    follow_up = figures.next_follow_up
    return [
        ("Won revenue", money(figures.won, home), "lifetime"),
        ("Open pipeline", money(figures.open, home), f"{money(figures.weighted, home)} weighted"),
        ("Win rate", f"{rate:.0%}" if rate is not None else "—",
         f"{figures.deals_won} won · {figures.deals_lost} lost"),
        ("Last contact", _ago(days) if last else "never", f"{last:%a %d %b %Y}" if last else ""),
        ("Next follow-up", _relative(follow_up, today) if follow_up else "none planned",
         f"{follow_up:%a %d %b}" if follow_up else "n: plan one"),
        ("Satisfaction", f"{feedback.satisfaction:.1f} / 5" if feedback.satisfaction else "—",
         rated),
    ]  # fmt: skip


def _ago(days: int | None) -> str:
    if days is None or days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def _relative(day: date, today: date) -> str:
    days = (day - today).days
    if days < 0:
        return f"{-days}d overdue"
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def profile(account: Account) -> Text:
    customer = account.customer
    text = Text(printable(customer.name), style="bold")
    text.append(f"  tier {customer.tier}", style="bold reverse" if customer.tier == "A" else "dim")
    facts = [customer.segment, customer.industry, customer.size and f"size {customer.size}",
             f"owner {account.owner_name}" if account.owner_name else "no owner"]  # fmt: skip
    reach = [customer.phone, customer.email, customer.address]
    for line in (facts, reach):
        shown = [printable(part) for part in line if part]
        if shown:
            text.append("\n" + "  ·  ".join(shown))
    if customer.tags:
        text.append("\n" + " ".join(f"#{printable(tag)}" for tag in customer.tags), style="dim")
    return text


def follow_up_lines(account: Account, today: date) -> Text:
    text = Text("Open follow-ups", style="bold")
    for item in account.follow_ups:
        late = item.due_date < today
        text.append(f"\n  {item.due_date:%a %d %b}  ", style="bold red" if late else "")
        text.append(printable(item.title))
        if item.deal_title:
            text.append(f"  ({printable(item.deal_title)})", style="dim")
    if not account.follow_ups:
        text.append("\n  none planned (n adds one)", style="dim")
    return text


def contact_lines(account: Account) -> Text:
    text = Text("Contacts", style="bold")
    for contact in account.contacts:
        text.append(f"\n  {printable(contact.name)}")
        details = [contact.title, contact.phone, contact.email]
        shown = "  ·  ".join(printable(part) for part in details if part)
        if shown:
            text.append(f"  {shown}", style="dim")
    if not account.contacts:
        text.append("\n  none yet (c adds one)", style="dim")
    return text


def _stars(score: int) -> str:
    return "★" * score + "☆" * (5 - score)


def feedback_lines(account: Account, local: object) -> Text:
    text = Text("Feedback", style="bold")
    for entry in account.feedback:
        text.append(f"\n  {entry.at.astimezone(local):%Y-%m-%d}  ")  # type: ignore[arg-type]
        if entry.kind == "complaint":
            still_open = entry.complaint_status == "open"
            text.append(f"complaint {entry.complaint_status}",
                        style="bold red" if still_open else "green")  # fmt: skip
        else:
            text.append(f"{_stars(entry.satisfaction or 0)} {entry.kind}")
        if entry.notes:
            text.append(f"  {printable(entry.notes.splitlines()[0])}", style="dim")
    if not account.feedback:
        text.append("\n  no scores or complaints yet", style="dim")
    return text


def timeline_lines(account: Account, local: object) -> Text:
    text = Text(f"Timeline ({account.activities})", style="bold")
    month = None
    for entry in account.timeline:
        moment: datetime = entry.at.astimezone(local)  # type: ignore[arg-type]
        if (moment.year, moment.month) != month:
            month = moment.year, moment.month
            text.append(f"\n{moment:%B %Y}", style="bold underline")
        text.append(f"\n  {moment:%a %d %H:%M}  ")
        text.append(f"{entry.kind:<9}", style="bold red" if entry.kind == "complaint" else "")
        outcome = entry.complaint_status or (entry.outcome or "").replace("_", " ")
        text.append(f" {outcome:<12}", style="dim")
        if entry.satisfaction:
            text.append(f" {_stars(entry.satisfaction)}")
        if entry.notes:
            text.append(f" {printable(entry.notes.splitlines()[0])}")
        if entry.deal_title:
            text.append(f"  [{printable(entry.deal_title)}]", style="dim")
    hidden = account.activities - len(account.timeline)
    if hidden > 0:
        text.append(f"\n  … and {hidden} older", style="dim")
    if not account.timeline:
        text.append("\n  nothing logged yet (l logs a call or visit)", style="dim")
    return text


class CustomerScreen(Pane):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="customer.back"),
        Binding("l", "log", "Log", id="customer.log"),
        Binding("n", "follow_up", "Follow-up", id="customer.follow_up"),
        Binding("D", "new_deal", "Deal", id="customer.deal"),
        Binding("c", "add_contact", "Contact", id="customer.contact"),
        Binding("e", "edit", "Edit", id="customer.edit"),
        Binding("C", "edit_contact", "Edit contact", id="customer.edit_contact"),
        Binding("r", "resolve", "Resolve complaint", id="customer.resolve"),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False, priority=True),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, priority=True),
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
            yield Static("Loading…", id="account-profile")
            yield Grid(id="account-figures")
            with Horizontal(id="account-columns"):
                with Vertical(id="account-left"):
                    yield Static(Text("Deals", style="bold"), classes="account-heading")
                    yield self.deals
                    yield Static(id="account-follow-ups")
                    yield Static(id="account-contacts")
                    yield Static(id="account-feedback")
                yield Static(id="account-timeline")
        yield Footer()

    def on_mount(self) -> None:
        for label, width in (("Deal", None), ("Stage", 12), ("Amount", 14), ("%", 4),
                             ("Close", 10)):  # fmt: skip
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
        self.query_one("#account-timeline", Static).update(timeline_lines(account, local))

    def _show_deals(self, account: Account) -> None:
        keep = self._current_deal()
        self.deals.clear()
        for deal in account.deals:
            style = "" if deal.kind == StageKind.OPEN else "dim"
            when = deal.closed_on or deal.expected_close
            self.deals.add_row(
                Text(printable(deal.title), style=style, overflow="ellipsis", no_wrap=True),
                Text(printable(deal.stage_label), style=style),
                Text(format_money(deal.amount, deal.currency), style=style, justify="right"),
                Text(f"{deal.probability}" if deal.kind == StageKind.OPEN else "", style=style),
                Text(f"{when}" if when else "", style=style),
                key=deal.id,
            )
        if not account.deals:
            self.deals.add_row(Text("no deals yet (D adds one)", style="dim"))
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
        self.workbench.quick_log_for(self.customer_id)

    def action_follow_up(self) -> None:
        self.workbench.new_follow_up_for(self.customer_id)

    def action_new_deal(self) -> None:
        self.workbench.new_deal_for(self.customer_id)

    def action_add_contact(self) -> None:
        self.workbench.add_contact(self.customer_id)

    def action_edit(self) -> None:
        self.workbench.edit_customer(self.customer_id)

    def _one_of(self, items: list[tuple[str, str]], question: str, none: str,
                then: Callable[[str], None]) -> None:  # fmt: skip
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
                lambda picked: then(picked) if isinstance(picked, str) else None,
            )

    def action_edit_contact(self) -> None:
        contacts = self.account.contacts if self.account else []
        self._one_of([(c.id, " · ".join(filter(None, (c.name, c.title)))) for c in contacts],
                     "Edit which contact?", "No contacts yet: c adds one",
                     self.workbench.edit_contact)  # fmt: skip

    def action_resolve(self) -> None:
        """Resolve an open complaint (oldest first when asking which)."""
        local = self.store.clock.now().tzinfo
        complaints = [e for e in reversed(self.account.feedback if self.account else [])
                      if e.complaint_status == "open"]  # fmt: skip
        self._one_of([(e.id, f"{e.at.astimezone(local):%Y-%m-%d}  {e.notes or ''}")
                      for e in complaints],
                     "Resolve which complaint?", "No open complaints",
                     self.workbench.resolve_complaint)  # fmt: skip
