"""The merge rule: order-free, and no concurrent value vanishes."""

from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.merge import FieldChange, Outcome, resolve


def change(origin: str, seq: int, hlc: str, value: str, *prev: str) -> FieldChange:
    return FieldChange(origin, seq, hlc, value, tuple(prev))


def test_a_later_edit_that_saw_the_earlier_one_simply_wins() -> None:
    first = change("a", 1, "001", '"x"')
    second = change("b", 1, "002", '"y"', "a:1")
    outcome = resolve([second, first])
    assert outcome.winner == second and outcome.losers == ()


def test_concurrent_edits_are_a_conflict_won_by_the_greater_stamp() -> None:
    base = change("a", 1, "001", '"x"')
    mine = change("a", 2, "003", '"mine"', "a:1")
    theirs = change("b", 1, "002", '"theirs"', "a:1")
    outcome = resolve([base, theirs, mine])
    assert outcome.winner == mine and outcome.losers == (theirs,)
    settled = change("b", 2, "001", '"theirs"', "a:2", "b:1")  # a rep chose, even on a slow clock
    assert resolve([base, mine, theirs, settled]) == Outcome(settled, ())


# Random histories: devices write in turns, each seeing some of what exists.
@st.composite
def histories(draw: st.DrawFn) -> list[FieldChange]:
    made: list[FieldChange] = []
    seqs = {"a": 0, "b": 0, "c": 0}
    for step in range(draw(st.integers(1, 12))):
        origin = draw(st.sampled_from("abc"))
        seqs[origin] += 1
        seen = draw(st.lists(st.sampled_from(made), unique=True)) if made else []
        made.append(
            FieldChange(
                origin,
                seqs[origin],
                f"{draw(st.integers(0, 20)):03d}",
                f'"{origin}{step}"',
                tuple(c.id for c in seen),
            )
        )
    return made


@given(histories(), st.randoms())
def test_any_arrival_order_gives_the_same_outcome(history: list[FieldChange], rng) -> None:  # type: ignore[no-untyped-def]
    shuffled = history[:]
    rng.shuffle(shuffled)
    assert resolve(shuffled) == resolve(history)


@given(histories())
def test_every_head_is_the_value_or_a_conflict(history: list[FieldChange]) -> None:
    outcome = resolve(history)
    superseded = {old for c in history for old in c.prev}
    heads = {c for c in history if c.id not in superseded}
    assert heads == {outcome.winner, *outcome.losers}


def test_a_field_only_its_owners_change_takes_their_value() -> None:
    """A rep's name: another device's change supersedes none of the owner's
    and never wins over one; it stays a conflict until the owner settles it."""
    name = change("a", 1, "001", '"Li Wei"')
    takeover = change("b", 1, "002", '"Mallory"', "a:1")  # saw the name, wrote over it
    assert resolve([name, takeover], owners=frozenset("a")) == Outcome(name, (takeover,))
    assert resolve([name, takeover]) == Outcome(takeover, ())  # (any other field: it wins)
    settled = change("a", 2, "003", '"Li Wei"', "a:1", "b:1")
    assert resolve([name, takeover, settled], owners=frozenset("a")) == Outcome(settled, ())
    unowned = change("b", 2, "004", '"Mallory"')  # nobody has claimed the record yet
    assert resolve([unowned], owners=frozenset()).winner == unowned


@given(histories(), st.randoms(), st.sets(st.sampled_from("abc")))
def test_owners_rule_is_order_free_and_loses_no_head(history, rng, owners) -> None:  # type: ignore[no-untyped-def]
    owners = frozenset(owners)
    shuffled = history[:]
    rng.shuffle(shuffled)
    outcome = resolve(history, owners=owners)
    assert resolve(shuffled, owners=owners) == outcome
    superseded = {c.id for c in history if any(c.id in later.prev for later in history)}
    assert {c for c in history if c.id not in superseded} <= {outcome.winner, *outcome.losers}
    if any(c.origin in owners for c in history):
        assert outcome.winner.origin in owners
