"""Importing customers, contacts, deals or activities from a CSV file.

First a plan: every row read, its columns matched to fields, its values
parsed (dates, amounts with symbols and thousands separators), its
customer, rep, deal and contact found by name, and the record checked by
its model. The plan is what `--dry-run` prints. Applying it writes the good
rows in one transaction, all or nothing; with bad rows it writes nothing
unless told to skip them (then they go to a reject file beside the input).

A row's record id is the file's `id` column (as `export-csv` writes it), or
is derived from its `external_id` (so importing the same file again, here
or on a teammate's computer, updates the same records), or is new.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from dateutil import parser as dateparser
from pydantic import ValidationError

from workbench.domain.duplicates import name_key
from workbench.domain.errors import explain
from workbench.domain.models import (
    MODELS,
    Contact,
    Customer,
    Deal,
    Metric,
    Record,
    Rep,
    StageMove,
    Target,
    entity_label,
    field_label,
)
from workbench.domain.money import ISO_4217, check_currency, parse_amount
from workbench.domain.periods import Period
from workbench.domain.recurrence import check_new_rule
from workbench.domain.stages import StageKind
from workbench.i18n import later, tr, tr_n
from workbench.interop.csv_columns import (
    TAG_SPLIT,
    Column,
    Mapping,
    Matched,
    join_cells,
    key,
    match_columns,
    value_map,
)
from workbench.interop.csv_text import Table, read_table, write_table
from workbench.store.actions import DealTaken, keep_customer
from workbench.store.database import Store
from workbench.store.lookup import (
    contacts_by_email,
    customers_by_name_key,
    ever_filled,
    existing_ids,
    ids_by_name,
)
from workbench.store.pipeline import move_deal
from workbench.store.schema import dump

_WITHIN: dict[str, type[Contact | Deal]] = {
    "deal": Deal,
    "contact": Contact,
}  # a row's deal or contact

# Entities whose rows are recognised without an id column: contacts by
# customer and name or e-mail, targets by rep, metric and period, reps by name.
_KNOWN_WITHOUT_IDS = ("contacts", "targets", "reps")

# A file's records by what they are: (unit, which) -> (one, many).
_RECORDS = {
    ("row", ""): (later("{count} row"), later("{count} rows")),
    ("row", "good"): (later("{count} good row"), later("{count} good rows")),
    ("row", "bad"): (later("{count} bad row"), later("{count} bad rows")),
    ("card", ""): (later("{count} card"), later("{count} cards")),
    ("card", "good"): (later("{count} good card"), later("{count} good cards")),
    ("card", "bad"): (later("{count} bad card"), later("{count} bad cards")),
}


def records(count: int, unit: str, which: str = "") -> str:
    """'1 row', '12 cards', '3 good rows', '2 bad cards': `which` is '',
    'good' or 'bad'."""
    one, many = _RECORDS[unit, which]
    return tr_n(one, many, count)


NAMES_SHOWN = 12  # new customers and reps named in the report; the rest counted
LINES_SHOWN = 50  # rejected rows listed; --skip-bad writes every one to the reject file
_CODED = re.compile(
    r"(?P<before>[A-Z]{3})\s*(?P<number>[^A-Z]+)|(?P<number2>[^A-Z]+?)\s*(?P<after>[A-Z]{3})"
)
_NUMBER = re.compile(r"-?\d{1,12}(\.\d{1,6})?")  # counts, percentages, minutes
_EXCEL_DAY = re.compile(r"[2-7]\d{4}(\.\d+)?")  # Excel's day numbers, 1954 to 2119
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 (Excel counts a 29 Feb 1900 that never was)
_DAY_MONTH = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}\b")
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))  # noqa: DTZ001 (parts, not moments)
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


R = TypeVar("R", bound=Record)
_Read = tuple[int, str, dict[str, Any], str]  # line, record id, model input, id column
_MANAGER = "manager"  # a rep row's manager as written, until every row is read


class RowError(ValueError):
    """What is wrong with one row."""


@dataclass
class Good:
    line: int
    record_id: str
    fields: dict[str, Any]  # model input from this row's columns
    record: Record | None  # the record to add; None if the row updates one


@dataclass
class Plan:
    entity: str
    path: Path
    table: Table
    matched: Matched
    good: list[Good] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    new_customers: dict[str, Customer] = field(default_factory=dict)  # by folded name
    new_reps: dict[str, Rep] = field(default_factory=dict)
    # Customers named not quite as here: their name in the file -> ours.
    similar: dict[str, str] = field(default_factory=dict)
    # Rows that are contacts already here without saying so: (line, which, why).
    twins: list[tuple[int, str, str]] = field(default_factory=list)
    keep_held: bool = False  # rows of records held here only fill their empty fields
    # Those rows whose other values were kept: (line, which, fields).
    kept: list[tuple[int, str, str]] = field(default_factory=list)
    # Stages the file names that are not ours -> the one of ours each likely is.
    unknown_stages: dict[str, str] = field(default_factory=dict)
    defaulted_currency: int = 0  # amounts read in the mapping's or the home currency
    warnings: list[str] = field(default_factory=list)  # what will count for nothing, and why

    @property
    def keyed(self) -> bool:
        """Whether rows carry an id or external id (a re-import then updates)."""
        return any(c.kind in ("id", "external_id") for c in self.matched.by_column.values())

    @property
    def rejects_path(self) -> Path:
        """Where skipped bad rows go: beside the input."""
        return self.path.with_name(f"{self.path.stem}.rejects.csv")

    def report(self) -> list[str]:
        """What the import does (or would do), a line each."""
        table, matched = self.table, self.matched
        used = {table.header[i]: column.field for i, column in matched.by_column.items()}
        used |= {
            " + ".join(table.header[i] for i in indices): column.field
            for column, indices in matched.joined.items()
        }
        lines = [
            tr(
                "{file} ({encoding}, {layout}): {records} of {entity}",
                file=self.path.name,
                encoding=table.encoding,
                layout=tr(table.layout),
                records=records(len(table.rows), table.unit),
                entity=entity_label(self.entity),
            ),
            tr(
                "columns: {columns}",
                columns=", ".join(f"{name} -> {target}" for name, target in used.items()),
            ),
        ]
        if matched.constants:
            values = [f"{column.field} = {text!r}" for column, text in matched.constants.items()]
            lines.append(tr("on every row: {values}", values=", ".join(values)))
        if matched.unmapped:
            lines.append(
                tr(
                    "not imported (no field; name one in --map): {columns}",
                    columns=", ".join(matched.unmapped),
                )
            )
        new = sum(row.record is not None for row in self.good)
        count = f"{len(self.good) - new:,}"
        if self.keep_held:
            known = tr("{count} already here (their empty fields filled)", count=count)
        else:
            known = tr("{count} already here (updated where they differ)", count=count)
        lines.append(
            tr(
                "accepted {records}: {new} new, {known}",
                records=records(len(self.good), self.table.unit),
                new=f"{new:,}",
                known=known,
            )
        )
        lines += self._created()
        lines += self.warnings
        if self.similar:
            same = [f"{theirs} = {ours}" for theirs, ours in self.similar.items()]
            lines.append(
                tr(
                    "takes customers as the same once legal forms are dropped: {names}",
                    names=", ".join(_some(same, NAMES_SHOWN)),
                )
            )
        if self.twins:
            lines.append(
                tr(
                    "{records} already here as contacts: only their empty fields are "
                    "filled, nothing is overwritten",
                    records=records(len(self.twins), self.table.unit),
                )
            )
            lines += _some(
                [
                    tr("  line {line}: {which} ({why})", line=line, which=which, why=tr(why))
                    for line, which, why in self.twins
                ],
                LINES_SHOWN,
            )
        if self.kept:
            lines.append(
                tr(
                    "{records} unlike what is here: what is here is kept (the file "
                    "may be older; edit the records to change them)",
                    records=records(len(self.kept), self.table.unit),
                )
            )
            lines += _some(
                [
                    tr("  line {line}: {which} ({fields})", line=line, which=which, fields=fields)
                    for line, which, fields in self.kept
                ],
                LINES_SHOWN,
            )
        if self.good and not self.keyed and self.entity not in _KNOWN_WITHOUT_IDS:
            lines.append(
                tr("no id or external_id column: importing this file again adds the records again")
            )
        if self.rejected:
            lines.append(
                tr("rejected {records}:", records=records(len(self.rejected), self.table.unit))
            )
            lines += _some(_by_reason(self.rejected, self.table.unit), LINES_SHOWN)
        if len(self.unknown_stages) > 1:
            example = {"values": {"stage": self.unknown_stages}}
            lines.append(
                tr(
                    "map the file's stages to yours in a --map file, e.g. {example}",
                    example=json.dumps(example, ensure_ascii=False),
                )
            )
        return lines

    def _created(self) -> list[str]:
        """The customers and reps the import makes, named."""
        lines = []
        if self.new_customers:
            names = _some([record.name for record in self.new_customers.values()], NAMES_SHOWN)
            lines.append(
                tr_n(
                    "creates {count} customer: {names}",
                    "creates {count} customers: {names}",
                    len(self.new_customers),
                    names=", ".join(names),
                )
            )
        if self.new_reps:
            names = _some([record.name for record in self.new_reps.values()], NAMES_SHOWN)
            lines.append(
                tr_n(
                    "creates {count} rep: {names}",
                    "creates {count} reps: {names}",
                    len(self.new_reps),
                    names=", ".join(names),
                )
            )
        return lines


# A value a message quotes (repr's quotes; not the apostrophe of "customer's").
_QUOTED = re.compile(r"""(?<![A-Za-z])('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
LINES_NAMED = 8  # a reason's lines named in the report


def _by_reason(rejected: list[tuple[int, str]], unit: str) -> list[str]:
    """The rejected lines grouped by what is wrong with them (the message
    without the values it quotes), the largest group first: its count, its
    first lines, and the first line's message."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, reason in rejected:
        groups.setdefault(_QUOTED.sub("…", reason), []).append((line, reason))
    lines = []
    for group in sorted(groups.values(), key=lambda group: (-len(group), group[0][0])):
        (line, reason), named = group[0], [str(line) for line, _ in group[:LINES_NAMED]]
        if len(group) == 1:
            lines.append(tr("  line {line}: {reason}", line=line, reason=reason))
            continue
        named += ["…"] if len(group) > LINES_NAMED else []
        values = {
            "records": records(len(group), unit),
            "lines": ", ".join(named),
            "line": line,
            "reason": reason,
        }
        if all(other == reason for _, other in group):
            lines.append(tr("  {records} (lines {lines}): {reason}", **values))
        else:
            lines.append(tr("  {records} (lines {lines}), such as line {line}: {reason}", **values))
    return lines


def _some(items: list[str], limit: int) -> list[str]:
    """The first `limit` items, and how many more there are."""
    more = [tr("… and {count} more", count=f"{len(items) - limit:,}")] if len(items) > limit else []
    return items[:limit] + more


def plan_import(store: Store, entity: str, path: Path, mapping: Mapping) -> Plan:
    return plan_table(store, entity, path, read_table(path), mapping)


def plan_table(
    store: Store,
    entity: str,
    path: Path,
    table: Table,
    mapping: Mapping,
    *,
    keep_held: bool = False,
) -> Plan:
    """The plan for a table read from `path` (a CSV file, or vCards as rows).
    `keep_held`: a row of a record held here only fills its empty fields (a
    vCard we wrote, read back after the contact changed here)."""
    matched = match_columns(entity, table.header, mapping)
    if matched.missing:
        first = matched.missing[0]
        example = json.dumps({"columns": {"…": first}}, ensure_ascii=False)
        constant = json.dumps({"constants": {first: "…"}}, ensure_ascii=False)
        raise ValueError(
            tr(
                "{file} has no column for {missing} (columns: {columns}); name it "
                "in a --map file ({example}), or give every row the same "
                "({constant})",
                file=path.name,
                missing=", ".join(matched.missing),
                columns=", ".join(table.header),
                example=example,
                constant=constant,
            )
        )
    plan = Plan(entity, path, table, matched, rejected=list(table.unreadable), keep_held=keep_held)
    _Rows(store, plan, mapping).read()
    return plan


class _Rows:
    """Turns the table's rows into checked records, finding references."""

    def __init__(self, store: Store, plan: Plan, mapping: Mapping) -> None:
        self.store, self.plan, self.mapping = store, plan, mapping
        self.model = MODELS[plan.entity]
        self.now = store.clock.now()
        self.stages = {stage.key: stage for stage in store.stages()}
        self.context = {"stages": {key: stage.kind for key, stage in self.stages.items()}}
        self.names = {
            kind: ids_by_name(store, kind) for kind in ("reps", "customers", "contacts", "deals")
        }
        self.customer_ids, self.rep_ids = (
            {i for ids in self.names[kind].values() for i in ids} for kind in ("customers", "reps")
        )
        self.home = store.settings().currency
        self.currency = check_currency(mapping.currency or self.home)
        self.dated_from_expected: set[str] = set()  # new deals closed on their expected close

    @cached_property
    def name_keys(self) -> dict[str, list[tuple[str, str]]]:
        """Customers by name key: read once, and only by files that name customers."""
        return customers_by_name_key(self.store)

    def read(self) -> None:
        plan, seen = self.plan, dict[str, int]()  # record id -> the line that had it
        rows: list[_Read] = []
        for line, cells in plan.table.rows:
            try:
                record_id, fields, keyed = self._row(cells)
                if record_id in seen:
                    raise RowError(tr("the same record as line {line}", line=seen[record_id]))
            except RowError as error:
                plan.rejected.append((line, str(error)))
                continue
            seen[record_id] = line
            rows.append((line, record_id, fields, keyed))
        if plan.entity == "reps":
            rows = self._managers(rows)
        known = existing_ids(self.store, plan.entity, [row[1] for row in rows])
        twins = _Twins(self.store, self.names["contacts"]) if plan.entity == "contacts" else None
        for line, record_id, fields, keyed in rows:
            new = record_id not in known
            try:
                # A row with our id is that record; others may be one we hold.
                if new and twins and keyed != "id" and (twin := twins.find(line, fields, keyed)):
                    contact = self.store.require(Contact, twin.id)
                    record_id, new = contact.id, False
                    fields = self._fill_only(line, contact, fields)
                    plan.twins.append((line, contact.name, twin.why))
                elif not new and plan.keep_held:
                    fields = self._fill_only(
                        line, self.store.require(self.model, record_id), fields
                    )
                record = self._checked(record_id, fields, new=new)
            except (RowError, DealTaken) as error:
                plan.rejected.append((line, str(error)))
                continue
            except ValidationError as error:
                plan.rejected.append((line, explain(error)))
                continue
            plan.good.append(Good(line, record_id, fields, record))
        plan.rejected.sort()
        self._only_needed()
        if self.model is Deal:
            plan.warnings += self._deal_warnings()

    def _fill_only(self, line: int, current: Record, fields: dict[str, Any]) -> dict[str, Any]:
        """Of `fields` for a record held here, those filling what it leaves
        empty and never held (a field a rep emptied stays empty); the others,
        where they differ, are noted as kept."""
        held = ever_filled(self.store, self.plan.entity, current.id)
        filled = {
            name: value for name, value in _blanks(current, fields).items() if name not in held
        }
        differ = [
            field_label(self.plan.entity, name)
            for name, value in fields.items()
            if name not in filled and value not in _EMPTY and getattr(current, name, None) != value
        ]
        if differ:
            self.plan.kept.append(
                (line, str(getattr(current, "name", current.id)), ", ".join(differ))
            )
        return filled

    def _managers(self, rows: list[_Read]) -> list[_Read]:
        """Each row's manager: a rep of this file (by id or name, on any line),
        else one here, else a new rep. A row whose manager is itself is bad."""
        in_file = {
            str(fields.get("name", "")).casefold(): record_id for _, record_id, fields, _ in rows
        }
        in_file |= {record_id: record_id for _, record_id, _, _ in rows}
        kept = []
        for line, record_id, fields, keyed in rows:
            if (text := fields.pop(_MANAGER, None)) is not None:
                try:
                    manager = in_file.get(text) or in_file.get(text.casefold()) or self._rep(text)
                except RowError as error:
                    self.plan.rejected.append((line, f"manager_id: {error}"))
                    continue
                if manager == record_id:
                    self.plan.rejected.append(
                        (line, tr("manager_id: a rep is not their own manager"))
                    )
                    continue
                fields["manager_id"] = manager
            kept.append((line, record_id, fields, keyed))
        return kept

    def _deal_warnings(self) -> list[str]:
        """What the new deals bring that counts for nothing, or not as the rep
        may think: closed without a close date, amounts in a currency the
        file did not name, amounts in a currency other than the home one."""
        plan, home = self.plan, self.home
        deals = [row.record for row in plan.good if isinstance(row.record, Deal)]
        closed = (StageKind.WON, StageKind.LOST)
        lines = []
        if dated := self.dated_from_expected & {row.record_id for row in plan.good}:
            lines.append(
                tr_n(
                    "{count} won or lost deal takes its close date from its expected "
                    "close date (a CRM's Close Date is the day it closed)",
                    "{count} won or lost deals take their close date from their "
                    "expected close date (a CRM's Close Date is the day they closed)",
                    len(dated),
                )
            )
        undated = [
            d for d in deals if self.context["stages"][d.stage] in closed and d.closed_on is None
        ]
        if undated:
            lines.append(
                tr_n(
                    "{count} won or lost deal has no close date: it counts in no KPI "
                    "(won revenue, win rate) until it has one; add a closed_on column",
                    "{count} won or lost deals have no close date: they count in no "
                    "KPI (won revenue, win rate) until they have one; add a closed_on "
                    "column",
                    len(undated),
                )
            )
        if orphans := sum(d.customer_id is None for d in deals):
            lines.append(
                tr_n(
                    "{count} deal names no customer: it counts in the pipeline and "
                    "the KPIs; name its customer in the app (e on the deal) or with "
                    "`workbench deal ID --customer NAME`",
                    "{count} deals name no customer: they count in the pipeline and "
                    "the KPIs; name their customer in the app (e on a deal) or with "
                    "`workbench deal ID --customer NAME`",
                    orphans,
                )
            )
        if plan.defaulted_currency:
            lines.append(
                tr_n(
                    "{count} amount names no currency: read as {code}; if it is "
                    'not, put "currency" in a --map file',
                    "{count} amounts name no currency: read as {code}; if they are "
                    'not, put "currency" in a --map file',
                    plan.defaulted_currency,
                    code=self.currency,
                )
            )
        other = Counter(d.currency for d in deals if d.currency != home)
        if other:
            codes = ", ".join(f"{code} {count}" for code, count in sorted(other.items()))
            lines.append(
                tr(
                    "deals in other currencies than your home {home} ({codes}): they "
                    "count as won or lost and in win rates; their revenue is shown "
                    "apart, never added to {home}",
                    home=home,
                    codes=codes,
                )
            )
        return lines

    def _only_needed(self) -> None:
        """Create only the customers and reps that good rows refer to."""
        plan = self.plan
        used = {
            row.fields.get(name)
            for row in plan.good
            for name in ("customer_id", "owner", "manager_id")
        }
        plan.new_customers = {n: c for n, c in plan.new_customers.items() if c.id in used}
        used |= {customer.owner for customer in plan.new_customers.values()}
        plan.new_reps = {n: rep for n, rep in plan.new_reps.items() if rep.id in used}

    def _row(self, cells: list[str]) -> tuple[str, dict[str, Any], str]:
        """(record id, model input, the id column it came from or '')."""
        header = self.plan.table.header
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise RowError(
                tr(
                    "has {cells} cells; the header names {named}",
                    cells=len(cells),
                    named=len(header),
                )
            )
        matched = self.plan.matched
        cell = [text.strip() for text in cells] + [""] * (len(header) - len(cells))
        given = {column: cell[i] for i, column in matched.by_column.items()}
        given |= {
            column: join_cells([cell[i] for i in indices])
            for column, indices in matched.joined.items()
        }
        given |= matched.constants
        texts = {column.field: text for column, text in given.items()}
        fields: dict[str, Any] = {}
        for name, target in (("owner", "owner"), ("rep", "rep_id")):
            if name in texts:
                fields[target] = self._rep(texts[name])
        if texts.get("manager_id"):  # found once every row is read (`_managers`)
            fields[_MANAGER] = texts["manager_id"]
        given_id = texts.get("customer_id")
        survivor = self.store.surviving_customer(given_id) if given_id else None
        if survivor in self.customer_ids:  # (one merged into another: the one it went into)
            fields["customer_id"] = survivor
        elif texts.get("customer") or ("customer" in texts and self._needs_customer()):
            fields["customer_id"] = self._customer(texts["customer"], fields.get("owner"))
        elif given_id:  # an id alone, naming no customer here
            raise RowError(
                tr(
                    "customer_id: no customer {id!r} here; add a customer column "
                    "to find or create it by name",
                    id=given_id,
                )
            )
        for column, text in given.items():
            if column.kind in _PARSED and text:  # a blank cell says nothing: a default stays
                fields[column.field] = self._parsed(column, text)
        if self.model is Target:
            fields |= self._target_amount(
                texts.get("amount", ""), texts.get("currency", ""), fields.get("metric")
            )
        elif texts.get("amount") or texts.get("currency"):  # (blank cells say nothing)
            fields |= self._money(texts.get("amount", ""), texts.get("currency", ""))
        for name in ("deal", "contact"):
            if name in texts:
                fields[f"{name}_id"] = self._within_customer(name, texts[name], fields)
        record_id, keyed = self._record_id(texts)
        if self.model is Rep and not keyed:  # a rep is known by name (as owners are found)
            found = self.names["reps"].get(("", texts.get("name", "").casefold()), [])
            if len(found) == 1:  # (the name as they spell it stays: "alex" renames no "Alex")
                record_id = found[0]
                fields.pop("name", None)
        if self.model is Target and not keyed:  # one target per rep, metric and period
            record_id = Target.id_for(fields["rep_id"], fields["metric"], self._period(texts))
        return record_id, fields, keyed

    def _parsed(self, column: Column, text: str) -> Any:
        name = column.field
        text = value_map(name, self.mapping).get(key(text), text)
        try:
            return _PARSED[column.kind](self, text)
        except ValueError as error:
            raise RowError(f"{name}: {error}") from None

    def _choice(self, text: str) -> str:
        return text if text in ("A", "B", "C") else text.lower().replace(" ", "_")

    def _stage(self, text: str) -> str:
        folded = text.casefold()
        for stage in self.stages.values():
            if folded in (stage.key, stage.label.casefold()):
                return stage.key
        words = set(re.findall(r"\w+", folded))  # whole words: "Unqualified" is not qualified
        closed_first = sorted(self.stages.values(), key=lambda s: s.kind == StageKind.OPEN)
        likely = next(
            (stage.key for stage in closed_first if {stage.key, stage.label.casefold()} & words),
            "lead",
        )
        self.plan.unknown_stages[text] = likely
        example = json.dumps({"values": {"stage": {text: likely}}}, ensure_ascii=False)
        raise ValueError(
            tr(
                "no stage {stage!r} (stages: {known}); map it to one in a --map file: {example}",
                stage=text,
                known=", ".join(self.stages),
                example=example,
            )
        )

    def _number(self, text: str) -> int:
        cleaned = text.removesuffix("%").replace(",", "").strip()
        if not _NUMBER.fullmatch(cleaned):  # (no exponent: 1e999999 took 26 s to refuse)
            raise ValueError(tr("{text!r} is not a number", text=text))
        number = Decimal(cleaned)
        if number != number.to_integral_value():
            raise ValueError(tr("{text!r} is not a whole number", text=text))
        return int(number)

    def _rule(self, text: str) -> str:
        check_new_rule(text)
        return text

    def _time(self, text: str) -> time:
        try:
            return dateparser.parse(text, default=_DEFAULTS[0]).time()
        except (ValueError, OverflowError):
            raise ValueError(tr("{text!r} is not a time (e.g. 14:30)", text=text)) from None

    def _period(self, texts: dict[str, str]) -> str:
        try:
            return Period.parse(texts.get("period", "")).key
        except ValueError as error:
            raise RowError(f"period: {error}") from None

    def _target_amount(self, amount: str, currency: str, metric: str | None) -> dict[str, Any]:
        """Revenue targets are money; the others are counts without a currency."""
        if metric == Metric.REVENUE:
            return self._money(amount, currency)
        try:
            return {"amount": self._number(amount), "currency": None}
        except ValueError as error:
            raise RowError(f"amount: {error}") from None

    def _tags(self, text: str) -> list[str]:
        """Tags split at ; , | 、 (or, as `export-csv` writes tags holding
        those, a JSON list)."""
        if text.startswith("["):
            try:
                listed = json.loads(text)
            except ValueError:
                listed = None
            if isinstance(listed, list) and all(isinstance(tag, str) for tag in listed):
                return listed
        return [tag.strip() for tag in TAG_SPLIT.split(text) if tag.strip()]

    def _date(self, text: str) -> date:
        return self._when(text).date()

    def _moment(self, text: str) -> datetime:
        moment = self._when(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=self.now.tzinfo)

    def _when(self, text: str) -> datetime:
        """A date (and time) written in full: never a part made up from
        today (2027-01 was the 7th), never a day and month read in an order
        the file does not say (12.01.2027); Excel's day numbers (45631)."""
        if _EXCEL_DAY.fullmatch(text):
            return datetime.combine(_EXCEL_EPOCH, time()) + timedelta(days=float(text))
        if (order := _DAY_MONTH.match(text)) and self.mapping.dayfirst is None:
            first, second = int(order[1]), int(order[2])
            if first <= 12 and second <= 12 and first != second:
                raise ValueError(
                    tr(
                        '{text!r} could be {a} or {b}: say which with "dayfirst" '
                        "(true or false) in a --map file",
                        text=text,
                        a=f"{first}/{second}",
                        b=f"{second}/{first}",
                    )
                )
        written = _CN_DATE.sub(r"\1-\2-\3", text)
        try:  # two different defaults: a part either reading takes from them is missing
            read, again = (
                dateparser.parse(written, dayfirst=bool(self.mapping.dayfirst), default=default)
                for default in _DEFAULTS
            )
        except (ValueError, OverflowError):
            raise ValueError(tr("{text!r} is not a date (e.g. 2026-11-23)", text=text)) from None
        if read.date() != again.date():
            raise ValueError(
                tr(
                    "{text!r} is not a whole date: give its day, month and year (e.g. 2026-11-23)",
                    text=text,
                )
            )
        return read

    def _money(self, amount: str, currency: str) -> dict[str, Any]:
        """The amount in minor units (absent when blank) and its currency: the
        cell's code, the currency column's, the mapping's, or the home one."""
        amount, currency = _coded(amount, currency)
        try:
            code = check_currency(currency or self.currency)
        except ValueError as error:
            raise RowError(f"currency: {error}") from None
        if not amount:  # an amount and its currency go together: a currency alone says nothing
            return {}
        self.plan.defaulted_currency += not currency and not self.mapping.currency
        try:
            return {"amount": parse_amount(amount, code, self.mapping.decimal), "currency": code}
        except ValueError as error:
            hint = ""
            if "," in amount and self.mapping.decimal != ",":
                hint = tr('; if the comma marks decimals, put "decimal": "," in a --map file')
            raise RowError(f"amount: {error}{hint}") from None

    def _needs_customer(self) -> bool:
        field = self.model.model_fields.get("customer_id")
        return field is not None and field.is_required()

    def _customer(self, text: str, owner: str | None) -> str:
        if not text:
            raise RowError(tr("customer: is required"))
        if text in self.customer_ids:
            return text
        found = self.names["customers"].get(("", text.casefold()), [])
        if len(found) > 1:
            raise RowError(
                tr("customer: several are named {text!r}; give the customer's id", text=text)
            )
        if found:
            return found[0]
        folded = name_key(text) or text.casefold()
        if len(similar := self.name_keys.get(folded, [])) == 1:
            customer_id, ours = similar[0]
            self.plan.similar[text] = ours
            return customer_id
        if folded not in self.plan.new_customers:
            self.plan.new_customers[folded] = self._new(Customer, name=text, owner=owner)
        return self.plan.new_customers[folded].id

    def _rep(self, text: str) -> str | None:
        if not text or text.casefold() == "me":
            return self.store.me
        if text in self.rep_ids:
            return text
        if found := self.names["reps"].get(("", text.casefold()), []):
            return found[0]
        if text.casefold() not in self.plan.new_reps:
            self.plan.new_reps[text.casefold()] = self._new(Rep, name=text)
        return self.plan.new_reps[text.casefold()].id

    def _new(self, model: type[R], **fields: Any) -> R:
        try:
            return model.model_validate(fields | {"created_at": self.now})
        except ValidationError as error:
            raise RowError(f"{model.entity}: {explain(error)}") from None

    def _within_customer(self, name: str, text: str, fields: dict[str, Any]) -> str | None:
        """A deal (by title) or contact (by name) of the row's customer, or by id."""
        if not text:
            return None
        kind = f"{name}s"
        customer = fields.get("customer_id", "")
        found = self.names[kind].get((customer, text.casefold()), [])
        if not found and (held := self.store.get(_WITHIN[name], text)) is not None:
            if held.customer_id != customer:
                raise RowError(
                    tr("{field}: {text!r} is not one of this customer's", field=name, text=text)
                )
            found = [text]
        if len(found) != 1:
            if found:
                raise RowError(
                    tr(
                        "{field}: several of this customer's are named {text!r}",
                        field=name,
                        text=text,
                    )
                )
            raise RowError(
                tr("{field}: this customer has none named {text!r}", field=name, text=text)
            )
        return found[0]

    def _record_id(self, texts: dict[str, str]) -> tuple[str, str]:
        """The row's record id, and the column it came from ('' for a new id)."""
        if texts.get("id"):
            return texts["id"], "id"  # checked with the record
        if texts.get("external_id"):
            name = f"workbench:csv:{self.plan.entity}:{texts['external_id']}"
            return str(uuid.uuid5(uuid.NAMESPACE_URL, name)), "external_id"
        return str(uuid.uuid4()), ""

    def _defaults(self) -> dict[str, Any]:
        """What a new record has when the file does not say."""
        defaults: dict[str, Any] = {"owner": self.store.me, "created_at": self.now}
        if self.model is Deal:  # a file without amounts: deals still need a currency
            defaults["currency"] = self.currency
        return defaults

    def _checked(self, record_id: str, fields: dict[str, Any], new: bool) -> Record | None:
        """The new record (None for an update) if valid; else ValidationError."""
        if new:
            data = self._defaults() | fields | {"id": record_id}
            if self.model is Deal:
                data |= self._close_date(data)
            return self.model.model_validate(data, context=self.context)
        current = self.store.require(self.model, record_id)
        data = current.model_dump() | fields
        if isinstance(current, Deal):
            keep_customer(self.store, current, data["customer_id"])
            data |= self._moved(current, fields)
        self.model.model_validate(data, context=self.context)
        if (
            isinstance(current, Rep)
            and record_id != self.store.me
            and any(
                getattr(current, name) != value
                for name, value in fields.items()
                if name in Rep.OWN_FIELDS
            )
        ):
            raise RowError(
                tr(
                    "{name} is another rep: only their own computers change their record",
                    name=repr(current.name),
                )
            )
        return None

    def _close_date(self, data: dict[str, Any]) -> dict[str, Any]:
        """A new won or lost deal without a close date: its expected close
        date, if past (Salesforce, HubSpot and Zoho keep the day a deal
        closed as its Close Date, the column read as expected_close)."""
        kind = self.context["stages"].get(data.get("stage", ""))
        expected = data.get("expected_close")
        if kind == StageKind.OPEN or data.get("closed_on") or not isinstance(expected, date):
            return {}
        if expected > self.store.clock.today():
            return {}
        self.dated_from_expected.add(data["id"])
        return {"closed_on": expected}

    def _moved(self, deal: Deal, fields: dict[str, Any]) -> dict[str, Any]:
        """What moving `deal` to the row's stage also writes, as on the board:
        reopened, no close date or reason; closed, a close date (today if the
        row has none), never in the future."""
        stage = fields.get("stage")
        if stage is None or stage == deal.stage:
            return {}
        if self.context["stages"][stage] == StageKind.OPEN:
            return {"closed_on": None, "reason": None}
        today = self.store.clock.today()
        expected = fields.get("expected_close")
        if not fields.get("closed_on") and isinstance(expected, date) and expected <= today:
            self.dated_from_expected.add(deal.id)  # as a new deal of the file would be
            fields["closed_on"] = expected  # (the row's own: the update writes it)
        if (closed := fields.get("closed_on") or today) > today:
            raise RowError(tr("closed_on: the close date {day} is in the future", day=closed))
        return {"closed_on": closed}


class _Twin(NamedTuple):
    id: str
    why: str


class _Twins:
    """Contacts a row names again without our id: a contact of the same
    customer with the same name or e-mail, here or on an earlier line."""

    def __init__(self, store: Store, names: dict[tuple[str, str], list[str]]) -> None:
        self.by_email, self.by_name = contacts_by_email(store), names
        self.lines: dict[tuple[str, ...], int] = {}  # key -> the line that had it first

    def find(self, line: int, fields: dict[str, Any], keyed: str) -> _Twin | None:
        """The contact here that the row is. An earlier row without any id
        that was the same contact makes this row a RowError (rows with an
        external id are told apart by it)."""
        customer = str(fields.get("customer_id") or "")
        name = (customer, str(fields.get("name") or "").casefold())
        keys: dict[tuple[str, ...], tuple[str | None, str]] = {
            name: (next(iter(self.by_name.get(name, [])), None), later("same name"))
        }
        if email := str(fields.get("email") or "").lower():
            keys[(customer, "@", email)] = (
                self.by_email.get((customer, email)),
                later("same e-mail"),
            )
        if not keyed:
            for key, (_, why) in keys.items():
                if key in self.lines:
                    raise RowError(
                        tr(
                            "the same contact as line {line} ({why})",
                            line=self.lines[key],
                            why=tr(why),
                        )
                    )
            self.lines |= dict.fromkeys(keys, line)
        return next((_Twin(found, why) for found, why in keys.values() if found), None)


_EMPTY: tuple[object, ...] = (None, "", [])


def _blanks(current: Record, fields: dict[str, Any]) -> dict[str, Any]:
    """Those of `fields` that fill what `current` leaves empty."""
    return {
        name: value
        for name, value in fields.items()
        if value not in _EMPTY and getattr(current, name, None) in _EMPTY
    }


_PARSED: dict[str, Callable[[_Rows, str], Any]] = {
    "text": lambda rows, text: text,
    "choice": _Rows._choice,
    "stage": _Rows._stage,
    "number": _Rows._number,
    "tags": _Rows._tags,
    "date": _Rows._date,
    "moment": _Rows._moment,
    "time": _Rows._time,
    "rule": _Rows._rule,
}


def apply_plan(store: Store, plan: Plan, *, skip_bad: bool) -> Path | None:
    """Write the plan's good rows (all or nothing); return the reject file
    written when bad rows were skipped. Raises ValueError if there are bad
    rows and `skip_bad` is false."""
    if plan.rejected and not skip_bad:
        line, reason = plan.rejected[0]
        raise ValueError(
            tr(
                "{records} (first: line {line}: {reason}); nothing was imported. "
                "Fix them, or import the good ones with --skip-bad",
                records=records(len(plan.rejected), plan.table.unit, "bad"),
                line=line,
                reason=reason,
            )
        )
    model = MODELS[plan.entity]
    new = [row.record for row in plan.good if row.record is not None]
    with store.transaction(), store.derived_paused():  # (search upkeep once, not row by row)
        touched = _searched_customers(store, plan)
        store.add_many(Rep, [dump(rep) for rep in plan.new_reps.values()])
        store.add_many(Customer, [dump(customer) for customer in plan.new_customers.values()])
        store.add_many(model, [dump(record) for record in new])
        moves = [
            StageMove(deal_id=deal.id, to_stage=deal.stage, at=deal.created_at, owner=deal.owner)
            for deal in new
            if isinstance(deal, Deal)
        ]
        store.add_many(StageMove, [dump(move) for move in moves])
        for row in plan.good:
            if row.record is None:
                _update(store, model, row.record_id, row.fields)
        store.refresh_derived(touched)
    return _write_rejects(plan) if plan.rejected else None


def _coded(amount: str, currency: str) -> tuple[str, str]:
    """An amount written with its currency code ("USD 250,000.00", "1.234,50
    EUR"): the amount alone and that currency, which a currency column must
    not contradict."""
    found = _CODED.fullmatch(amount.strip())
    code = found and (found["before"] or found["after"])
    if not found or code not in ISO_4217:
        return amount, currency
    if currency.strip() and currency.strip().upper() != code:
        raise RowError(
            tr(
                "amount: {amount!r} is in {code}, the currency column says {currency}",
                amount=amount,
                code=code,
                currency=currency,
            )
        )
    return found["number"] or found["number2"], code


def _searched_customers(store: Store, plan: Plan) -> set[str]:
    """The customers whose search text the plan changes: new ones, and
    those of the customers and contacts it adds or updates (before and after)."""
    touched = {customer.id for customer in plan.new_customers.values()}
    if plan.entity not in ("customers", "contacts"):
        return touched
    for row in plan.good:
        touched.add(row.fields.get("customer_id") or "")
        if plan.entity == "customers":
            touched.add(row.record_id)
        elif row.record is None:  # a contact updated: it may leave its customer
            touched.add(store.require(Contact, row.record_id).customer_id)
    return touched - {""}


def _update(store: Store, model: type[Record], record_id: str, fields: dict[str, Any]) -> None:
    """Update a record by id; a deal's new stage is a move, as on the board
    (a stage-history row, and a close date for Won and Lost)."""
    stage = fields.get("stage")
    if model is Deal and stage is not None and stage != store.require(Deal, record_id).stage:
        move_deal(
            store, record_id, stage, closed_on=fields.get("closed_on"), reason=fields.get("reason")
        )
        fields = {
            name: value
            for name, value in fields.items()
            if name not in ("stage", "closed_on", "reason")
        }
    if fields:
        store.update(model, record_id, **fields)


def _write_rejects(plan: Plan) -> Path:
    """The bad rows as they were, with the line and the reason first."""
    path = plan.rejects_path
    reasons = dict(plan.rejected)
    rows = [
        [str(line), reasons[line], *cells] for line, cells in plan.table.rows if line in reasons
    ]
    rows += [[str(line), reason] for line, reason in plan.table.unreadable]
    rows.sort(key=lambda row: int(row[0]))
    write_table(path, ["line", "error", *plan.table.header], rows)
    return path
