"""Pane 2, Pipeline: the rep's deals as a kanban, driven from the keyboard.

Each stage is a column: an OptionList that is given its cards a page at a
time, as the cursor or the scroll nears the end, so a board of thousands of
deals opens and sorts at once. Won and Lost (the last 90 days) are hidden
until `w`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from workbench.domain import pipeline
from workbench.domain.display import deal_customer, printable
from workbench.domain.models import Stage
from workbench.domain.money import format_money
from workbench.domain.periods import period_named
from workbench.domain.stages import StageKind
from workbench.i18n import month_day, tr
from workbench.store import queries
from workbench.store.database import Store
from workbench.store.lookup import find_customer, whose
from workbench.store.pipeline import reopen_stage
from workbench.tui import deal_form
from workbench.tui import trash as trash_view
from workbench.tui.filters import BoardFilterScreen
from workbench.tui.footer import Footer
from workbench.tui.form import name_finder, starting
from workbench.tui.pane import Pane

CLOSED_DAYS = 90  # how far back the Won and Lost columns look
STALE, OVERDUE = "◔", "!"  # the marks, beside their colours, for monochrome terminals
CARD_WIDTH = 24  # a column's inside less its scrollbar: card lines are cut, never wrapped


@dataclass(frozen=True)
class Board:
    today: date
    stages: list[Stage]
    cards: list[queries.DealCard]


def load_board(store: Store, board_filter: pipeline.BoardFilter) -> Board:
    """The stages and the cards the filter asks for (called from a worker thread)."""
    with store.lock:
        today = store.clock.today()
        period = period_named(board_filter.period, today) if board_filter.period else None
        customer = find_customer(store, board_filter.customer) if board_filter.customer else None
        cards = queries.deal_cards(
            store,
            today,
            whose(store, board_filter.who),
            closed_since=today - timedelta(days=CLOSED_DAYS),
            customer_id=customer.id if customer else None,
            min_amount=board_filter.min_amount,
            close_from=period.start if period else None,
            close_until=period.end if period else None,
        )
        return Board(today, store.stages(), cards)


def card_prompt(card: queries.DealCard, stage: Stage, today: date) -> Text:
    """Three lines: title and marks; customer; amount, close date, days in stage, next step."""
    title = Text()  # the marks first, where a long title cannot push them out of view
    if pipeline.is_overdue(card, stage, today):
        title.append(OVERDUE, style="bold red")
    if pipeline.is_stale(card, stage, today):
        title.append(STALE, style="bold yellow")
    title.append((" " if title else "") + printable(card.title), style="bold")
    facts = [format_money(card.amount, card.currency)]
    if close := card.closed_on or card.expected_close:
        facts.append(month_day(close))
    if (days := pipeline.days_in_stage(card, today)) is not None:
        facts.append(tr("{days}d", days=days))
    if card.next_follow_up:
        facts.append(f"→{month_day(card.next_follow_up)}")
    customer = deal_customer(card.customer_name, card.customer_id)
    lines = [title, Text(printable(customer), style="dim"), Text(" · ".join(facts))]
    for line in lines:
        line.truncate(CARD_WIDTH, overflow="ellipsis")
    return Text("\n").join(lines)


def column_title(column: pipeline.Column, currency: str) -> Text:
    total = format_money(column.total.get(currency, 0), currency)
    weighted = format_money(column.weighted.get(currency, 0), currency)
    title = Text(f"{tr(column.label)} ({column.count})", style="bold")
    title.append(tr("\n{total} · w {weighted}", total=total, weighted=weighted), style="dim")
    return title


class Cards(OptionList):
    """One column's cards; j/k move like the arrows.

    An option's height is measured when it is added (~0.2 ms a card), so a
    column of a thousand would block the screen: it takes PAGE cards at a
    time instead, and the next page when the cursor or the scroll comes
    near the last card drawn.
    """

    PAGE = 40

    BINDINGS = [
        Binding("j", "cursor_down", tr("Down"), show=False),
        Binding("k", "cursor_up", tr("Up"), show=False),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.deals: list[queries.DealCard] = []
        self.prompt: Callable[[queries.DealCard], Text] = lambda card: Text(card.title)
        self.shown = 0

    def show_deals(
        self, deals: list[queries.DealCard], prompt: Callable[[queries.DealCard], Text]
    ) -> None:
        self.deals, self.prompt, self.shown = deals, prompt, 0
        self.clear_options()
        self.more()

    def more(self) -> None:
        """Add the next page of cards, a rule between each two."""
        page = self.deals[self.shown : self.shown + self.PAGE]
        if not page:
            return
        options: list[Option | None] = [None] if self.shown else []
        for card in page:
            options += [Option(self.prompt(card), id=card.id), None]
        self.shown += len(page)
        self.add_options(options[:-1])

    def reveal(self, deal_id: str) -> int | None:
        """The option index of the deal, paging it in if it is further down."""
        if not any(card.id == deal_id for card in self.deals):
            return None
        while True:
            try:
                return self.get_option_index(deal_id)
            except OptionDoesNotExist:
                self.more()

    def action_last(self) -> None:
        """End goes to the column's real last card, drawing the rest first."""
        while self.shown < len(self.deals):
            self.more()
        super().action_last()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        # A card and its rule take four lines: within two screenfuls of the last card drawn
        if highlighted is not None and highlighted >= self.option_count - self.size.height // 2:
            self.more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - self.size.height:
            self.more()


def _enter(column: Cards) -> None:
    """Focus a column (now: the next key goes there), on its first card
    unless it remembers one."""
    column.screen.set_focus(column, scroll_visible=False)  # _keep_in_view scrolls, after layout
    if column.option_count and column.highlighted is None:
        column.highlighted = 0


class Column(Vertical):
    """A stage: its heading (count, total, weighted) over its cards.

    Columns are mounted once per set of stages and hidden, never remounted,
    for Won/Lost: the screen's query cache keeps up to 1,024 removed widgets,
    with all they drew, alive; remounting on each toggle grew the app by
    ~90k objects a time, and every garbage collection slowed with it.
    """

    def __init__(self, stage: Stage) -> None:
        super().__init__(id=f"column-{stage.key}", classes="column")
        self.heading = Static(id=f"title-{stage.key}", classes="column-title")
        self.cards = Cards(id=f"cards-{stage.key}")

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.cards


class PipelineScreen(Pane):
    BINDINGS = [
        Binding("h,left", "column(-1)", tr("Previous column"), show=False, id="pipeline.left"),
        Binding("l,right", "column(1)", tr("Next column"), show=False, id="pipeline.right"),
        Binding("less_than_sign,shift+left", "move(-1)", tr("Stage back"), id="pipeline.back"),
        Binding("greater_than_sign,shift+right", "move(1)", tr("Stage on"), id="pipeline.forward"),
        Binding("W", "close('won')", tr("Won"), id="pipeline.won"),
        Binding("L", "close('lost')", tr("Lost"), id="pipeline.lost"),
        Binding("w", "toggle_closed", tr("Won/Lost"), id="pipeline.closed"),
        Binding("o", "sort", tr("Sort"), id="pipeline.sort"),
        Binding("slash", "filter", tr("Filter"), id="pipeline.filter"),
        Binding("enter", "open", tr("Deal"), id="pipeline.open"),
        Binding("n", "new_deal", tr("New deal"), id="pipeline.new"),
        Binding("e", "edit_deal", tr("Edit"), id="pipeline.edit"),
        Binding("S", "app.open_stages", tr("Stages"), id="pipeline.stages"),
        Binding("x", "delete_deal", tr("Delete"), show=False, id="pipeline.delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: Board | None = None
        self.show_closed = False
        self.sort_by = pipeline.SortBy.CLOSE
        self.filter = pipeline.BoardFilter()
        self.cards: dict[str, queries.DealCard] = {}
        self.columns: dict[str, Column] = {}
        self.waiting: list[Callable[[], object]] = []  # keys typed before the board was in
        self.status = Static("", id="pipeline-status")
        self.holder = HorizontalScroll(id="board")

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.status
        yield self.holder
        yield Footer()

    @work(group="db", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        board = await asyncio.to_thread(load_board, self.workbench.store, self.filter)
        await self.show(board)

    def visible_stages(self) -> list[Stage]:
        assert self.board is not None
        return [s for s in self.board.stages if self.show_closed or s.kind == StageKind.OPEN]

    def visible_columns(self) -> list[Cards]:
        return [self.columns[stage.key].cards for stage in self.visible_stages()]

    async def show(self, board: Board) -> None:
        keep = self.focused_card()
        if list(self.columns) != [stage.key for stage in board.stages]:
            self.board = None  # a key typed while the columns go in waits for them
            await self.holder.remove_children()
            self.columns = {stage.key: Column(stage) for stage in board.stages}
            await self.holder.mount_all(self.columns.values())
        self.board = board
        self.cards = {card.id: card for card in board.cards}
        stages = self.visible_stages()
        for key, column in self.columns.items():
            column.display = any(stage.key == key for stage in stages)
        self._fill(stages, keep)
        waiting, self.waiting = self.waiting, []
        for action in waiting:
            action()

    def _until_shown(self, action: Callable[[], object]) -> bool:
        """True (and `action` kept for then) until the board is in: a key
        typed as the pane opens acts on the board it opens."""
        if self.board is None:
            self.waiting.append(action)
        return self.board is None

    def _fill(self, stages: list[Stage], keep: str | None) -> None:
        assert self.board is not None
        figures = {c.key: c for c in pipeline.columns(self.board.stages, self.board.cards)}
        currency = self.workbench.store.settings().currency
        order = pipeline.sorter(self.sort_by)
        for stage in stages:
            column = self.columns[stage.key]
            column.heading.update(column_title(figures[stage.key], currency))
            cards = sorted((c for c in self.board.cards if c.stage == stage.key), key=order)
            column.cards.show_deals(
                cards, partial(card_prompt, stage=stage, today=self.board.today)
            )
        closed = tr("shown") if self.show_closed else tr("hidden")
        shown = self.filter.describe(lambda minor: format_money(minor, currency))
        status = tr(
            "Deals: {shown} (/ to filter) · {overdue} overdue  {stale} stale · "
            "sorted by {sort} (o) · Won/Lost {closed} (w)",
            shown=shown,
            overdue=OVERDUE,
            stale=STALE,
            sort=self.sort_by.label,
            closed=closed,
        )
        self.status.update(Text(status, style="dim"))
        self._focus(keep)

    def _focus(self, deal_id: str | None) -> None:
        columns = self.visible_columns()
        for column in columns:
            if deal_id is None:
                break
            if (index := column.reveal(deal_id)) is None:
                continue
            self.set_focus(column, scroll_visible=False)
            column.highlighted = index
            return
        focused = next((c for c in columns if c.has_focus), None)
        if focused is None and columns:
            _enter(next((c for c in columns if c.option_count), columns[0]))
        elif focused is not None and focused.option_count and focused.highlighted is None:
            focused.highlighted = 0  # cards came in (another filter): on the first

    def focused_card(self) -> str | None:
        focused = self.focused
        if isinstance(focused, Cards) and focused.highlighted is not None:
            return focused.get_option_at_index(focused.highlighted).id
        return None

    # --- keys -----------------------------------------------------------------

    def action_column(self, step: int) -> None:
        if self._until_shown(partial(self.action_column, step)):
            return
        columns = self.visible_columns()
        if not columns:
            return
        current = columns.index(self.focused) if self.focused in columns else 0
        _enter(columns[max(0, min(len(columns) - 1, current + step))])

    def action_move(self, step: int) -> None:
        if self._until_shown(partial(self.action_move, step)):
            return
        if (card := self._picked()) is None or self.board is None:
            return
        target = pipeline.neighbour(self.board.stages, card.stage, step)
        if target is not None and step < 0 and card.stage not in self.open_keys():
            with self.workbench.store.lock:  # back where it was closed from, if it can
                target = reopen_stage(self.workbench.store, card.id) or target
        if target is None:
            self.notify(tr("No stage that way: W marks a deal won, L lost."))
            return
        stage = next(s for s in self.board.stages if s.key == target)
        deal_form.move_deal(self.workbench, card.id, card.title, stage)

    def action_close(self, kind: str) -> None:
        if self._until_shown(partial(self.action_close, kind)):
            return
        if card := self._picked():
            deal_form.close_deal(self.workbench, card.id, StageKind(kind))

    def open_keys(self) -> set[str]:
        assert self.board is not None
        return {stage.key for stage in self.board.stages if stage.kind == StageKind.OPEN}

    def _picked(self) -> queries.DealCard | None:
        """The card the keys act on, or None once the rep is told to pick one."""
        deal_id = self.focused_card()
        if deal_id is None:
            self.notify(tr("Pick a deal first (arrows or h j k l)."))
            return None
        return self.cards[deal_id]

    async def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        if self.board is None:
            return
        await self.show(self.board)
        if self.show_closed:  # shown to be looked at: go to the first of them with deals
            closed = [
                self.columns[s.key].cards for s in self.board.stages if s.kind != StageKind.OPEN
            ]
            if target := next((c for c in closed if c.option_count), None):
                _enter(target)

    async def action_sort(self) -> None:
        choices = list(pipeline.SortBy)
        self.sort_by = choices[(choices.index(self.sort_by) + 1) % len(choices)]
        if self.board is not None:
            await self.show(self.board)

    @on(OptionList.OptionSelected)
    def _chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if self._until_shown(self.action_open):
            return
        if deal_id := self.focused_card():
            self.workbench.open_deal(deal_id)

    def action_new_deal(self) -> None:
        focused = self.focused
        column = (
            focused.id.removeprefix("cards-") if isinstance(focused, Cards) and focused.id else None
        )
        deal_form.new_deal(self.workbench, column)

    def action_edit_deal(self) -> None:
        if self._until_shown(self.action_edit_deal):
            return
        if deal_id := self.focused_card():
            deal_form.edit_deal(self.workbench, deal_id)

    def action_delete_deal(self) -> None:
        if self._until_shown(self.action_delete_deal):
            return
        if deal_id := self.focused_card():
            trash_view.delete_deal(self.workbench, deal_id)

    def action_filter(self) -> None:
        store = self.workbench.store
        screen = BoardFilterScreen(
            store.clock.today(),
            self.filter,
            store.settings().currency,
            partial(_rep_names, store),
            name_finder(store),
        )
        self.app.push_screen(screen, self._filtered)

    def _filtered(self, chosen: pipeline.BoardFilter | None) -> None:
        if chosen is not None:
            self.filter = chosen
            self.reload()

    @on(OptionList.OptionHighlighted)
    def _keep_in_view(self, event: OptionList.OptionHighlighted) -> None:
        column = event.option_list.parent
        if isinstance(column, Vertical):
            # after the next layout: the columns just shown or hidden move the one to show
            self.call_after_refresh(column.scroll_visible, animate=False)


def _rep_names(store: Store, start: str) -> list[str]:
    """ "everyone" and the team's names, for the filter's who."""
    with store.lock:
        names = [tr("everyone"), *sorted(queries.rep_names(store).values())]
    return starting(names, start)
