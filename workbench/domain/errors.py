"""Turning validation failures into one line a rep can act on."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_PLAIN = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "extra_forbidden": "is not a known field",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be yes or no",
    "date_from_datetime_parsing": "is not a date (use YYYY-MM-DD)",
    "date_parsing": "is not a date (use YYYY-MM-DD)",
    "datetime_parsing": "is not a date and time (use YYYY-MM-DDTHH:MM)",
    "datetime_from_date_parsing": "is not a date and time (use YYYY-MM-DDTHH:MM)",
    "timezone_aware": "needs a time zone",
    "time_parsing": "is not a time (use HH:MM)",
}


def _phrase(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "too_long":
        return f"has too many items (at most {ctx['max_length']})"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind == "greater_than_equal" else "at most"
        return f"must be {bound} {ctx.get('ge', ctx.get('le'))}"
    if kind == "enum":
        return f"must be one of {ctx['expected']}"
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def describe(error: BaseException) -> str:
    """Any failure as one line: a validation error phrased field by field."""
    return explain(error) if isinstance(error, ValidationError) else str(error)


def explain(error: ValidationError) -> str:
    """'email: "x" does not look like an email address; tier: must be one of ...'"""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        phrase = _phrase(item)
        parts.append(f"{where}: {phrase}" if where else phrase)
    return "; ".join(parts)


def field_errors(error: ValidationError) -> dict[str, str]:
    """The first problem with each field, by field name ('' for the record as a whole)."""
    found: dict[str, str] = {}
    for item in error.errors():
        found.setdefault(str(item["loc"][0]) if item["loc"] else "", _phrase(item))
    return found
