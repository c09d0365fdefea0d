"""Which CSV column holds which field: the headers other tools write (English
and Chinese), what kind of value each field takes, and the mapping file
that overrides both.

A header matches when it equals a synonym ignoring case, spaces and
punctuation ("Account Name", "account_name" and "ACCOUNT-NAME" are one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench.domain.search import is_cjk
from workbench.i18n import tr

Kind = Literal[
    "id",
    "external_id",
    "text",
    "date",
    "moment",
    "amount",
    "currency",
    "number",
    "tags",
    "choice",
    "customer",
    "customer_id",
    "rep",
    "deal",
    "contact",
    "stage",
    "time",
    "quantity",
    "rule",
]
# What separates tags in a cell ("重点、水泵"; export-csv writes "a; b").
TAG_SPLIT = re.compile(r"[;,|、，；]")


@dataclass(frozen=True)
class Column:
    field: str  # the record's field, or a reference resolved by name (customer, owner…)
    kind: Kind
    synonyms: tuple[str, ...] = ()
    required: bool = False


def key(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return "".join(char for char in header.casefold() if char.isalnum())


def _columns(*specs: tuple[str, Kind, str]) -> dict[str, Column]:
    """From (field, kind, 'synonym|synonym|…'); a field named with a trailing
    '!' is required."""
    columns = {}
    for spec, kind, synonyms in specs:
        name = spec.rstrip("!")
        names = (name, *synonyms.split("|")) if synonyms else (name,)
        columns[name] = Column(name, kind, tuple(key(n) for n in names), spec.endswith("!"))
    return columns


_ID: tuple[str, Kind, str] = ("id", "id", "")
_EXTERNAL_ID: tuple[str, Kind, str] = (
    "external_id",
    "external_id",
    "external id|record id|crm id|外部编号|编号",
)
_OWNER: tuple[str, Kind, str] = (
    "owner",
    "rep",
    "sales agent|sales rep|rep|account owner|opportunity owner|deal owner|"
    "owner name|salesperson|负责人|销售|销售代表|客户经理|跟进人",
)
_CREATED: tuple[str, Kind, str] = (
    "created_at",
    "moment",
    "created|created date|created on|create date|created time|date created|创建时间|创建日期",
)
_COMMON = (_ID, _EXTERNAL_ID, _OWNER, _CREATED)
_CUSTOMER = (
    "customer|account|account name|company|company name|associated company|"
    "organization|organization name|organisation|organisation name|"
    "客户|客户名称|公司|公司名称"
)
_CUSTOMER_ID: tuple[str, Kind, str] = ("customer_id", "customer_id", "account id|客户id")
_NOTES = "note|description|comments|comment|备注|描述|说明"
_PHONE = "telephone|tel|mobile|phone number|电话|联系电话|手机"
_EMAIL = "e-mail|email address|邮箱|电子邮件|邮件地址"
_AMOUNT = "value|close value|deal value|expected revenue|金额|商机金额|预计金额"
_CLOSE = "close date|expected close date|closing date|expected closing|预计成交日期|预计成交时间"

FIELDS: dict[str, dict[str, Column]] = {
    "customers": _columns(
        *_COMMON,
        (
            "name!",
            "text",
            "account name|company|company name|customer|customer name|account|"
            "客户名称|客户|公司|公司名称|名称",
        ),
        ("kind", "choice", "customer kind|客户类型"),
        ("industry", "text", "sector|行业"),
        ("size", "text", "company size|employees|规模|公司规模"),
        ("segment", "text", "细分|客户细分|分群"),
        ("tier", "choice", "level|rating|account tier|客户等级|等级|级别"),
        ("source", "text", "lead source|来源|客户来源"),
        ("address", "text", "billing address|street|地址"),
        ("phone", "text", _PHONE),
        ("email", "text", _EMAIL),
        ("tags", "tags", "labels|标签"),
        ("notes", "text", _NOTES),
    ),
    "contacts": _columns(
        *_COMMON,
        ("customer!", "customer", _CUSTOMER),
        _CUSTOMER_ID,
        (
            "name!",
            "text",
            "contact|contact name|full name|person|person name|联系人|姓名|联系人姓名",
        ),
        ("title", "text", "job title|position|role|职位|职务"),
        ("phone", "text", _PHONE),
        ("email", "text", _EMAIL),
        ("notes", "text", _NOTES),
    ),
    "deals": _columns(
        *_COMMON,
        ("customer", "customer", _CUSTOMER),  # a CRM may export deals without their company
        _CUSTOMER_ID,
        (
            "title!",
            "text",
            "deal|deal name|deal title|opportunity|opportunity name|name|商机|商机名称|项目",
        ),
        ("amount", "amount", _AMOUNT),
        ("currency", "currency", "币种|货币"),
        ("stage!", "stage", "deal stage|sales stage|阶段|销售阶段"),
        ("probability", "number", "win probability|赢率|成交概率|概率"),
        ("expected_close", "date", _CLOSE),
        ("next_step", "text", "next steps|下一步"),
        ("reason", "text", "loss reason|win reason|原因|输赢原因"),
        ("closed_on", "date", "closed|actual close date|成交日期|关闭日期"),
    ),
    "activities": _columns(
        *_COMMON,
        ("customer!", "customer", _CUSTOMER),
        _CUSTOMER_ID,
        ("kind!", "choice", "type|activity type|类型|活动类型"),
        ("at!", "moment", "date|when|time|activity date|日期|时间|活动时间"),
        ("duration_min", "number", "duration|minutes|时长|时长分钟"),
        ("outcome", "choice", "result|结果"),
        ("satisfaction", "number", "满意度"),
        ("notes", "text", _NOTES),
        ("deal", "deal", "opportunity|deal title|商机"),
        ("contact", "contact", "contact name|联系人"),
        ("complaint_status", "choice", "status|complaint status|投诉状态|状态"),
    ),
    "follow_ups": _columns(
        *_COMMON,
        ("customer!", "customer", _CUSTOMER),
        _CUSTOMER_ID,
        ("title!", "text", "task|subject|follow-up|follow up|to do|待办|跟进事项|主题|事项"),
        ("deal", "deal", "opportunity|deal title|商机"),
        ("due_date!", "date", "due|due date|date|到期日|截止日期|计划日期|日期"),
        ("due_time", "time", "time|due time|时间|到期时间"),
        ("recurrence", "rule", "repeat|repeats|rrule|重复"),
        ("done_at", "moment", "done|completed|completed at|完成时间"),
        ("snoozed_until", "date", "snoozed|snoozed until|推迟到"),
    ),
    "reps": _columns(
        _ID,
        _EXTERNAL_ID,
        _CREATED,
        ("name!", "text", "rep|sales rep|full name|姓名|名称|销售"),
        ("email", "text", _EMAIL),
        ("phone", "text", _PHONE),
        ("team", "text", "region|office|sales team|territory|团队|区域|大区|部门|销售团队"),
        ("manager_id", "rep", "manager|reports to|team lead|上级|主管|经理|直属上级"),
    ),
    "stages": _columns(
        ("id!", "id", "key|stage key|阶段代码"),
        _CREATED,
        ("label!", "text", "name|stage|stage name|阶段|阶段名称"),
        ("position!", "number", "order|sort order|顺序|排序"),
        ("probability!", "number", "win probability|赢率|成交概率|概率"),
        ("kind", "choice", "type|类型"),
        ("rot_days", "number", "rot days|stale after|超期天数"),
    ),
    "targets": _columns(
        _ID,
        _OWNER,
        _CREATED,
        ("rep!", "rep", "for|rep name|销售|销售代表|负责人"),
        ("period!", "text", "期间|周期"),
        ("metric!", "choice", "measure|kpi|指标"),
        ("amount!", "quantity", "target|goal|value|目标|目标值|金额"),
        ("currency", "currency", "币种|货币"),
    ),
}

# Values other tools (or Chinese spreadsheets) use for our choices.
BUILT_IN_VALUES: dict[str, dict[str, str]] = {
    "kind": {
        "公司": "company",
        "企业": "company",
        "个人": "person",
        "电话": "call",
        "拜访": "visit",
        "会议": "meeting",
        "邮件": "email",
        "备注": "note",
        "投诉": "complaint",
        "phone call": "call",
        "进行中": "open",
        "赢单": "won",
        "输单": "lost",
    },
    "complaint_status": {"未解决": "open", "已解决": "resolved"},
    "tier": {"a级": "A", "b级": "B", "c级": "C", "重点": "A"},
    "stage": {"closed won": "won", "closed lost": "lost", "赢单": "won", "输单": "lost"},
    "metric": {
        "收入": "revenue",
        "销售额": "revenue",
        "赢单数": "won_deals",
        "新客户": "new_customers",
        "电话": "calls",
        "拜访": "visits",
    },
}


class Mapping(BaseModel):
    """The --map file: what to take from where, when the headers alone do
    not say it. Example in docs/files.md."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str | None] = Field(
        default_factory=dict, description="CSV header -> field (null: ignore that column)"
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description='field -> {"their value": "ours"}, e.g. stage names'
    )
    dayfirst: bool | None = Field(
        default=None,
        description="true: 03/04/2026 is 3 April; false: March 4; unset, such a date is refused",
    )
    currency: str | None = Field(default=None, description="for amounts without a currency")
    decimal: Literal[".", ","] | None = Field(
        default=None,
        description='"," when 1,234 means one and a bit (most of Europe), "." when it means '
        "a thousand; unset, an amount's own marks decide (1.234,50 and 1,234.50 both read)",
    )
    join: dict[str, list[str]] = Field(
        default_factory=dict,
        description='field -> the columns whose cells make it, in order: "name": ["First Name", '
        '"Last Name"]',
    )
    constants: dict[str, str] = Field(
        default_factory=dict,
        description='field -> the value every row takes, read as a cell would be: "stage": "lead"',
    )


def load_mapping(path: Path | None) -> Mapping:
    if path is None:
        return Mapping()
    try:
        return Mapping.model_validate_json(path.read_bytes())
    except OSError as error:
        raise ValueError(
            tr("{path} cannot be read: {error}", path=path, error=error.strerror or error)
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(
            tr(
                "{file} is not a mapping file: {where} {problem}",
                file=path.name,
                where=where,
                problem=first["msg"],
            )
        ) from None


@dataclass(frozen=True)
class Matched:
    by_column: dict[int, Column]  # CSV column index -> the field it fills
    unmapped: list[str]  # headers that fill nothing
    missing: list[str]  # required fields no column fills
    joined: dict[Column, tuple[int, ...]] = field(default_factory=dict)  # cells joined in order
    constants: dict[Column, str] = field(default_factory=dict)  # the same value on every row

    def filled(self) -> set[str]:
        return {
            column.field for column in (*self.by_column.values(), *self.joined, *self.constants)
        }


# A person's name in two columns (HubSpot, Outlook, Salesforce contacts),
# joined when no column holds it whole: given name first, or 姓 first.
_NAME_PARTS = (
    ("first name|firstname|given name", "last name|lastname|surname|family name"),
    ("姓", "名"),
)


def join_cells(cells: list[str]) -> str:
    """The non-blank cells with a space between, none between two Chinese
    (or Japanese, Korean) characters: 'Amina' 'Otieno' -> 'Amina Otieno',
    '王' '芳' -> '王芳'."""
    text = ""
    for cell in (cell.strip() for cell in cells):
        if cell:
            text += "" if not text or (is_cjk(text[-1]) and is_cjk(cell[0])) else " "
            text += cell
    return text


def match_columns(entity: str, header: list[str], mapping: Mapping) -> Matched:
    fields = FIELDS[entity]
    joined = _joins(fields, header, mapping)
    by_column: dict[int, Column] = {}
    unmapped: list[str] = []
    overrides = {key(name): target for name, target in mapping.columns.items()}
    taken = {index for indices in joined.values() for index in indices}
    for index, name in enumerate(header):
        if index in taken:
            continue
        target = overrides.get(key(name), "")
        if target == "":  # not in the mapping file: the field so named, or a free one it names
            found = [
                column
                for column in fields.values()
                if key(name) in column.synonyms and column not in by_column.values()
            ]
            found.sort(key=lambda column: column.synonyms[0] != key(name))
            column = found[0] if found else None
        elif target is None:  # left out on purpose: not reported
            continue
        elif target in fields:
            column = fields[target]
        else:
            known = ", ".join(fields)
            raise ValueError(
                tr(
                    "the mapping sends {name!r} to {target!r}, not a field ({known})",
                    name=name,
                    target=target,
                    known=known,
                )
            )
        if column is None or column in by_column.values() or column in joined:
            unmapped.append(name)
        else:
            by_column[index] = column
    matched = Matched(by_column, unmapped, [], joined, _constants(fields, mapping))
    if entity in ("contacts", "reps") and "name" not in matched.filled():
        _join_name(matched, fields["name"], header)
    from_cells = {column.field for column in (*by_column.values(), *matched.joined)}
    if "customer_id" in from_cells:
        from_cells.add("customer")  # a customer's id names it as surely as its name
    if clash := from_cells & {column.field for column in matched.constants}:
        raise ValueError(
            tr(
                "the mapping sets {field} on every row, and a column fills it too: keep one",
                field=", ".join(sorted(clash)),
            )
        )
    filled = matched.filled()
    if "customer_id" in filled:
        filled.add("customer")  # a customer's id names it as surely as its name
    matched.missing[:] = [c.field for c in fields.values() if c.required and c.field not in filled]
    return matched


def _join_name(matched: Matched, name: Column, header: list[str]) -> None:
    """Fills `name` from a given-name and a family-name column, if the file has both free."""
    if parts := _name_parts(header, matched.unmapped):
        matched.joined[name] = parts
        matched.unmapped[:] = [
            h for i, h in enumerate(header) if h in matched.unmapped and i not in parts
        ]


def _joins(
    fields: dict[str, Column], header: list[str], mapping: Mapping
) -> dict[Column, tuple[int, ...]]:
    """The mapping's joined fields, by the indices of their columns."""
    where = {key(name): index for index, name in enumerate(header)}
    joined = {}
    for target, names in mapping.join.items():
        column = _field(fields, target, "join")
        absent = [name for name in names if key(name) not in where]
        if absent or len(names) < 2:
            raise ValueError(
                tr(
                    "the mapping joins {names} into {target}; join two or more of "
                    "the file's columns ({columns})",
                    names=names,
                    target=target,
                    columns=", ".join(header),
                )
            )
        joined[column] = tuple(where[key(name)] for name in names)
    return joined


def _constants(fields: dict[str, Column], mapping: Mapping) -> dict[Column, str]:
    return {
        _field(fields, target, "constants"): text.strip()
        for target, text in mapping.constants.items()
    }


def _field(fields: dict[str, Column], target: str, part: str) -> Column:
    if target not in fields:
        raise ValueError(
            tr(
                "the mapping's {part} names {target!r}, not a field ({known})",
                part=part,
                target=target,
                known=", ".join(fields),
            )
        )
    return fields[target]


def _name_parts(header: list[str], free: list[str]) -> tuple[int, ...]:
    """The given-name and family-name columns among the free ones, in the
    order a name is written; () when the file has no such pair."""
    where = {key(name): index for index, name in enumerate(header) if name in free}
    for first, last in _NAME_PARTS:
        found = [
            next((where[key(n)] for n in names.split("|") if key(n) in where), None)
            for names in (first, last)
        ]
        if None not in found:
            return tuple(index for index in found if index is not None)
    return ()


def value_map(field: str, mapping: Mapping) -> dict[str, str]:
    """Their value (as compared: see `key`) -> ours, for one field."""
    given = {key(theirs): ours for theirs, ours in mapping.values.get(field, {}).items()}
    return {key(theirs): ours for theirs, ours in BUILT_IN_VALUES.get(field, {}).items()} | given
