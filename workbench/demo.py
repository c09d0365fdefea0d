"""A deterministic, realistic demo data set.

The same seed and the same "today" give the same database, down to the ids.
Me plus three teammates; customers in tiers A/B/C across industries, with
contacts, deals over every stage (with their stage history), a year of
calls, visits and emails, follow-ups around today (some overdue, some
recurring) and this year's targets.

Records are generated customer by customer and written in bulk
(`Store.add_many`): `--customers 100000` streams rather than holding the
data set in memory.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from workbench.domain.clock import utc_text
from workbench.domain.models import (
    OUTCOMES_BY_KIND,
    Activity,
    ActivityKind,
    Contact,
    Customer,
    Deal,
    FollowUp,
    Rep,
    StageMove,
    Target,
)
from workbench.i18n import tr
from workbench.store.database import Store, chunks

CURRENCY = "CNY"


@dataclass(frozen=True)
class Shape:
    """How much of everything to make, per customer."""

    customers: int = 200
    contacts: float = 3.0
    deals: float = 0.75
    activities: float = 10.0
    follow_ups: float = 1.0


# The benchmark reference data set of shared/DESIGN.md: 100k customers, 300k
# contacts, 200k deals, 2M activities, 200k follow-ups.
REFERENCE = Shape(customers=100_000, contacts=3.0, deals=2.0, activities=20.0, follow_ups=2.0)

REPS = ("Alex Chen", "Wang Fang", "Sam Patel", "Liu Yang")  # the first is me
TEAMS = ("East", "South")
# A rep looks after a few hundred accounts: larger data sets have more reps,
# so "me" keeps a realistic book (and Today a realistic list) at any size.
CUSTOMERS_PER_REP = 250
_SYLLABLES = (
    ("Heng", "恒"),
    ("Tai", "泰"),
    ("Xin", "鑫"),
    ("Hua", "华"),
    ("Da", "达"),
    ("Jin", "金"),
    ("Feng", "丰"),
    ("Yuan", "源"),
    ("Sheng", "盛"),
    ("Tong", "通"),
    ("Kang", "康"),
    ("Rui", "瑞"),
    ("Bo", "博"),
    ("Hong", "宏"),
    ("Long", "隆"),
    ("Mei", "美"),
    ("Tian", "天"),
    ("Zhong", "中"),
    ("An", "安"),
    ("Chang", "昌"),
)
_CITIES = (
    ("Shanghai", "上海", "21"),
    ("Suzhou", "苏州", "512"),
    ("Shenzhen", "深圳", "755"),
    ("Hangzhou", "杭州", "571"),
    ("Beijing", "北京", "10"),
    ("Guangzhou", "广州", "20"),
    ("Chengdu", "成都", "28"),
    ("Wuhan", "武汉", "27"),
)
_TRADES = (
    ("Machinery", "机械", "Manufacturing"),
    ("Trading", "贸易", "Wholesale"),
    ("Pharma", "医药", "Healthcare"),
    ("Logistics", "物流", "Logistics"),
    ("Electronics", "电子", "Manufacturing"),
    ("Foods", "食品", "Food & Beverage"),
    ("Textiles", "纺织", "Manufacturing"),
    ("Construction", "建设", "Construction"),
    ("Software", "软件", "Software"),
    ("Energy", "能源", "Energy"),
    ("Retail", "零售", "Retail"),
    ("Education", "教育", "Education"),
)
_SURNAMES = (
    "Zhang",
    "Wang",
    "Li",
    "Zhao",
    "Chen",
    "Liu",
    "Yang",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
)
_GIVEN = (
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Lei",
    "Qiang",
    "Yan",
    "Jun",
    "Hui",
    "Tao",
    "Ming",
    "Chao",
    "Xiu",
    "Ping",
    "Gang",
    "Hong",
    "Li",
    "Yi",
    "Ning",
)
_TITLES = (
    "Purchasing Manager",
    "General Manager",
    "Plant Engineer",
    "Finance Director",
    "Operations Manager",
    "IT Manager",
    "Procurement Specialist",
    "CEO",
)
_PRODUCTS = (
    "Pump upgrade",
    "Annual service contract",
    "Conveyor line",
    "ERP rollout",
    "Packaging machines",
    "Spare parts framework",
    "Cold-chain fleet",
    "Sensor retrofit",
    "Training package",
    "Warehouse automation",
)
_SOURCES = ("Referral", "Trade show", "Website", "Cold call", "Partner")
_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
_SEGMENTS = {"A": "Enterprise", "B": "Mid-market", "C": "SMB"}
_TIER_SHARES = {"A": 0.1, "B": 0.3, "C": 0.6}


def _per_tier(weights: dict[str, float]) -> dict[str, float]:
    """Weights scaled to average 1 over the tiers, so a Shape rate stays a mean."""
    mean = sum(_TIER_SHARES[tier] * weight for tier, weight in weights.items())
    return {tier: weight / mean for tier, weight in weights.items()}


# Key accounts get more attention: more deals, more calls and visits.
_DEAL_WEIGHTS = _per_tier({"A": 2.0, "B": 1.2, "C": 0.6})
_ACTIVITY_WEIGHTS = _per_tier({"A": 2.0, "B": 1.0, "C": 0.6})
_AMOUNTS = {"A": (200_000, 2_000_000), "B": (50_000, 500_000), "C": (8_000, 120_000)}
_ACTIVITY_KINDS = (
    ("call",) * 9
    + ("email",) * 4
    + ("visit",) * 3
    + ("meeting",) * 2
    + (
        "note",
        "complaint",
    )
)
_NOTES = {
    "call": (
        "Discussed pricing for the next order.",
        "Asked about delivery times.",
        "Interested in a demo next month.",
        "Budget approval still pending.",
        "Wants a revised quote with volume discount.",
    ),
    "visit": (
        "Toured the plant; two lines due for replacement.",
        "Met the new purchasing lead.",
        "Reviewed last quarter's service tickets.",
        "Presented the upgrade roadmap.",
    ),
    "meeting": (
        "Kick-off with their engineering team.",
        "Quarterly business review.",
        "Contract terms walk-through.",
    ),
    "email": (
        "Sent the brochure and reference list.",
        "Followed up on the quote.",
        "Shared the case study they asked for.",
    ),
    "note": (
        "Competitor offered 8% lower price.",
        "Decision maker changes in January.",
        "Prefers WeChat for quick questions.",
    ),
    "complaint": (
        "Delivery arrived two days late.",
        "Invoice had the wrong tax rate.",
        "Spare part did not fit the model.",
    ),
}
_FOLLOW_UPS = (
    "Call back about the quote",
    "Send revised proposal",
    "Visit the plant",
    "Check delivery status",
    "Quarterly review",
    "Confirm budget approval",
    "回访客户",
    "Invite to product demo",
)
_RECURRENCES = ("FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=WEEKLY;BYDAY=MO")
_WON = ("Best total cost of ownership", "Existing relationship", "Fast delivery promise")
_LOST = ("Price too high", "Went with competitor", "Project cancelled", "No budget this year")
_OPEN_STAGES = ("lead", "qualified", "needs", "proposal", "negotiation")


@dataclass
class _Maker:
    """The generator's state: one random source, so a seed fixes everything."""

    rng: random.Random
    today: date
    now: datetime
    shape: Shape
    reps: list[str] = field(default_factory=list)
    # Me twice as likely as each teammate to own a customer (cumulative weights).
    owner_weights: list[int] = field(default_factory=list)

    def id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def count(self, rate: float, weight: float = 1.0) -> int:
        """A whole number averaging `rate * weight`."""
        mean = rate * weight
        whole = int(mean)
        return whole + (self.rng.random() < mean - whole)

    def moment(self, days_ago_max: int, days_ago_min: int = 0) -> datetime:
        """A business-hours moment between `days_ago_max` and `days_ago_min` days ago."""
        day = self.today - timedelta(days=self.rng.randint(days_ago_min, days_ago_max))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        at = time(self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))
        return datetime.combine(day, at, tzinfo=self.now.tzinfo)

    def base(self, owner: str, created: datetime) -> dict[str, Any]:
        return {"id": self.id(), "created_at": utc_text(created), "owner": owner, "deleted": False}

    # --- one customer and everything about it ---------------------------------

    def customer(self) -> dict[str, Any]:
        rng = self.rng
        (py1, zh1), (py2, zh2) = rng.sample(_SYLLABLES, 2)
        city, city_zh, area = rng.choice(_CITIES)
        trade, trade_zh, industry = rng.choice(_TRADES)
        tier = rng.choices("ABC", weights=tuple(_TIER_SHARES.values()))[0]
        chinese = rng.random() < 0.25
        name = (
            f"{city_zh}{zh1}{zh2}{trade_zh}有限公司"
            if chinese
            else f"{py1}{py2.lower()} {trade} Co., Ltd."
        )
        domain = f"{py1}{py2}-{trade}.cn".lower()
        owner = rng.choices(self.reps, cum_weights=self.owner_weights)[0]
        return self.base(owner, self.moment(1000, 200)) | {
            "name": name,
            "kind": "company",
            "industry": industry,
            "size": rng.choice(_SIZES),
            "segment": _SEGMENTS[tier],
            "tier": tier,
            "source": rng.choice(_SOURCES),
            "address": f"{rng.randint(1, 999)} {py1} Road, {city}",
            "phone": f"+86 {area} {rng.randint(5000, 8999)} {rng.randint(1000, 9999)}",
            "email": f"info@{domain}",
            "tags": ["key account"] if tier == "A" and rng.random() < 0.5 else [],
            "notes": None,
            "merged_into": None,
        }

    def contacts(self, customer: dict[str, Any]) -> list[dict[str, Any]]:
        domain = customer["email"].split("@")[1]
        made = []
        for _ in range(max(1, self.count(self.shape.contacts))):
            surname, given = self.rng.choice(_SURNAMES), self.rng.choice(_GIVEN)
            made.append(
                self.base(customer["owner"], self.moment(900, 150))
                | {
                    "customer_id": customer["id"],
                    "name": f"{surname} {given}",
                    "title": self.rng.choice(_TITLES),
                    "phone": f"+86 13{self.rng.randint(0, 9)} {self.rng.randint(1000, 9999)} "
                    f"{self.rng.randint(1000, 9999)}",
                    "email": f"{given}.{surname}@{domain}".lower(),
                    "notes": None,
                }
            )
        return made

    def deal(self, customer: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A deal and its stage history, consistent with each other."""
        rng, owner = self.rng, customer["owner"]
        created = self.moment(365, 5)
        low, high = _AMOUNTS[customer["tier"]]
        amount = round(rng.uniform(low, high), -3) * 100  # whole thousands of yuan, in fen
        fate = rng.choices(("open", "won", "lost"), weights=(5, 3, 2))[0]
        reached = rng.randint(0, 4) if fate != "won" else 4
        path = list(_OPEN_STAGES[: reached + 1]) + ([fate] if fate != "open" else [])
        end = min(self.now, created + timedelta(days=rng.randint(15, 150)))
        if fate == "open":
            end = self.now - timedelta(days=rng.choice((0, 1, 3, 8, 20, 40)))
            end = max(end, created)
        moves, moments = [], _spread(rng, created, end, len(path))
        for index, (stage, at) in enumerate(zip(path, moments, strict=True)):
            moves.append(
                self.base(owner, at)
                | {
                    "deal_id": None,
                    "from_stage": path[index - 1] if index else None,
                    "to_stage": stage,
                    "at": utc_text(at),
                }
            )
        closed = fate != "open"
        deal = self.base(owner, created) | {
            "customer_id": customer["id"],
            "title": f"{rng.choice(_PRODUCTS)}",
            "amount": int(amount),
            "currency": CURRENCY,
            "stage": path[-1],
            "probability": rng.choice((None, None, None, 30, 50, 70)) if not closed else None,
            "expected_close": (
                moments[-1].date().isoformat()
                if closed
                else (self.today + timedelta(days=rng.randint(-20, 90))).isoformat()
            ),
            "next_step": (
                rng.choice(("Send quote", "Book a demo", "Meet the CFO", None))
                if not closed
                else None
            ),
            "reason": rng.choice(_WON if fate == "won" else _LOST) if closed else None,
            "closed_on": moments[-1].date().isoformat() if closed else None,
        }
        for move in moves:
            move["deal_id"] = deal["id"]
        return deal, moves

    def activities(
        self, customer: dict[str, Any], contacts: list[dict[str, Any]], deals: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        weight = _ACTIVITY_WEIGHTS[customer["tier"]]
        # Some customers go quiet for a while: key accounts the Today pane should flag.
        quiet = rng.choice((0, 0, 0, 20, 45, 90, 150))
        made = []
        for _ in range(self.count(self.shape.activities, weight)):
            kind = rng.choice(_ACTIVITY_KINDS)
            at = self.moment(365, quiet)
            # No calls about a deal before it existed.
            open_then = [d for d in deals if d["created_at"] <= utc_text(at)]
            outcomes = OUTCOMES_BY_KIND[ActivityKind(kind)]
            made.append(
                self.base(customer["owner"], at)
                | {
                    "kind": kind,
                    "customer_id": customer["id"],
                    "deal_id": (
                        rng.choice(open_then)["id"] if open_then and rng.random() < 0.4 else None
                    ),
                    "contact_id": rng.choice(contacts)["id"] if contacts else None,
                    "at": utc_text(at),
                    "duration_min": rng.choice((5, 10, 15, 30, 60, 90)) if kind != "note" else None,
                    "outcome": rng.choice(outcomes).value if outcomes else None,
                    "satisfaction": (
                        rng.choices((2, 3, 4, 5), weights=(1, 2, 4, 3))[0]
                        if kind in ("visit", "call") and rng.random() < 0.3
                        else None
                    ),
                    "notes": rng.choice(_NOTES[kind]),
                    "complaint_status": (
                        ("resolved" if rng.random() < 0.7 else "open")
                        if kind == "complaint"
                        else None
                    ),
                }
            )
        return made

    def follow_ups(
        self, customer: dict[str, Any], deals: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        made = []
        for _ in range(self.count(self.shape.follow_ups)):
            due = self.today + timedelta(days=rng.randint(-10, 21))
            done = due < self.today and rng.random() < 0.3
            made.append(
                self.base(customer["owner"], self.moment(40, 1))
                | {
                    "title": rng.choice(_FOLLOW_UPS),
                    "customer_id": customer["id"],
                    "deal_id": rng.choice(deals)["id"] if deals and rng.random() < 0.5 else None,
                    "due_date": due.isoformat(),
                    "due_time": f"{rng.randint(9, 17):02d}:00:00" if rng.random() < 0.3 else None,
                    "recurrence": rng.choice(_RECURRENCES) if rng.random() < 0.1 else None,
                    "done_at": utc_text(datetime.combine(due, time(16), UTC)) if done else None,
                    "snoozed_until": None,
                }
            )
        return made

    def targets(self) -> list[dict[str, Any]]:
        year = str(self.today.year)
        made = []
        for index, rep in enumerate(self.reps):
            scale = 1.0 if index == 0 else 0.8 + 0.1 * (index % 4)
            for metric, amount, currency in (
                ("revenue", int(12_000_000 * scale) * 100, CURRENCY),
                ("won_deals", int(40 * scale), None),
                ("new_customers", int(36 * scale), None),
                ("calls", int(2400 * scale), None),
                ("visits", int(300 * scale), None),
            ):
                made.append(
                    self.base(rep, datetime(self.today.year, 1, 2, tzinfo=UTC))
                    | {
                        "id": Target.id_for(rep, metric, year),
                        "rep_id": rep,
                        "period": year,
                        "metric": metric,
                        "amount": amount,
                        "currency": currency,
                    }
                )
        return made


def _spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` ordered moments from `start` to `end` (the first is `start`)."""
    span = max((end - start).total_seconds(), 0)
    offsets = sorted(rng.uniform(0, span) for _ in range(count - 1))
    return [start] + [start + timedelta(seconds=offset) for offset in offsets]


@dataclass
class _Customer360:
    customer: dict[str, Any]
    contacts: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    moves: list[dict[str, Any]]
    activities: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]


def _customers(maker: _Maker) -> Iterator[_Customer360]:
    for _ in range(maker.shape.customers):
        customer = maker.customer()
        contacts = maker.contacts(customer)
        weight = _DEAL_WEIGHTS[customer["tier"]]
        deals, moves = [], []
        for _ in range(maker.count(maker.shape.deals, weight)):
            deal, history = maker.deal(customer)
            deals.append(deal)
            moves.extend(history)
        yield _Customer360(
            customer,
            contacts,
            deals,
            moves,
            maker.activities(customer, contacts, deals),
            maker.follow_ups(customer, deals),
        )


def _rep_names(rng: random.Random, count: int) -> list[str]:
    extra = [f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}" for _ in range(count - len(REPS))]
    return [*REPS, *extra]


class NotEmpty(Exception):
    pass


def generate(store: Store, *, seed: int = 7, shape: Shape = Shape(), force: bool = False) -> None:
    """Fill `store` with demo data. Refuses a database that already has
    customers unless `force` (then the demo is added beside them)."""
    if not force and store.db.execute("SELECT 1 FROM customers LIMIT 1").fetchone():
        raise NotEmpty(tr("the database already has customers; use --force to add the demo anyway"))
    now = store.clock.now()
    maker = _Maker(random.Random(seed), now.date(), now, shape)
    settings = store.settings()
    reps = [
        maker.base("", datetime(now.year - 2, 3, 1, tzinfo=UTC))
        | {"name": name, "email": None, "phone": None}
        for name in _rep_names(maker.rng, max(len(REPS), -(-shape.customers // CUSTOMERS_PER_REP)))
    ]
    for index, rep in enumerate(reps):  # two regions, each led by its first rep
        lead = reps[index % len(TEAMS)]
        rep |= {
            "owner": rep["id"],
            "team": TEAMS[index % len(TEAMS)],
            "manager_id": None if lead is rep else lead["id"],
        }
    maker.reps = [rep["id"] for rep in reps]
    maker.owner_weights = [2 * index + 4 for index in range(len(reps))]
    if store.get(Rep, maker.reps[0]) is not None:
        raise NotEmpty(
            tr(
                "the demo for seed {seed} is already in this database; try another --seed",
                seed=seed,
            )
        )
    with store.transaction():
        store.add_many(Rep, reps)
        if settings.me is None:  # a forced demo never takes over an existing rep's database
            store.save_settings(replace(settings, me=maker.reps[0], currency=CURRENCY))
            store.register_device()
        store.add_many(Target, maker.targets())
    # One transaction per chunk keeps the write-ahead log small at 100k customers.
    with store.bulk_load():
        _write_customers(store, maker)


def _write_customers(store: Store, maker: _Maker) -> None:
    for chunk in chunks(_customers(maker), 500):
        with store.transaction():
            store.add_many(Customer, (c.customer for c in chunk))
            store.add_many(Contact, (k for c in chunk for k in c.contacts))
            store.add_many(Deal, (d for c in chunk for d in c.deals))
            store.add_many(StageMove, (m for c in chunk for m in c.moves))
            store.add_many(Activity, (a for c in chunk for a in c.activities))
            store.add_many(FollowUp, (f for c in chunk for f in c.follow_ups))
