from datetime import date, datetime, time, timedelta, timezone

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.when import (
    When,
    WhenError,
    describe_due,
    describe_rrule,
    next_occurrence,
    parse_when,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=CST)  # a Monday morning


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", When(d("2026-11-23"))),
        ("Tomorrow", When(d("2026-11-24"))),
        ("tue", When(d("2026-11-24"))),
        ("mon", When(d("2026-11-30"))),  # a weekday name is never today
        ("next tue", When(d("2026-12-01"))),  # the Tuesday of next week
        ("next Monday", When(d("2026-11-30"))),
        ("in 3 days", When(d("2026-11-26"))),
        ("3d", When(d("2026-11-26"))),
        ("2w", When(d("2026-12-07"))),
        ("in a week", When(d("2026-11-30"))),
        ("in two weeks", When(d("2026-12-07"))),
        ("1mo", When(d("2026-12-23"))),
        ("end of month", When(d("2026-11-30"))),
        ("end of week", When(d("2026-11-27"))),
        ("end of next month", When(d("2026-12-31"))),
        ("end of quarter", When(d("2026-12-31"))),
        ("next week", When(d("2026-11-30"))),
        ("next month", When(d("2026-12-01"))),
        ("2026-12-01", When(d("2026-12-01"))),
        ("2026-12-01T14:00", When(d("2026-12-01"), time(14))),
        ("dec 5 3pm", When(d("2026-12-05"), time(15))),
        ("5 December", When(d("2026-12-05"))),
        ("jan 5", When(d("2027-01-05"))),  # month-day without a year looks forward
        ("feb 29", When(d("2028-02-29"))),
        ("december 5th 2027", When(d("2027-12-05"))),
        ("3pm", When(d("2026-11-23"), time(15))),
        ("9am", When(d("2026-11-24"), time(9))),  # 9am has passed: tomorrow
        ("tomorrow at 10:15", When(d("2026-11-24"), time(10, 15))),
        ("noon", When(d("2026-11-23"), time(12))),
        ("every 2 weeks", When(d("2026-12-07"), None, "FREQ=WEEKLY;INTERVAL=2")),
        ("weekly", When(d("2026-11-30"), None, "FREQ=WEEKLY")),
        ("every other week", When(d("2026-12-07"), None, "FREQ=WEEKLY;INTERVAL=2")),
        ("every month on the 1st", When(d("2026-12-01"), None, "FREQ=MONTHLY;BYMONTHDAY=1")),
        ("every month on the last day", When(d("2026-11-30"), None, "FREQ=MONTHLY;BYMONTHDAY=-1")),
        ("every weekday", When(d("2026-11-24"), None, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
        ("every mon and thu", When(d("2026-11-26"), None, "FREQ=WEEKLY;BYDAY=MO,TH")),
        ("every tuesday at 9am", When(d("2026-11-24"), time(9), "FREQ=WEEKLY;BYDAY=TU")),
        ("daily", When(d("2026-11-24"), None, "FREQ=DAILY")),
        ("every 3 months", When(d("2027-02-23"), None, "FREQ=MONTHLY;INTERVAL=3")),
        ("今天", When(d("2026-11-23"))),
        ("明天", When(d("2026-11-24"))),
        ("后天", When(d("2026-11-25"))),
        ("下周二", When(d("2026-12-01"))),
        ("周五", When(d("2026-11-27"))),
        ("3天后", When(d("2026-11-26"))),
        ("三天后", When(d("2026-11-26"))),
        ("两周后", When(d("2026-12-07"))),
        ("１２月５日", When(d("2026-12-05"))),  # full-width digits
        ("明天下午3点", When(d("2026-11-24"), time(15))),
        ("下周一上午10点", When(d("2026-11-30"), time(10))),
        ("月底", When(d("2026-11-30"))),
        ("每周", When(d("2026-11-30"), None, "FREQ=WEEKLY")),
        ("每周二", When(d("2026-11-24"), None, "FREQ=WEEKLY;BYDAY=TU")),
        ("每两周", When(d("2026-12-07"), None, "FREQ=WEEKLY;INTERVAL=2")),
        ("每月1号", When(d("2026-12-01"), None, "FREQ=MONTHLY;BYMONTHDAY=1")),
        ("每个工作日", When(d("2026-11-24"), None, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
    ],
)
def test_phrases(text: str, expected: When) -> None:
    assert parse_when(text, NOW) == expected


WED = datetime(2026, 12, 2, 9, 0, tzinfo=CST)  # the reference: Wednesday 2 Dec, 09:00


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("tomorrow afternoon 3pm", "2026-12-03", time(15)),
        ("next thursday afternoon 2pm", "2026-12-10", time(14)),
        ("12/15 3pm", "2026-12-15", time(15)),
        ("the 15th at 3pm", "2026-12-15", time(15)),
        ("friday after next 3pm", "2026-12-11", time(15)),
        ("wednesday of next week", "2026-12-09", None),
        ("first tuesday of next month", "2027-01-05", None),
        ("in 2 hours", "2026-12-02", time(11)),
        ("in 90 min", "2026-12-02", time(10, 30)),
        ("a quarter past 3", "2026-12-02", time(15, 15)),
        ("15h00", "2026-12-02", time(15)),
        ("at 1030", "2026-12-02", time(10, 30)),
        ("3p", "2026-12-02", time(15)),
        ("tonight @ 3:20", "2026-12-02", time(15, 20)),
        ("3-4pm tomorrow", "2026-12-03", time(15)),  # a range is due at its start
        ("next quarter", "2027-01-01", None),
        ("in january", "2027-01-01", None),
        ("end of january", "2027-01-31", None),
        ("下月15号下午6点", "2027-01-15", time(18)),
        ("8号晚上9点", "2026-12-08", time(21)),
        ("明天下午3点至下午5点", "2026-12-03", time(15)),
        ("今晚8点", "2026-12-02", time(20)),
        ("夜里12点", "2026-12-03", time(0)),
        ("3小时后", "2026-12-02", time(12)),
        ("半小时后", "2026-12-02", time(9, 30)),
        ("下下周三", "2026-12-16", None),
        ("下个月5号", "2027-01-05", None),
        ("月底前", "2026-12-31", None),
        ("2027年1月5号", "2027-01-05", None),
        ("下週二", "2026-12-08", None),  # Traditional forms
        ("兩週後", "2026-12-16", None),
        ("這週五", "2026-12-04", None),
        ("明天3點", "2026-12-03", time(15)),
    ],
)
def test_phrases_reps_type(text: str, day: str, at: time | None) -> None:
    assert parse_when(text, WED) == When(d(day), at)


def test_a_chinese_rep_writes_the_month_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """12/3 is refused in English (either order is written); in Chinese it is 3 Dec."""
    monkeypatch.setattr("workbench.domain.when.language", lambda: "zh_CN")
    assert parse_when("12/3", WED) == When(d("2026-12-03"))


@pytest.mark.parametrize(
    ("text", "rule", "day", "at"),
    [
        ("every monday 10am", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07", time(10)),
        ("每个工作日9点", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-12-03", time(9)),
        ("每个周末九点", "FREQ=WEEKLY;BYDAY=SA,SU", "2026-12-05", time(9)),
        ("每个星期一上午10点", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07", time(10)),
        ("first friday of every month", "FREQ=MONTHLY;BYDAY=1FR", "2026-12-04", None),
        ("tuesdays and thursdays", "FREQ=WEEKLY;BYDAY=TU,TH", "2026-12-03", None),
        (
            "once a year on december 25th",
            "FREQ=YEARLY;BYMONTHDAY=25;BYMONTH=12",
            "2026-12-25",
            None,
        ),
    ],
)
def test_repeats_reps_type(text: str, rule: str, day: str, at: time | None) -> None:
    assert parse_when(text, WED) == When(d(day), at, rule)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12/3", "could be dec 3 or mar 12"),  # English writes it both ways
        ("本周一", "in the past"),
        ("这周二", "in the past"),
        ("today 8am", "in the past"),  # a time today that has gone by
        ("march", "which day"),
        ("every day @ 10", "10am or 10:00"),
        ("every 5 minutes", "every day at most"),
        ("4pm CET", "time zones"),
        ("tomorrow 12 at night", "midnight"),
        ("the 2nd", "is today"),
        ("12/15 banana", "'banana'"),  # the word left over is named
        ("下周二 香蕉", "香蕉"),
    ],
)
def test_refusals_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(WhenError, match=message):
        parse_when(text, WED)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "e.g. today"),
        ("blah", "can't read 'blah'"),
        ("every blah", "as a repeat"),
        ("2026-02-30", "not a real date"),
        ("feb 30", "not a real date"),
        ("25:00", "not a time"),
        ("13pm", "not a time"),
        ("yesterday", "in the past"),
        ("2025-01-01", "in the past"),
        ("in 99999 days", "more than ten years ahead"),
        ("x" * 500, "too long"),
        ("5m", "minutes or months"),  # never silently 5 months when 5 minutes was meant
        ("5h", "05:00, or in 5 hours"),
    ],
)
def test_bad_input_says_why_and_what_works(text: str, message: str) -> None:
    with pytest.raises(WhenError, match=message):
        parse_when(text, NOW)


def test_error_lists_examples() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("sometime soon", NOW)
    for example in ("tomorrow", "next tue", "in 3 days", "every 2 weeks", "下周二"):
        assert example in str(caught.value)


def test_past_allowed_when_asked() -> None:
    assert parse_when("yesterday", NOW, allow_past=True) == When(d("2026-11-22"))


def test_describe() -> None:
    today = NOW.date()
    assert parse_when("next tue", NOW).describe(today) == "Tue 1 Dec"
    assert parse_when("dec 5 2027 3pm", NOW).describe(today) == "Sun 5 Dec 2027 15:00"
    assert parse_when("every 2 weeks", NOW).describe(today) == "Mon 7 Dec, every 2 weeks"
    assert describe_rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR") == "every weekday"
    assert describe_rrule("FREQ=MONTHLY;BYMONTHDAY=1") == "every month on the 1st"
    assert describe_rrule("FREQ=WEEKLY;COUNT=3") == "every week, 3 times"  # (from a file)
    assert describe_rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270131") == (
        "every weekday until 2027-01-31"
    )


def test_next_occurrence_keeps_the_rhythm() -> None:
    # every 2 weeks from Mon 2 Nov; done late on 23 Nov: next is 30 Nov, not 7 Dec
    assert next_occurrence("FREQ=WEEKLY;INTERVAL=2", d("2026-11-02"), d("2026-11-23")) == d(
        "2026-11-30"
    )
    assert next_occurrence("FREQ=MONTHLY;BYMONTHDAY=1", d("2026-11-01"), d("2026-11-01")) == d(
        "2026-12-01"
    )


FORWARD = st.one_of(
    st.sampled_from(
        [
            "today",
            "tomorrow",
            "next week",
            "next month",
            "end of week",
            "end of month",
            "end of quarter",
            "end of year",
            "今天",
            "明天",
            "后天",
            "下周",
            "月底",
            "每周",
            "每天",
            "every weekday",
            "every month on the 1st",
            "every month on the last day",
            "daily",
        ]
    ),
    st.builds(
        "{} {}".format,
        st.sampled_from(["", "next", "this"]),
        st.sampled_from(["mon", "tue", "wednesday", "thu", "fri", "sat", "sunday"]),
    ),
    st.builds("in {} {}".format, st.integers(0, 100), st.sampled_from(["days", "weeks", "months"])),
    st.builds("{}{}".format, st.integers(0, 100), st.sampled_from(["d", "w", "mo"])),
    st.builds("{} {}".format, st.sampled_from(["jan", "feb", "jun", "dec"]), st.integers(1, 28)),
    st.builds("every {} {}".format, st.integers(1, 12), st.sampled_from(["days", "weeks"])),
    st.builds("{}天后".format, st.integers(0, 400)),
    st.builds("下周{}".format, st.sampled_from("一二三四五六日")),
    st.builds("每月{}号".format, st.integers(1, 28)),
)


@given(
    phrase=FORWARD,
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    hour=st.integers(0, 23),
)
def test_forward_phrases_never_land_before_today(phrase: str, today: date, hour: int) -> None:
    now = datetime.combine(today, time(hour), tzinfo=CST)
    assert parse_when(phrase, now).day >= today


REPEATS = [
    "every 2 weeks",
    "every mon and thu",
    "every month on the 1st",
    "every weekday",
    "every month on the last day",
    "first friday of every month",
    "tuesdays",
    "every monday 10am",
    "weekly on wednesdays and fridays",
    "every 3 months",
    "yearly on the 4th thursday in november",
    "每个周末九点",
    "每月1号",
    "每隔3天",
]


@given(
    phrase=st.sampled_from(REPEATS),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
)
def test_a_repeat_starts_on_one_of_its_days(phrase: str, today: date) -> None:
    when = parse_when(phrase, datetime.combine(today, time(8)))
    assert when.rrule is not None and when.day > today
    days = rrulestr(when.rrule, dtstart=datetime.combine(when.day, time()))
    assert days[0].date() == when.day  # the first day is an occurrence of the rule


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_when_error(text: str) -> None:
    """Whatever a rep types, the answer is a date or a WhenError, never a crash."""
    try:
        when = parse_when(text, NOW)
    except WhenError as error:
        assert str(error)
    else:
        assert when.day >= NOW.date()


@pytest.mark.parametrize(
    ("due", "at", "expected"),
    [
        ("2026-11-21", None, "2d overdue"),
        ("2026-11-23", time(14), "today 14:00"),
        ("2026-11-23", None, "today"),
        ("2026-11-24", None, "tomorrow"),
        ("2026-11-26", time(9, 5), "in 3d 09:05"),
        ("2026-12-07", None, "Mon 7 Dec"),
    ],
)
def test_describe_due(due: str, at: time | None, expected: str) -> None:
    assert describe_due(d(due), at, NOW.date()) == expected


VALID = [
    "tomorrow",
    "next tue",
    "in 3 days",
    "dec 5",
    "3pm",
    "tomorrow 3pm",
    "friday 10am",
    "every 2 weeks",
    "明天",
    "下周二",
    "明天下午3点",
    "tonight 8pm",
]
UNKNOWN = ["banana", "asap", "maybe", "purple", "sometime", "quickly", "香蕉", "大概"]


@given(st.sampled_from(VALID), st.sampled_from(UNKNOWN), st.booleans())
def test_a_valid_phrase_with_a_word_no_one_knows_is_refused(
    valid: str, unknown: str, before: bool
) -> None:
    """Understood whole or not at all: never a date from the part understood."""
    text = f"{unknown} {valid}" if before else f"{valid} {unknown}"
    assert parse_when(valid, NOW) is not None
    with pytest.raises(WhenError):
        parse_when(text, NOW)
