"""Constrained field types shared by the record models.

Each type says in one place what a valid value is, so models read as plain
declarations and every error message is phrased the same way.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
)

from workbench.domain.money import MAX_MINOR, check_currency
from workbench.domain.periods import FIRST_YEAR, LAST_YEAR, Period
from workbench.domain.recurrence import rule_dates
from workbench.i18n import tr

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+((ext\.?|x|#|转)\s*[0-9]+)?$", re.IGNORECASE)


# Unicode's control characters (category Cc): C0, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_control(text: str, pattern: re.Pattern[str]) -> str:
    if found := pattern.search(text):
        raise ValueError(
            tr("must not contain control characters (found {found!r})", found=found[0])
        )
    return text


def _single_line(text: str) -> str:
    return _no_control(text, _CONTROL)


def _multi_line(text: str) -> str:
    # Lines as Windows and old Macs end them (a pasted note, a CSV file) are lines.
    return _no_control(text.replace("\r\n", "\n").replace("\r", "\n"), _CONTROL_BUT_LINES)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(tr("{value!r} is not a valid id", value=value))
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(
            tr("{value!r} does not look like an email address (name@example.com)", value=value)
        )
    return value.lower()


def looks_like_phone(value: str) -> bool:
    """Digits (5 to 20) with the signs phone numbers are written with."""
    return bool(_PHONE_CHARS.match(value)) and 5 <= sum(c.isdigit() for c in value) <= 20


def _check_phone(value: str) -> str:
    if not looks_like_phone(value):
        raise ValueError(
            tr("{value!r} does not look like a phone number (e.g. +86 21 5555 0100)", value=value)
        )
    return value


def _check_stage_key(key: str) -> str:
    if not key.isascii() or not key.replace("_", "").isalnum() or not key[0].isalpha():
        raise ValueError(
            tr("{key!r} is not a stage key (lowercase letters, digits and _)", key=key)
        )
    return key.lower()


def _check_rrule(rule: str | None) -> str | None:
    if rule is None or not rule.strip():
        return None
    try:
        rule_dates(rule, date(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise ValueError(
            tr("{rule!r} is not a recurrence rule ({error})", rule=rule, error=error)
        ) from None
    return rule.strip()


def _check_period(key: str) -> str:
    return Period.parse(key).key


_SingleLine = AfterValidator(_single_line)
_MultiLine = AfterValidator(_multi_line)


def _length(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Id = Annotated[str, AfterValidator(_check_id)]
Name = Annotated[str, _length(200, min_length=1), _SingleLine]
ShortText = Annotated[str, _length(80), _SingleLine]
Text = Annotated[str, _length(500), _SingleLine]
Note = Annotated[str, _length(20_000), _MultiLine]
Tag = Annotated[str, _length(40, min_length=1), _SingleLine]

OptionalId = Annotated[Id | None, BeforeValidator(_blank_to_none)]
OptionalShort = Annotated[ShortText | None, BeforeValidator(_blank_to_none)]
OptionalText = Annotated[Text | None, BeforeValidator(_blank_to_none)]
OptionalNote = Annotated[Note | None, BeforeValidator(_blank_to_none)]
_EmailText = Annotated[str, _length(254), AfterValidator(_check_email)]
_PhoneText = Annotated[str, _length(40), AfterValidator(_check_phone)]
Email = Annotated[_EmailText | None, BeforeValidator(_blank_to_none)]
Phone = Annotated[_PhoneText | None, BeforeValidator(_blank_to_none)]

# Checked here rather than by model validators, so a bundle's values are
# checked by the same rules as a rep's (the reader checks field by field).
StageKey = Annotated[str, _length(64, min_length=1), AfterValidator(_check_stage_key)]
Recurrence = Annotated[str | None, AfterValidator(_check_rrule)]
PeriodKey = Annotated[str, AfterValidator(_check_period)]
Currency = Annotated[str, AfterValidator(check_currency)]
Minor = Annotated[int, Field(ge=0, le=MAX_MINOR, strict=True)]
Probability = Annotated[int, Field(ge=0, le=100)]
Satisfaction = Annotated[int, Field(ge=1, le=5)]


def _to_utc(moment: datetime, info: ValidationInfo) -> datetime:
    try:
        utc: datetime | None = moment.astimezone(UTC)
    except OverflowError:  # before the year 1 or after 9999 in UTC
        utc = None
    stored = bool((info.context or {}).get("stored"))  # (as kept before years were checked)
    if utc is None or not (FIRST_YEAR <= utc.year <= LAST_YEAR or stored):
        raise ValueError(
            tr(
                "{moment} is not between the years {first} and {last}",
                moment=moment.isoformat(),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return utc.replace(microsecond=0)


# Moments are stored in UTC to the second, so ISO text sorts in time order,
# and fall in the years every time zone can show.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
