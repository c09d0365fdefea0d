"""Reads: one function per question the app asks.

Each returns small frozen rows shaped for the screen or command that asks,
not whole records. Every query skips tombstoned rows. `owner=None` means
everyone's records; pass a rep id for one rep's.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from workbench.domain import agenda
from workbench.domain.clock import utc_text
from workbench.domain.search import match_query, scoped
from workbench.i18n import Worded, later
from workbench.store.database import Store, fetch_all, fetch_packed


def _only(column: str, value: str | None) -> str:
    """An `AND column = :column` filter when `value` is given. Chosen here rather than
    written as `(:x IS NULL OR ...)`, which stops SQLite from using the index."""
    return f"AND {column} = :{column.split('.')[-1]}" if value is not None else ""


def _like(text: str) -> str:
    """`text` as a LIKE pattern that matches it literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def today_agenda(store: Store) -> list[agenda.Item]:
    """Everything the Today pane shows, in priority order."""
    with store.lock:
        today, me = store.clock.today(), store.me
        return agenda.build(
            today,
            follow_ups_due(store, today + timedelta(days=agenda.WINDOW_DAYS), me),
            deal_cards(store, today, me),
            accounts_last_contact(store, me),
            store.settings().touch_days,
        )


def today_agenda_soon(store: Store) -> Future[list[agenda.Item]]:
    """Today's agenda, read from now on in a thread through a connection of
    its own, so `store`'s stays free meanwhile. The app starts this before
    Textual loads: SQLite reads without holding Python's lock."""
    reader = store.reader()

    def read() -> list[agenda.Item]:
        try:
            return today_agenda(reader)
        finally:
            reader.close()

    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agenda")
    soon = thread.submit(read)
    thread.shutdown(wait=False)  # the thread ends once the agenda is read
    return soon


@dataclass(frozen=True)
class DueFollowUp:
    id: str
    title: str
    due_date: date
    due_time: time | None
    recurrence: str | None
    snoozed_until: date | None
    customer_id: str
    customer_name: str | None
    deal_id: str | None
    deal_title: str | None
    amount: int | None
    currency: str | None
    tier: str | None
    probability: int | None  # the deal's, or its stage's default

    @property
    def shown_on(self) -> date:
        """When it comes up: its due date, or the day it was snoozed to."""
        return max(self.due_date, self.snoozed_until or self.due_date)


# A deal's probability as the pipeline weighs it: its own, else its stage's;
# a lost deal weighs nothing and a won one counts whole, whatever it held
# when it closed (deals lost before the close set it to 0 kept theirs).
PROBABILITY = (
    "CASE s.kind WHEN 'lost' THEN 0 WHEN 'won' THEN 100 "
    "ELSE coalesce(d.probability, s.probability) END"
)


def follow_ups_due(store: Store, until: date, owner: str | None) -> list[DueFollowUp]:
    """Open follow-ups that come up on or before `until`, earliest first."""
    rows = fetch_packed(
        store.db,
        f"""
        SELECT f.id, f.title, f.due_date, f.due_time, f.recurrence, f.snoozed_until,
               f.customer_id, c.name AS customer_name,
               f.deal_id, d.title AS deal_title, d.amount, d.currency, c.tier,
               {PROBABILITY} AS probability
        FROM follow_ups f
        LEFT JOIN customers c ON c.id = f.customer_id
        LEFT JOIN deals d ON d.id = f.deal_id AND d.deleted = 0
        LEFT JOIN stages s ON s.id = d.stage
        WHERE f.done_at IS NULL AND f.deleted = 0 {_only("f.owner", owner)}
          AND f.due_date <= :until
          AND coalesce(f.snoozed_until, f.due_date) <= :until
        ORDER BY max(f.due_date, coalesce(f.snoozed_until, f.due_date)), f.due_time, f.id
        """,
        {"owner": owner, "until": until.isoformat()},
        DueFollowUp,
    )
    return [DueFollowUp(**row | follow_up_dates(row)) for row in rows]


def follow_up_dates(row: dict[str, Any]) -> dict[str, Any]:
    """A follow-up row's due date, time and snooze as Python values."""
    return {
        "due_date": date.fromisoformat(row["due_date"]),
        "due_time": time.fromisoformat(row["due_time"]) if row["due_time"] else None,
        "snoozed_until": as_date(row["snoozed_until"]),
    }


@dataclass(frozen=True)
class DealRow:
    id: str
    title: str
    customer_id: str | None
    customer_name: str | None
    stage: str
    amount: int
    currency: str
    probability: int  # the deal's own, or its stage's default
    expected_close: date | None
    owner: str | None


_DEALS = f"""
    SELECT d.id, d.title, d.customer_id, c.name AS customer_name, d.stage,
           d.amount, d.currency, coalesce({PROBABILITY}, 0) AS probability,
           d.expected_close, d.owner
    FROM deals d
    LEFT JOIN customers c ON c.id = d.customer_id
    LEFT JOIN stages s ON s.id = d.stage
    WHERE d.deleted = 0
"""


def _deal_rows(store: Store, where_and_order: str, params: dict[str, Any]) -> list[DealRow]:
    rows = fetch_all(store.db, _DEALS + where_and_order, params)
    return [DealRow(**row | {"expected_close": as_date(row["expected_close"])}) for row in rows]


def deals(
    store: Store, owner: str | None, stage: str | None = None, customer_id: str | None = None
) -> list[DealRow]:
    """Deals in pipeline order (stage, then expected close), optionally of one
    stage or one customer."""
    return _deal_rows(
        store,
        f"""{_only("d.owner", owner)} {_only("d.stage", stage)}
        {_only("d.customer_id", customer_id)}
        ORDER BY s.position, d.expected_close IS NULL, d.expected_close, d.title, d.id""",
        {"owner": owner, "stage": stage, "customer_id": customer_id},
    )


def deals_titled(store: Store, text: str, limit: int = 20) -> list[DealRow]:
    """Live deals whose title starts with `text` (any case)."""
    return _deal_rows(
        store,
        "AND d.title LIKE :p ESCAPE '\\' ORDER BY d.title, d.id LIMIT :limit",
        {"p": f"{_like(text)}%", "limit": limit},
    )


@dataclass(frozen=True)
class CustomerRow:
    id: str
    name: str
    tier: str | None
    industry: str | None
    segment: str | None
    phone: str | None
    email: str | None
    owner: str | None


_CUSTOMER_COLUMNS = "id, name, tier, industry, segment, phone, email, owner"


# A search is answered from at most this many matches: ranking every match of
# a word most customers share ("a", "+86") took 50-110 ms at 100k customers.
# A rep's own list asks the index for their customers only, so the cap
# never hides one of theirs behind other reps' matches.
SEARCH_CAP = 2000


def customers(store: Store, search: str | None = None, limit: int = 200) -> list[CustomerRow]:
    """Customers by name; with `search`, those whose name, tags, phone, e-mail,
    address or contacts have every word typed (see domain.search), best
    matches first among the first SEARCH_CAP found."""
    query = match_query(search) if search else None
    if search and query is None:
        return []  # only punctuation typed: nothing can match it
    if query is None:
        rows = fetch_all(
            store.db,
            f"SELECT {_CUSTOMER_COLUMNS} FROM customers WHERE deleted = 0 "
            "ORDER BY name, id LIMIT ?",
            [limit],
        )
        return [CustomerRow(**row) for row in rows]
    rows = fetch_packed(
        store.db,
        f"""
        WITH hits AS (SELECT rowid, rank FROM customer_search
                      WHERE customer_search MATCH :query LIMIT :cap)
        SELECT {_CUSTOMER_COLUMNS} FROM hits JOIN customers c ON c.rowid = hits.rowid
        WHERE c.deleted = 0
        ORDER BY hits.rank, c.name, c.id LIMIT :limit
        """,
        {"query": scoped(query), "cap": SEARCH_CAP, "limit": limit},
        CustomerRow,
    )
    return [CustomerRow(**row) for row in rows]


class CustomerSort(Worded):
    NAME = later("name")  # while searching: best match first
    TIER = later("tier")
    LAST_CONTACT = later("last contact")  # never contacted first, then the longest ago
    PIPELINE = later("open pipeline")  # largest first
    REVENUE = later("won revenue")  # largest first


_CUSTOMER_ORDER = {
    CustomerSort.NAME: "c.name, c.id",
    CustomerSort.TIER: "c.tier IS NULL, c.tier, c.name, c.id",
    CustomerSort.LAST_CONTACT: "last_contact IS NOT NULL, last_contact, c.name, c.id",
    CustomerSort.PIPELINE: "open_pipeline DESC, c.name, c.id",
    CustomerSort.REVENUE: "won_revenue DESC, c.name, c.id",
}


@dataclass(frozen=True)
class CustomerListRow:
    id: str
    name: str
    tier: str | None
    segment: str | None
    industry: str | None
    owner: str | None
    last_contact: datetime | None
    open_pipeline: int  # minor units of `currency`, open deals in it only
    won_revenue: int  # the same, won deals


def customer_list(
    store: Store,
    currency: str,
    *,
    search: str | None = None,
    owner: str | None = None,
    tier: str | None = None,
    segment: str | None = None,
    industry: str | None = None,
    sort: CustomerSort = CustomerSort.NAME,
    limit: int = 200,
) -> list[CustomerListRow]:
    """The Customers pane's rows: a rep's (or everyone's) customers, perhaps
    searched and of one tier, segment and industry, with their last contact,
    open pipeline and won revenue in `currency` (deals in other currencies are
    not added in)."""
    query = match_query(search) if search else None
    if search and query is None:
        return []
    source = (
        "(SELECT rowid, rank FROM customer_search WHERE customer_search MATCH :query LIMIT :cap)"
        " AS hits JOIN customers c ON c.rowid = hits.rowid"
        if query
        else "customers c"
    )
    # The page is picked first, working out only the figure it is sorted by;
    # the other figures are added for its rows alone (a search sorted by
    # revenue ranks up to SEARCH_CAP customers).
    by_rank = query and sort == CustomerSort.NAME
    order = "hits.rank, c.name, c.id" if by_rank else _CUSTOMER_ORDER[sort]
    picked = ["c.rowid AS customer_row", "hits.rank AS rank" if query else "NULL AS rank"]
    if sort in _SORT_FIGURE:
        picked.append(f"{_FIGURES[_SORT_FIGURE[sort]]} AS {_SORT_FIGURE[sort]}")
    figures = ", ".join(f"{sql} AS {name}" for name, sql in _FIGURES.items())
    rows = fetch_packed(
        store.db,
        f"""
        WITH page AS (
            SELECT {", ".join(picked)} FROM {source}
            WHERE c.deleted = 0 {_only("c.owner", owner)} {_only("c.tier", tier)}
                  {_only("c.segment", segment)} {_only("c.industry", industry)}
            ORDER BY {order} LIMIT :limit)
        SELECT c.id, c.name, c.tier, c.segment, c.industry, c.owner, {figures}
        FROM page JOIN customers c ON c.rowid = page.customer_row
        ORDER BY {order.replace("hits.rank", "page.rank")}
        """,
        {
            "query": query and scoped(query, owner),
            "cap": SEARCH_CAP,
            "owner": owner,
            "tier": tier,
            "segment": segment,
            "industry": industry,
            "currency": currency,
            "limit": limit,
        },
        CustomerListRow,
    )
    return [
        CustomerListRow(**row | {"last_contact": as_moment(row["last_contact"])}) for row in rows
    ]


def _deal_sum(kind: str) -> str:
    return f"""(SELECT coalesce(sum(d.amount), 0) FROM deals d JOIN stages s ON s.id = d.stage
                 WHERE d.customer_id = c.id AND d.deleted = 0 AND d.currency = :currency
                 AND s.kind = '{kind}')"""


# A listed customer's figures, as SQL over `c`.
_FIGURES = {
    "last_contact": "(SELECT max(a.at) FROM activities a "
    "WHERE a.customer_id = c.id AND a.deleted = 0)",
    "open_pipeline": _deal_sum("open"),
    "won_revenue": _deal_sum("won"),
}
_SORT_FIGURE = {
    CustomerSort.LAST_CONTACT: "last_contact",
    CustomerSort.PIPELINE: "open_pipeline",
    CustomerSort.REVENUE: "won_revenue",
}


def customer_values(store: Store, field: str) -> list[str]:
    """The segments (or industries) customers have, for picking one; most used first."""
    if field not in ("segment", "industry"):
        raise ValueError(f"not a customer field to list: {field!r}")
    rows = store.db.execute(
        f"SELECT {field} FROM customers WHERE deleted = 0 AND {field} IS NOT NULL "
        f"GROUP BY {field} ORDER BY count(*) DESC, {field}"
    ).fetchall()
    return [value for (value,) in rows]


def customers_named(store: Store, prefix: str, limit: int = 20) -> list[CustomerRow]:
    """Customers whose name starts with `prefix` (any case), for picking one by name."""
    rows = fetch_all(
        store.db,
        f"""
        SELECT {_CUSTOMER_COLUMNS} FROM customers
        WHERE deleted = 0 AND name LIKE :p ESCAPE '\\'
        ORDER BY name, id LIMIT :limit
        """,
        {"p": f"{_like(prefix)}%", "limit": limit},
    )
    return [CustomerRow(**row) for row in rows]


def customers_by_id_prefix(store: Store, prefix: str) -> list[CustomerRow]:
    """Customers whose id starts with `prefix` (ids are shown shortened)."""
    rows = fetch_all(
        store.db,
        f"SELECT {_CUSTOMER_COLUMNS} FROM customers WHERE deleted = 0 "
        "AND id >= :p AND id < :p || char(1114111) LIMIT 2",
        {"p": prefix.lower()},
    )
    return [CustomerRow(**row) for row in rows]


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    kind: str
    at: datetime
    outcome: str | None
    notes: str | None
    satisfaction: int | None
    complaint_status: str | None
    deal_id: str | None
    deal_title: str | None
    owner: str | None


def customer_timeline(
    store: Store, customer_id: str, limit: int | None = 300, *, feedback_only: bool = False
) -> list[TimelineEntry]:
    """A customer's activities, newest first; `feedback_only`: those with a
    satisfaction score, and complaints."""
    feedback = "AND (a.satisfaction IS NOT NULL OR a.kind = 'complaint')" if feedback_only else ""
    rows = fetch_all(
        store.db,
        f"""
        SELECT a.id, a.kind, a.at, a.outcome, a.notes, a.satisfaction, a.complaint_status,
               a.deal_id, d.title AS deal_title, a.owner
        FROM activities a LEFT JOIN deals d ON d.id = a.deal_id
        WHERE a.customer_id = ? AND a.deleted = 0 {feedback}
        ORDER BY a.at DESC, a.id DESC LIMIT ?
        """,
        [customer_id, -1 if limit is None else limit],
    )
    return [TimelineEntry(**row | {"at": datetime.fromisoformat(row["at"])}) for row in rows]


@dataclass(frozen=True)
class DealCard:
    """A deal as the pipeline and Today see it."""

    id: str
    title: str
    customer_id: str | None
    customer_name: str | None
    tier: str | None
    owner: str | None
    stage: str
    stage_label: str
    rot_days: int | None
    amount: int
    currency: str
    probability: int  # the deal's own, or its stage's default
    expected_close: date | None
    closed_on: date | None
    next_step: str | None
    reason: str | None
    entered_stage: datetime | None  # when it moved into its current stage
    next_follow_up: date | None  # the earliest open follow-up due today or later
    has_open_follow_up: bool  # any open follow-up, overdue ones included

    @property
    def has_future_follow_up(self) -> bool:
        return self.next_follow_up is not None


def deal_cards(
    store: Store,
    today: date,
    owner: str | None,
    *,
    closed_since: date | None = None,
    customer_id: str | None = None,
    min_amount: int = 0,
    close_from: date | None = None,
    close_until: date | None = None,
) -> list[DealCard]:
    """Open deals (and, with `closed_since`, deals won or lost since then),
    optionally only one customer's, at least `min_amount`, or closing (or
    closed) in [close_from, close_until)."""
    filters = [
        _only("d.owner", owner),
        _only("d.customer_id", customer_id),
        "AND (s.kind = 'open' OR d.closed_on >= :closed_since)"
        if closed_since
        else "AND s.kind = 'open'",
        "AND d.amount >= :min_amount" if min_amount else "",
        "AND coalesce(d.closed_on, d.expected_close) >= :close_from" if close_from else "",
        "AND coalesce(d.closed_on, d.expected_close) < :close_until" if close_until else "",
    ]
    rows = fetch_packed(
        store.db,
        f"""
        SELECT d.id, d.title, d.customer_id, c.name AS customer_name, c.tier, d.owner,
               d.stage, s.label AS stage_label, s.rot_days, d.amount, d.currency,
               coalesce({PROBABILITY}, 0) AS probability,
               d.expected_close, d.closed_on, d.next_step, d.reason,
               (SELECT max(h.at) FROM stage_history h
                 WHERE h.deal_id = d.id AND h.deleted = 0) AS entered_stage,
               (SELECT min(f.due_date) FROM follow_ups f WHERE f.deal_id = d.id
                 AND f.deleted = 0 AND f.done_at IS NULL AND f.due_date >= :today)
                 AS next_follow_up,
               EXISTS (SELECT 1 FROM follow_ups f WHERE f.deal_id = d.id AND f.deleted = 0
                       AND f.done_at IS NULL) AS has_open_follow_up
        FROM deals d
        JOIN stages s ON s.id = d.stage
        LEFT JOIN customers c ON c.id = d.customer_id
        WHERE d.deleted = 0 {" ".join(filters)}
        """,
        {
            "owner": owner,
            "customer_id": customer_id,
            "today": today.isoformat(),
            "closed_since": closed_since.isoformat() if closed_since else None,
            "min_amount": min_amount,
            "close_from": close_from.isoformat() if close_from else None,
            "close_until": close_until.isoformat() if close_until else None,
        },
        DealCard,
    )
    return [
        DealCard(
            **row
            | {
                "expected_close": as_date(row["expected_close"]),
                "closed_on": as_date(row["closed_on"]),
                "entered_stage": as_moment(row["entered_stage"]),
                "next_follow_up": as_date(row["next_follow_up"]),
                "has_open_follow_up": bool(row["has_open_follow_up"]),
            }
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AccountContact:
    id: str
    name: str
    tier: str | None
    last_contact: datetime | None
    has_open_follow_up: bool


def accounts_last_contact(store: Store, owner: str | None) -> list[AccountContact]:
    """A rep's customers with when they were last contacted (any activity)."""
    rows = fetch_packed(
        store.db,
        f"""
        SELECT c.id, c.name, c.tier,
               (SELECT max(a.at) FROM activities a
                 WHERE a.customer_id = c.id AND a.deleted = 0) AS last_contact,
               EXISTS (SELECT 1 FROM follow_ups f WHERE f.customer_id = c.id
                       AND f.deleted = 0 AND f.done_at IS NULL) AS has_open_follow_up
        FROM customers c
        WHERE c.deleted = 0 {_only("c.owner", owner)}
        """,
        {"owner": owner},
        AccountContact,
    )
    return [
        AccountContact(
            **row
            | {
                "last_contact": as_moment(row["last_contact"]),
                "has_open_follow_up": bool(row["has_open_follow_up"]),
            }
        )
        for row in rows
    ]


@dataclass(frozen=True)
class StageStep:
    from_stage: str | None
    to_stage: str
    at: datetime
    rep: str | None  # the rep's name


def deal_history(store: Store, deal_id: str) -> list[StageStep]:
    """A deal's moves between stages, oldest first."""
    rows = fetch_all(
        store.db,
        """
        SELECT h.from_stage, h.to_stage, h.at, r.name AS rep
        FROM stage_history h LEFT JOIN reps r ON r.id = h.owner
        WHERE h.deal_id = ? AND h.deleted = 0 ORDER BY h.at, h.id
        """,
        [deal_id],
    )
    return [StageStep(**row | {"at": datetime.fromisoformat(row["at"])}) for row in rows]


def deal_activities(store: Store, deal_id: str, limit: int = 200) -> list[TimelineEntry]:
    """What happened on a deal, newest first."""
    rows = fetch_all(
        store.db,
        """
        SELECT a.id, a.kind, a.at, a.outcome, a.notes, a.satisfaction, a.complaint_status,
               a.deal_id, NULL AS deal_title, a.owner
        FROM activities a WHERE a.deal_id = ? AND a.deleted = 0
        ORDER BY a.at DESC, a.id DESC LIMIT ?
        """,
        [deal_id, limit],
    )
    return [TimelineEntry(**row | {"at": datetime.fromisoformat(row["at"])}) for row in rows]


def deal_follow_ups(store: Store, deal_id: str) -> list[tuple[date, str]]:
    """A deal's open follow-ups: (due date, what), earliest first."""
    rows = store.db.execute(
        "SELECT due_date, title FROM follow_ups WHERE deal_id = ? AND deleted = 0 "
        "AND done_at IS NULL ORDER BY due_date, id",
        [deal_id],
    ).fetchall()
    return [(date.fromisoformat(due), title) for due, title in rows]


@dataclass(frozen=True)
class PlannedVisit:
    id: str
    kind: str  # visit or meeting
    at: datetime
    duration_min: int | None
    customer_name: str | None
    address: str | None
    contact_name: str | None
    deal_title: str | None
    notes: str | None


def planned_visits(
    store: Store, after: datetime, until: datetime, owner: str | None
) -> list[PlannedVisit]:
    """Visits and meetings logged for a moment in (after, until], earliest first:
    what a rep put in the diary ahead of time."""
    rows = fetch_all(
        store.db,
        f"""
        SELECT a.id, a.kind, a.at, a.duration_min, c.name AS customer_name, c.address,
               p.name AS contact_name, d.title AS deal_title, a.notes
        FROM activities a
        LEFT JOIN customers c ON c.id = a.customer_id
        LEFT JOIN contacts p ON p.id = a.contact_id AND p.deleted = 0
        LEFT JOIN deals d ON d.id = a.deal_id AND d.deleted = 0
        WHERE a.kind IN ('visit', 'meeting') AND a.deleted = 0 {_only("a.owner", owner)}
          AND a.at > :after AND a.at <= :until
        ORDER BY a.at, a.id
        """,
        {"owner": owner, "after": utc_text(after), "until": utc_text(until)},
    )
    return [PlannedVisit(**row | {"at": datetime.fromisoformat(row["at"])}) for row in rows]


def counts(store: Store) -> dict[str, int]:
    """How many live records of each kind the database holds."""
    tables = ("reps", "customers", "contacts", "deals", "activities", "follow_ups", "targets")
    return {
        table: store.db.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
        for table in tables
    }


def rep_list(store: Store) -> list[dict[str, Any]]:
    """Every rep by name: id, name, e-mail, phone, team and manager's name."""
    return fetch_all(
        store.db,
        """
        SELECT r.id, r.name, r.email, r.phone, r.team, m.name AS manager
        FROM reps r LEFT JOIN reps m ON m.id = r.manager_id AND m.deleted = 0
        WHERE r.deleted = 0 ORDER BY r.name, r.id
    """,
    )


def rep_names(store: Store) -> dict[str, str]:
    return dict(store.db.execute("SELECT id, name FROM reps WHERE deleted = 0").fetchall())


def as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def as_moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class TargetRow:
    rep_id: str
    period: str
    metric: str
    amount: int
    currency: str | None


def targets_set(store: Store, rep_id: str | None) -> list[TargetRow]:
    """The targets set by hand, for one rep or everyone, by period and metric."""
    rows = fetch_all(
        store.db,
        "SELECT rep_id, period, metric, amount, currency FROM targets "
        f"WHERE deleted = 0 {_only('rep_id', rep_id)} ORDER BY rep_id, period, metric, id",
        {"rep_id": rep_id},
    )
    return [TargetRow(**row) for row in rows]
