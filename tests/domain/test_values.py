"""Money, periods and clock stamps."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.hlc import HLC, HLCError, Stamp
from workbench.domain.money import ISO_4217, MAX_MINOR, amount_text, format_money, parse_amount
from workbench.domain.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12500", "CNY", 1_250_000),
        ("12,500.50", "CNY", 1_250_050),
        ("¥99", "CNY", 9900),
        ("$1,000", "USD", 100_000),
        ("500", "JPY", 500),
        ("1.5 EUR", "EUR", 150),
        # Shorthands no one doubts (HubSpot files hold "250k"; Chinese sheets "25万").
        ("250k", "USD", 25_000_000),
        ("1.5K", "USD", 150_000),
        ("25万", "CNY", 25_000_000),
        ("1,2亿", "CNY", 12_000_000_000),
        ("¥3.5万", "CNY", 3_500_000),
    ],
)
def test_parse_amount(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


def test_a_decimal_comma_still_reads_plain_whole_amounts() -> None:
    """With "decimal": "," a plain 12500 (and so 250k) was refused."""
    assert parse_amount("12500", "EUR", ",") == 1_250_000
    assert parse_amount("250k", "EUR", ",") == 25_000_000
    assert parse_amount("1.234,5", "EUR", ",") == 123_450


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "zero or more"),
        ("abc", "not an amount"),
        ("1.234", "more decimals"),
        ("99,999,999,999,999.99", "too large"),
        ("nan", "not an amount"),
        # An exponent is no way to write money: 1e999999 ended in a decimal.Overflow
        # traceback, 1e-99999999 was imported as 0.
        ("1e30", "not an amount"),
        ("1e999999", "not an amount"),
        ("1e-99999999", "not an amount"),
        ("1" * 5000, "not an amount"),
        ("1,23,456.00", "not an amount"),
        # M is a million to most and a thousand (mille) to some: refused, not guessed.
        ("2M", "not an amount"),
        ("k", "not an amount"),
        ("5kk", "not an amount"),
        ("1.234567k", "more decimals"),
        ("9999999999999999亿", "too large"),
    ],
)
def test_parse_amount_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(text, "CNY")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (113_100_000, "CNY", "1131000"),
        (123_456_789, "CNY", "1234567.89"),
        (150, "EUR", "1.5"),
        (5, "USD", "0.05"),
        (0, "CNY", "0"),
        (500, "JPY", "500"),
        (1_234, "KWD", "1.234"),
    ],
)
def test_an_amount_in_a_form_is_exact(minor: int, currency: str, text: str) -> None:
    assert amount_text(minor, currency) == text


@given(st.integers(0, MAX_MINOR), st.sampled_from(sorted(ISO_4217)))
def test_an_amount_read_back_from_its_form_text_is_the_same(minor: int, currency: str) -> None:
    assert parse_amount(amount_text(minor, currency), currency) == minor


def test_format_money() -> None:
    assert format_money(1_250_050, "CNY") == "¥12,501"
    assert format_money(1_250_050, "CNY", cents=True) == "¥12,500.50"
    assert format_money(500, "JPY") == "¥500"
    assert format_money(123_400, "CHF") == "1,234 CHF"


@pytest.mark.parametrize(
    ("key", "kind", "start", "end"),
    [
        ("2026", "year", "2026-01-01", "2027-01-01"),
        ("2026-Q4", "quarter", "2026-10-01", "2027-01-01"),
        ("2026-11", "month", "2026-11-01", "2026-12-01"),
        ("2026-W48", "week", "2026-11-23", "2026-11-30"),
        ("2026-W01", "week", "2025-12-29", "2026-01-05"),
    ],
)
def test_periods(key: str, kind: str, start: str, end: str) -> None:
    period = Period.parse(key)
    assert (period.kind, str(period.start), str(period.end), period.key) == (kind, start, end, key)


def test_period_containing_and_errors() -> None:
    assert Period.containing(PeriodKind.QUARTER, date(2026, 11, 23)).key == "2026-Q4"
    assert Period.containing(PeriodKind.WEEK, date(2027, 1, 1)).key == "2026-W53"
    for bad in ("2026-13", "2026-Q0", "26", "2026-W54"):
        with pytest.raises(ValueError, match="is not a period"):
            Period.parse(bad)
    with pytest.raises(ValueError, match="has no ISO week 53"):
        Period.parse("2027-W53")


def test_hlc_stamps_increase_and_sort_as_text() -> None:
    clock = HLC("dev1")
    stamps = [clock.tick(1000), clock.tick(1000), clock.tick(999), clock.tick(2000)]
    assert stamps == sorted(stamps)
    assert [str(s) for s in stamps] == sorted(str(s) for s in stamps)
    assert len(set(stamps)) == 4
    assert Stamp.parse(str(stamps[1])) == stamps[1]


def test_hlc_receive_moves_past_remote_and_refuses_far_future() -> None:
    clock = HLC("dev1")
    clock.receive(Stamp(5000, 3, "dev2"), wall_ms=1000)
    assert clock.tick(1000) > Stamp(5000, 3, "dev2")
    day_ms = 24 * 60 * 60 * 1000
    with pytest.raises(HLCError, match="device dev2 has a clock more than 24 hours ahead"):
        clock.receive(Stamp(1000 + day_ms + 1, 0, "dev2"), wall_ms=1000)


def test_a_stamp_received_at_the_counters_end_does_not_stop_local_writes() -> None:
    """A peer's stamp with counter ffff (forged, up to a day ahead) made every
    local write fail with 'clock counter overflow' until the clock caught up."""
    clock = HLC("dev1")
    clock.receive(Stamp(5000, 0xFFFF, "dev2"), wall_ms=1000)
    stamps = [clock.tick(1000), clock.tick(1000)]
    assert Stamp(5000, 0xFFFF, "dev2") < stamps[0] < stamps[1]
    assert str(stamps[0]) > "000000000005000-ffff-dev2"


def test_hlc_parse_rejects_garbage() -> None:
    with pytest.raises(HLCError):
        Stamp.parse("yesterday-ish")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("this month", "2026-11"),
        ("next month", "2026-12"),
        ("last month", "2026-10"),
        ("this quarter", "2026-Q4"),
        ("next quarter", "2027-Q1"),
        ("this week", "2026-W48"),
        ("next year", "2027"),
        ("2026-Q3", "2026-Q3"),
        (" This Month ", "2026-11"),
    ],
)
def test_period_named(text: str, key: str) -> None:
    from workbench.domain.periods import period_named

    assert period_named(text, date(2026, 11, 23)).key == key


def test_period_named_rejects() -> None:
    from workbench.domain.periods import period_named

    with pytest.raises(ValueError, match=r"e\.g\. this month, next quarter"):
        period_named("someday", date(2026, 11, 23))
