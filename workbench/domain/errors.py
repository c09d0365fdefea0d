"""Turning failures into one line a rep can act on: validation, the
database (busy, full, read-only, damaged) and files."""

from __future__ import annotations

import sqlite3

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from workbench.i18n import later, tr

_PLAIN = {
    "missing": later("is required"),
    "string_too_short": later("must not be empty"),
    "extra_forbidden": later("is not a known field"),
    "int_parsing": later("must be a whole number"),
    "int_type": later("must be a whole number"),
    "int_from_float": later("must be a whole number"),
    "bool_parsing": later("must be yes or no"),
    "date_from_datetime_parsing": later("is not a date (use YYYY-MM-DD)"),
    "date_parsing": later("is not a date (use YYYY-MM-DD)"),
    "datetime_parsing": later("is not a date and time (use YYYY-MM-DDTHH:MM)"),
    "datetime_from_date_parsing": later("is not a date and time (use YYYY-MM-DDTHH:MM)"),
    "timezone_aware": later("needs a time zone"),
    "time_parsing": later("is not a time (use HH:MM)"),
}


class NotYours(ValueError):
    """A change to a teammate's rep record: only their own computers make it."""


def _phrase(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        return tr(_PLAIN[kind])
    if kind == "string_too_long":
        return tr("is too long (at most {count} characters)", count=ctx["max_length"])
    if kind == "too_long":
        return tr("has too many items (at most {count})", count=ctx["max_length"])
    if kind == "greater_than_equal":
        return tr("must be at least {bound}", bound=ctx.get("ge"))
    if kind == "less_than_equal":
        return tr("must be at most {bound}", bound=ctx.get("le"))
    if kind == "enum":
        return tr("must be one of {choices}", choices=ctx["expected"])
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def describe(error: BaseException) -> str:
    """Any failure as one line: a validation error phrased field by field,
    a database or file failure by its cause."""
    if isinstance(error, ValidationError):
        return explain(error)
    if isinstance(error, sqlite3.Error):
        return database_problem(error)
    if isinstance(error, OSError):
        return file_problem(error)
    return str(error)


# SQLite's primary result codes (https://sqlite.org/rescode.html) a rep can meet.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def _code(error: BaseException) -> int:
    """SQLite's primary result code of `error` (0 when it carries none)."""
    return (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF


def is_busy(error: BaseException) -> bool:
    """Another program holds the database's write lock (past SQLite's wait)."""
    return isinstance(error, sqlite3.OperationalError) and _code(error) in (_BUSY, _LOCKED)


def database_problem(error: sqlite3.Error) -> str:
    """What went wrong with the database, and what to do. A write is one
    transaction, so a failed one changed nothing."""
    code = _code(error)
    if code == _FULL:
        return tr(
            "the disk is full ({error}); nothing was changed: free some space and try again",
            error=error,
        )
    if code in (_BUSY, _LOCKED):
        return tr(
            "the database cannot be written now ({error}); nothing was changed: try again",
            error=error,
        )
    if code in (_READONLY, _CANTOPEN):
        return tr(
            "the database cannot be written ({error}): the file or its folder is "
            "read-only or missing; nothing was changed",
            error=error,
        )
    if code == _IOERR:
        return tr(
            "the disk could not read or write the database ({error}); nothing was "
            "changed: check the disk, then try again",
            error=error,
        )
    if code in (_CORRUPT, _NOTADB):
        return tr(
            "the database file is damaged ({error}); nothing was changed: "
            "keep a copy of it, and restore it from a backup or a teammate's full "
            "bundle",
            error=error,
        )
    return tr("the database cannot be used ({error}); nothing was changed", error=error)


def file_problem(error: OSError) -> str:
    """'a.json: No space left on device' (the system's own words for why)."""
    reason = error.strerror or str(error)
    return tr("{path}: {reason}", path=error.filename, reason=reason) if error.filename else reason


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
