"""The Pipeline pane driven by its keys, checked in the database afterwards."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.tui.support import keys, listed, settle, typed_at_once, until
from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.domain.models import Customer, Deal
from workbench.store.actions import add_deal, set_me
from workbench.store.database import Store, fetch_all, open_store
from workbench.tui.app import WorkbenchApp
from workbench.tui.deal_form import CloseDealScreen
from workbench.tui.log_form import log_on_deal
from workbench.tui.pipeline import Cards, PipelineScreen

NOW = "2026-11-23T09:30:00+08:00"


@pytest.fixture
def one_deal(tmp_path: Path) -> tuple[Store, Deal]:
    store = open_store(tmp_path / "p.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme"))
    deal = add_deal(
        store,
        Deal(customer_id=acme.id, title="Pumps", amount=100_000_00, currency="CNY", stage="lead"),
    )
    return store, deal


async def open_board(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def history(store: Store, deal_id: str) -> list[tuple[str | None, str]]:
    rows = fetch_all(
        store.db,
        "SELECT from_stage, to_stage FROM stage_history WHERE deal_id = ? ORDER BY rowid",
        [deal_id],
    )
    return [(r["from_stage"], r["to_stage"]) for r in rows]


async def test_a_deal_walks_every_stage(one_deal: tuple[Store, Deal]) -> None:
    store, deal = one_deal
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        assert isinstance(app.screen, PipelineScreen)
        for _ in range(4):  # lead → qualified → needs → proposal → negotiation
            await pilot.press("greater_than_sign")
            await settle(pilot)
        assert store.require(Deal, deal.id).stage == "negotiation"
        await pilot.press("greater_than_sign")  # → Won asks when and why
        await settle(pilot)
        assert isinstance(app.screen, CloseDealScreen)
        await pilot.press(*"yesterday", "enter", *"Best total cost", "enter")
        await settle(pilot)
        won = store.require(Deal, deal.id)
        assert (won.stage, won.closed_on, won.reason) == (
            "won",
            date(2026, 11, 22),
            "Best total cost",
        )
        await pilot.press("w")  # show Won and Lost, where the deal now is
        await settle(pilot)
        await pilot.press("shift+left")  # back to negotiation: reopened
        await settle(pilot)
        reopened = store.require(Deal, deal.id)
        assert (reopened.stage, reopened.closed_on) == ("negotiation", None)
        await pilot.press(">", ">")  # Won (asks), so cancel; then Lost needs two steps
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert store.require(Deal, deal.id).stage == "negotiation"
    assert history(store, deal.id) == [
        (None, "lead"),
        ("lead", "qualified"),
        ("qualified", "needs"),
        ("needs", "proposal"),
        ("proposal", "negotiation"),
        ("negotiation", "won"),
        ("won", "negotiation"),
    ]


async def test_lost_with_a_picked_reason(one_deal: tuple[Store, Deal]) -> None:
    store, deal = one_deal
    from workbench.store.pipeline import move_deal

    move_deal(store, deal.id, "won")
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "w")
        await settle(pilot)
        await pilot.press("L")  # won, then lost after all (> from Won goes nowhere)
        await settle(pilot)
        assert isinstance(app.screen, CloseDealScreen)
        await pilot.press("enter", "2", "ctrl+s")  # today; "Went with a competitor"
        await settle(pilot)
    lost = store.require(Deal, deal.id)
    assert (lost.stage, lost.closed_on, lost.reason) == (
        "lost",
        date(2026, 11, 23),
        "Went with a competitor",
    )


async def test_a_future_close_date_is_refused(one_deal: tuple[Store, Deal]) -> None:
    store, deal = one_deal
    from workbench.store.pipeline import move_deal

    move_deal(store, deal.id, "negotiation")
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press(">", *"next friday", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CloseDealScreen)
        assert "closes today or earlier" in str(app.screen.query_one("#closed .preview").render())
    assert store.require(Deal, deal.id).stage == "negotiation"


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "demo.db", clock=FixedClock.at(NOW))
    generate(store, shape=Shape(customers=60))
    return store


def column_titles(screen: PipelineScreen, key: str) -> list[str]:
    cards = screen.query_one(f"#cards-{key}", Cards)
    return [
        screen.cards[cards.get_option_at_index(i).id or ""].title
        for i in range(cards.option_count)
        if cards.get_option_at_index(i).id
    ]


async def test_columns_sort_and_won_lost(demo: Store) -> None:
    app = WorkbenchApp(demo)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        assert [c.id for c in screen.query(".column") if c.display] == [
            "column-lead",
            "column-qualified",
            "column-needs",
            "column-proposal",
            "column-negotiation",
        ]
        lead = [c for c in screen.board.cards if c.stage == "lead"]  # type: ignore[union-attr]
        by_close = sorted(
            lead, key=lambda c: (c.expected_close is None, c.expected_close or date.max)
        )
        assert [c.expected_close for c in by_close] == [
            screen.cards[i].expected_close for i in _ids(screen, "lead")
        ]
        await pilot.press("o")  # by amount
        await settle(pilot)
        amounts = [screen.cards[i].amount for i in _ids(screen, "lead")]
        assert amounts == sorted(amounts, reverse=True)
        await pilot.press("o")  # by days in stage: the longest first
        await settle(pilot)
        entered = [screen.cards[i].entered_stage for i in _ids(screen, "lead")]
        assert entered == sorted(entered)  # type: ignore[type-var]
        await pilot.press("w")
        await settle(pilot)
        assert screen.query_one("#column-won").display and screen.query_one("#column-lost").display
        title = str(screen.query_one("#title-lead").render())
        assert f"Lead ({len(lead)})" in title


def _ids(screen: PipelineScreen, key: str) -> list[str]:
    cards = screen.query_one(f"#cards-{key}", Cards)
    options = (cards.get_option_at_index(i) for i in range(cards.option_count))
    return [option.id for option in options if option.id]


async def test_filter_whose_when_which_customer_how_big(demo: Store) -> None:
    from workbench.store.queries import deal_cards

    app = WorkbenchApp(demo)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        mine = set(screen.cards)
        await pilot.press("slash", "home", "ctrl+k", *"everyone", "ctrl+s")
        await settle(pilot)
        everyone = set(screen.cards)
        assert mine < everyone
        owners = {c.owner for c in screen.cards.values()}
        assert len(owners) > 1
        q4 = (date(2026, 10, 1), date(2027, 1, 1))
        closing = {c.id: c.closed_on or c.expected_close or date.min for c in screen.cards.values()}
        quarter = [c for c in screen.cards.values() if q4[0] <= closing[c.id] < q4[1]]
        big = max(quarter, key=lambda c: c.amount)
        name = big.customer_name or ""
        await pilot.press(
            "slash", "tab", *"this quarter", "tab", *name, "tab", *str(big.amount // 100), "enter"
        )
        await settle(pilot)
        shown = list(screen.cards.values())
        assert big.id in screen.cards
        assert all(c.customer_name == name and c.amount >= big.amount for c in shown)
        assert "closing this quarter" in str(screen.query_one("#pipeline-status").render())
        await pilot.press("slash", "tab", *"someday", "ctrl+s")
        await pilot.pause()
        assert "is not a period" in str(app.screen.query_one("#filter-error").render())
    expected = deal_cards(demo, date(2026, 11, 23), None, closed_since=date(2026, 8, 25))
    assert everyone == {c.id for c in expected}


async def test_deal_detail_and_logging_on_the_deal(one_deal: tuple[Store, Deal]) -> None:
    from workbench.tui.deal import DealScreen

    store, deal = one_deal
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press(">")  # lead → qualified, so the history has a move
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        shown = str(app.screen.query_one("#deal-card").render())
        assert "Pumps" in shown and "Acme · Qualified · ¥100,000" in shown
        assert "created → Lead  (Li Wei)" in shown and "Lead → Qualified  (Li Wei)" in shown
        await pilot.press("l", "m", "1", *"demo for the plant team", "ctrl+s")
        await settle(pilot)
        assert "demo for the plant team" in listed(app)
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)
    (row,) = fetch_all(store.db, "SELECT deal_id, kind FROM activities")
    assert (row["deal_id"], row["kind"]) == (deal.id, "meeting")


async def test_new_deal_and_edit(one_deal: tuple[Store, Deal]) -> None:
    store, first = one_deal
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await keys(pilot, "n")
        empty = str(app.screen.query_one("#close .preview", Static).render())
        assert empty == "no expected close", "an empty close date is not a follow-up"
        await pilot.press(
            *"acm",
            "right",
            "enter",
            *"Conveyor line",
            "enter",
            *"250,000",
            "enter",
            "3",
            *"end of next month",
            "enter",
        )
        await settle(pilot)
        (new,) = [d for d in fetch_all(store.db, "SELECT * FROM deals") if d["id"] != first.id]
        assert (new["title"], new["amount"], new["stage"], new["expected_close"]) == (
            "Conveyor line",
            250_000_00,
            "needs",
            "2026-12-31",
        )
        assert history(store, new["id"]) == [(None, "needs")]
        await pilot.press("h", "h")  # back to the lead column, where the first deal is
        await pilot.press(
            "e",
            "ctrl+u",
            *"Pumps and valves",
            "enter",
            "ctrl+u",
            *"120000",
            "enter",
            "enter",
            *"35",
            "enter",
            *"Meet the CFO",
            "enter",
        )
        await settle(pilot)
        edited = store.require(Deal, first.id)
        assert (edited.title, edited.amount, edited.probability, edited.next_step) == (
            "Pumps and valves",
            120_000_00,
            35,
            "Meet the CFO",
        )


@pytest.mark.parametrize(
    ("amount", "shown"), [(113_100_000, "1131000"), (123_456_789, "1234567.89")]
)
async def test_an_unchanged_edit_keeps_the_amount_exactly(
    one_deal: tuple[Store, Deal], amount: int, shown: str
) -> None:
    store, deal = one_deal
    store.update(Deal, deal.id, amount=amount)
    logged = fetch_all(store.db, "SELECT count(*) AS n FROM changes")[0]["n"]
    async with WorkbenchApp(store).run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert pilot.app.screen.query_one("#amount", Input).value == shown
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert store.require(Deal, deal.id).amount == amount
    assert fetch_all(store.db, "SELECT count(*) AS n FROM changes")[0]["n"] == logged, "no change"


async def test_lost_and_won_from_any_open_stage(one_deal: tuple[Store, Deal]) -> None:
    """L loses a deal from where it is, with no Won on the way; < reopens it
    where it was, at its own probability; W on the deal's view wins it; >
    from Won goes nowhere."""
    from workbench.tui.deal import DealScreen

    store, deal = one_deal
    store.update(Deal, deal.id, probability=60)
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await keys(pilot, "L")
        assert isinstance(app.screen, CloseDealScreen)
        await keys(pilot, "enter", "2", "ctrl+s")  # today; the second reason listed
        lost = store.require(Deal, deal.id)
        assert (lost.stage, lost.closed_on) == ("lost", date(2026, 11, 23))
        assert lost.reason
        await keys(pilot, "w", "shift+left")  # Won and Lost shown; back: where it was lost from
        assert store.require(Deal, deal.id).stage == "lead"
        await keys(pilot, "enter")  # the deal's view
        assert isinstance(app.screen, DealScreen)
        assert "Probability: 60%" in str(app.screen.query_one("#deal-card").render())
        await keys(pilot, "W", "ctrl+s")
        assert store.require(Deal, deal.id).stage == "won"
        assert "Probability: 100%" in str(app.screen.query_one("#deal-card").render())
        await keys(pilot, "W")
        assert "“Pumps” is Won already" in [str(n.message) for n in app._notifications]
        await keys(pilot, "escape", "greater_than_sign")
        assert store.require(Deal, deal.id).stage == "won", "> from Won goes nowhere"
        told = "No stage that way: W marks a deal won, L lost."
        assert told in [str(n.message) for n in app._notifications]
    assert history(store, deal.id) == [
        (None, "lead"),
        ("lead", "lost"),
        ("lost", "lead"),
        ("lead", "won"),
    ]


async def test_keys_typed_as_the_board_opens_act_on_it(one_deal: tuple[Store, Deal]) -> None:
    """'2>' in one burst: the board is read in a worker, and the '>' waits for it."""
    store, deal = one_deal
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        typed_at_once(app, "2>")
        await until(pilot, lambda: history(store, deal.id)[-1] == ("lead", "qualified"))
    assert history(store, deal.id)[-1] == ("lead", "qualified")


async def test_new_deal_needs_a_known_customer_and_a_title(one_deal: tuple[Store, Deal]) -> None:
    store, _ = one_deal
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("n", *"Acme", "ctrl+s")
        await pilot.pause()
        assert "title" in str(app.screen.query_one("#deal-error").render())
        await pilot.press("escape", "n", *"Nobody", "tab", *"x", "tab", "tab", "1", "ctrl+s")
        await settle(pilot)
    assert len(fetch_all(store.db, "SELECT id FROM deals")) == 1


async def test_a_long_column_pages_in_and_a_moved_deal_stays_in_focus(tmp_path: Path) -> None:
    store = open_store(tmp_path / "long.db", clock=FixedClock.at(NOW))
    set_me(store, "Li Wei")
    acme = store.add(Customer(name="Acme"))
    deals = [
        add_deal(
            store,
            Deal(
                customer_id=acme.id,
                title=f"Deal {i}",
                amount=1_000_00,
                currency="CNY",
                stage="lead",
                expected_close=date(2027, 1, 1) + timedelta(days=i),
            ),
        )
        for i in range(2 * Cards.PAGE + 5)
    ]
    app = WorkbenchApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        lead = screen.query_one("#cards-lead", Cards)
        assert lead.has_focus and lead.shown == Cards.PAGE  # a page, not the whole column
        assert f"Lead ({len(deals)})" in str(screen.query_one("#title-lead").render())
        while lead.highlighted is not None and lead.highlighted < Cards.PAGE:
            await pilot.press("pagedown")  # nearing the last card drawn: the next page
            await settle(pilot)
        assert lead.shown == 2 * Cards.PAGE
        await pilot.press("end")  # the column's real end
        await settle(pilot)
        assert lead.shown == len(deals)
        assert screen.focused_card() == deals[-1].id
        await pilot.press("greater_than_sign", "less_than_sign")  # out and back, refilled
        await settle(pilot)
        assert store.require(Deal, deals[-1].id).stage == "lead"
        assert screen.focused_card() == deals[-1].id  # paged back in, at the bottom
        assert lead.has_focus and lead.shown == len(deals)


async def test_a_deal_without_a_customer_says_so_and_is_given_one(
    one_deal: tuple[Store, Deal],
) -> None:
    """A CRM's deal exported without its company: shown as such, no call can
    be logged on it until it has one, and the edit form names it."""
    from workbench.tui.deal import DealScreen

    store, deal = one_deal
    store.update(Deal, deal.id, customer_id=None)
    app = WorkbenchApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        cards = app.screen.query_one("#cards-lead", Cards)
        assert "(no customer)" in str(cards.get_option_at_index(0).prompt)
        # The palette's "Log on deal": the deal opens instead.
        log_on_deal(app, deal.id, open_it=True)
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert "Pumps\n(no customer) · Lead" in str(app.screen.query_one("#deal-card").render())
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen), "no log form without a customer"
        told = [str(n.message) for n in app._notifications]
        assert len([m for m in told if "has no customer yet" in m]) == 2
        assert len(app.screen_stack) == 2, "l on the deal view opens no second one"
        log_on_deal(app, deal.id, open_it=True)  # the palette's again, on the deal's view
        await settle(pilot)
        assert len(app.screen_stack) == 2, "the palette opens no second one either"
        await pilot.press("e", *"Acme", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert "Pumps\nAcme · Lead" in str(app.screen.query_one("#deal-card").render())
    customer = store.require(Deal, deal.id).customer_id
    assert customer is not None and store.require(Customer, customer).name == "Acme"


async def test_a_deal_whose_customer_is_gone_can_still_be_edited(
    one_deal: tuple[Store, Deal],
) -> None:
    """Its customer discarded, or a teammate's not yet here: the edit saves,
    and the deal keeps the customer it names."""
    store, deal = one_deal
    store.delete(Customer, deal.customer_id or "")
    async with WorkbenchApp(store).run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("e", "ctrl+u", *"Pumps v2", "ctrl+s")
        await settle(pilot)
    edited = store.require(Deal, deal.id)
    assert (edited.title, edited.customer_id) == ("Pumps v2", deal.customer_id)
