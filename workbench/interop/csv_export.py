"""Writing any kind of record as CSV that `import-csv` reads back without
loss: the same column names, records named by id (so a customer renamed in
the spreadsheet is still the same customer), amounts in major units beside
their currency."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench.domain.money import decimals
from workbench.interop.csv_columns import FIELDS, TAG_SPLIT, Column
from workbench.interop.csv_text import write_table
from workbench.store.database import Store
from workbench.store.lookup import customer_names, live_records
from workbench.store.queries import rep_names

# Columns that name a record, and the field holding its id.
_SOURCE = {"deal": "deal_id", "contact": "contact_id", "rep": "rep_id", "customer": "customer_id"}


def export_csv(store: Store, entity: str, path: Path) -> int:
    """Write every live record of `entity` to `path`; return how many."""
    columns = [c for c in FIELDS[entity].values() if c.kind != "external_id"]
    reps = rep_names(store)
    names = {"owner": reps, "rep": reps, "customer": customer_names(store)}
    rows = [
        [_cell(column, record, names) for column in columns]
        for record in live_records(store, entity)
    ]
    write_table(path, [column.field for column in columns], rows)
    return len(rows)


def _cell(column: Column, record: dict[str, Any], names: dict[str, dict[str, str]]) -> str:
    """A field as text; reps and customers by name (a database that lacks
    them creates them), and the customer's id beside its name."""
    value = record.get(_SOURCE.get(column.field, column.field))
    if column.field in names:
        return names[column.field].get(value or "", "")
    if value is None:
        return ""
    if column.kind in ("amount", "quantity") and record.get("currency"):
        places = decimals(record["currency"])
        return f"{Decimal(value).scaleb(-places):.{places}f}"
    if column.kind == "tags":  # a JSON list when plain text would not read back the same
        plain = "; ".join(value)  # (a tag holding a separator; a lone tag "[]" read as a list)
        spoilt = plain.startswith("[") or any(TAG_SPLIT.search(tag) for tag in value)
        return json.dumps(value, ensure_ascii=False) if spoilt else plain
    return str(value)
