"""A team of three replicas, modelled: every write path the product has
(the store's actions, which the app's screens call; the CLI; CSV updates by
id; stage set/add/move/delete, the defaults included; customer merges and
their undo; deletes; settling conflicts; renames, from a rep's second
computer and from a modified program), with bundles delivered late, out
of order, twice or never and sent again, and a drop folder that a file-syncing
tool fills half-written; clocks up to an hour apart. A team starts empty or
already synced once (so edits, moves, merges and settling have records to act
on from the first step), and two reps edit the same field at once often
enough that conflicts are settled on the way. At the end, after a full
exchange, every replica holds the same rows, log and conflicts; every write
that succeeded is in the log; every field shows the value the merge rule
picks and each other value is a recorded conflict.

`make test` runs WORKBENCH_MODEL_EXAMPLES (default 60) teams of up to
WORKBENCH_MODEL_STEPS (default 40) steps, the same ones each run; setting
either searches afresh (WORKBENCH_MODEL_EXAMPLES=500 for a long search), and
WORKBENCH_MODEL_FIGURES=FILE writes what the teams did.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import uuid
from collections import Counter
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.sync.bundles import content, read_bundle_file, write_bundle
from workbench.cli import cli
from workbench.domain.clock import FixedClock
from workbench.domain.hlc import Stamp
from workbench.domain.merge import FieldChange, resolve
from workbench.domain.models import (
    ActivityKind,
    Contact,
    Customer,
    Deal,
    Metric,
    Rep,
)
from workbench.domain.stages import StageKind
from workbench.domain.when import When
from workbench.store import actions, duplicates, pipeline, trash
from workbench.store.database import NotFound, Store, open_store
from workbench.store.location import DeviceRegistry
from workbench.store.schema import ENTITIES
from workbench.store.undo import CannotUndo, undo
from workbench.sync import conflicts
from workbench.sync.export import export_bundle
from workbench.sync.folder import sync_folder
from workbench.sync.importer import import_bundle

EXAMPLES = int(os.environ.get("WORKBENCH_MODEL_EXAMPLES", "60"))
STEPS = int(os.environ.get("WORKBENCH_MODEL_STEPS", "40"))
REPLICAS = 3
START = datetime.fromisoformat("2026-11-23T09:30:00+08:00")

who = st.integers(0, REPLICAS - 1)
pick = st.integers(0, 1_000)
names = st.sampled_from(["Acme", "Beta 贝塔", "[b]Delta[/b]", "[/]", "עברית Ltd", "x" * 200])
texts = st.sampled_from(["call Mon", "下周二拜访", "[bold]quote[/]", "", "  padded  "])
amounts = st.sampled_from([0, 1, 99, 1_234_567_89])
probabilities = st.sampled_from([0, 10, 60, 100])
new_stages = st.sampled_from(["trial", "pilot", "review"])
customer_values = st.sampled_from(["A", "C", "+86 21 5555 0100", None])
DEAL_VALUES: dict[str, list[Any]] = {
    "amount": [0, 5_000_00, 1_234_567_89],
    "probability": [0, 35, None],
    "next_step": ["send the quote", None, "[/draft]"],
}
periods = st.sampled_from(["2026-12", "2026-Q4", "2026", "2026-W49"])
# Ids (records, devices, bundles) drawn from a seed each team starts again,
# so a failing team is the same team when hypothesis replays and shrinks it.
IDS = random.Random()
# What the teams did, added up; written to $WORKBENCH_MODEL_FIGURES if set.
FIGURES: Counter[str] = Counter()

FORGER = "forger"  # the device a modified program writes under, claimed by nobody
# Anything a replica refuses is a refusal, not a failure: the model checks
# only that a refused write changes nothing.
REFUSED = (ValueError, NotFound, LookupError, CannotUndo)
KIND_OF = {model.entity: kind for kind, model in trash.KINDS.items()}


class Team(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        IDS.seed(0)
        self.root = Path(tempfile.mkdtemp(prefix="wb-model-"))
        self.folder = self.root / "team"
        self.folder.mkdir()
        self.registry = DeviceRegistry.default()  # as the CLI finds it: one device per file
        self.clocks = [FixedClock(START) for _ in range(REPLICAS)]
        self.skew = [timedelta(0)] * REPLICAS
        self.stores = [self._open(i) for i in range(REPLICAS)]
        for i, store in enumerate(self.stores[:-1]):  # the last: whose, `start` decides
            actions.set_me(store, f"Rep {i}")
        self.mail: list[tuple[Path, int]] = []  # (bundle, to whom): sent, not yet delivered
        self.delivered: list[tuple[Path, int]] = []  # may arrive again
        self.written: set[tuple[str, int]] = set()  # every change a write made
        self.sent = 0
        self.set_aside: dict[Path, bytes] = {}  # folder files a sync tool has half-written
        self.forged = 0  # changes a modified program wrote

    def _open(self, i: int) -> Store:
        return open_store(self.root / f"r{i}.db", clock=self.clocks[i], registry=self.registry)

    # --- helpers -----------------------------------------------------------------------------

    def _live(self, i: int, entity: str, index: int, where: str = "") -> str | None:
        ids = [
            row[0]
            for row in self.stores[i].db.execute(
                f"SELECT id FROM {entity} WHERE deleted = 0 {where} ORDER BY id"
            )
        ]
        return ids[index % len(ids)] if ids else None

    def _write(self, i: int, what: str, do: Any) -> None:
        """Run one write (`what` path) at replica i: it succeeds and is
        logged, or it is refused and changes nothing."""
        store = self.stores[i]
        before = content(store)
        top = _top(store)
        FIGURES[f"tried: {what}"] += 1
        try:
            do(store)
        except REFUSED:
            assert content(store) == before, "a refused write changed the database"
            FIGURES["refused writes"] += 1
            return
        self.written |= _made_since(store, top)
        FIGURES["writes"] += 1
        FIGURES[f"write: {what}"] += 1

    def _cli(self, i: int, what: str, *args: str) -> None:
        store = self.stores[i]
        top = _top(store)
        FIGURES[f"tried: {what}"] += 1
        env = {"WORKBENCH_NOW": self.clocks[i].now().isoformat()}
        result = CliRunner().invoke(cli, ["--db", str(store.path), *args], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        self.written |= _made_since(store, top)
        FIGURES["cli writes" if result.exit_code == 0 else "cli refusals"] += 1
        FIGURES[f"write: {what}"] += result.exit_code == 0

    # --- where a team starts --------------------------------------------------------------

    @initialize(shared=st.booleans(), whose=st.sampled_from(["own", "twin", "imported"]))
    def start(self, shared: bool, whose: str) -> None:
        """The last replica is a third rep's, the first rep's second computer
        (`twin`), or a third rep's whom the first imported before they joined.
        Then empty databases, or a team that has synced once: customers with
        contacts, deals in several stages, an open complaint and a follow-up
        that every replica holds, so edits, moves, merges and conflicts have
        something to act on from the first step."""
        last = REPLICAS - 1
        if whose == "imported":
            self.stores[0].add(Rep(name=f"Rep {last}", email="rep@example.com"))
        if whose != "own":
            self._swap(0, last)
            FIGURES[f"teams whose last computer is {whose}"] += 1
        actions.set_me(self.stores[last], f"Rep {0 if whose == 'twin' else last}")
        if not shared:
            return
        first = self.stores[0]
        for n, (name, stage) in enumerate(
            [("Acme", "lead"), ("Beta 贝塔", "needs"), ("[b]Delta[/b]", "proposal")]
        ):
            customer = first.add(Customer(name=name, tier="B"))
            first.add(Contact(customer_id=customer.id, name=f"Buyer {n}"))
            actions.add_deal(
                first,
                Deal(
                    customer_id=customer.id,
                    title="Conveyor line",
                    amount=1_000_00,
                    currency="CNY",
                    stage=stage,
                ),
            )
        actions.log_activity(first, ActivityKind.COMPLAINT, customer, note="late delivery")
        actions.add_follow_up(
            first, customer.id, "Call back", When(self.clocks[0].today(), None, None)
        )
        self.written |= _made_since(first, 0)
        for to in (1, 2):
            self._swap(0, to)

    # --- customers, contacts ---------------------------------------------------------------

    @rule(i=who, name=names)
    def add_customer(self, i: int, name: str) -> None:
        self._write(i, "add_customer", lambda s: s.add(Customer(name=name, tier="B")))

    @rule(
        i=who,
        n=pick,
        field=st.sampled_from(["name", "tier", "phone", "notes", "tags"]),
        value=st.one_of(names, customer_values),
    )
    def edit_customer(self, i: int, n: int, field: str, value: Any) -> None:
        if field == "tags":
            value = [] if value is None else ["key", "pumps"]
        if (customer := self._live(i, "customers", n)) is not None:
            self._write(
                i, "edit_customer", lambda s: s.update(Customer, customer, **{field: value})
            )

    @rule(i=who, n=pick, name=names)
    def add_contact(self, i: int, n: int, name: str) -> None:
        if (customer := self._live(i, "customers", n)) is not None:
            self._write(i, "add_contact", lambda s: s.add(Contact(customer_id=customer, name=name)))

    @rule(i=who, n=pick, phone=st.sampled_from(["+86 10 1234 5678", None]))
    def edit_contact(self, i: int, n: int, phone: str | None) -> None:
        if (contact := self._live(i, "contacts", n)) is not None:
            self._write(i, "edit_contact", lambda s: s.update(Contact, contact, phone=phone))

    @rule(
        i=who,
        n=pick,
        entity=st.sampled_from(["customers", "contacts", "deals", "follow_ups", "activities"]),
    )
    def delete(self, i: int, n: int, entity: str) -> None:
        """Into the Trash: a customer with its records, a deal with its open follow-ups."""
        if (record := self._live(i, entity, n)) is not None:
            self._write(i, "delete", lambda s: trash.delete(s, KIND_OF[entity], record))

    @precondition(lambda self: FIGURES["write: delete"] > 0)  # (often enough to matter)
    @rule(i=who, n=pick)
    def restore(self, i: int, n: int) -> None:
        """Out of the Trash, with what went with it (refused for a record
        whose customer was deleted apart from it)."""
        deletions = trash.trash(self.stores[i])
        if deletions:
            chosen = deletions[n % len(deletions)].id
            self._write(i, "restore", lambda s: trash.restore(s, chosen))

    @rule(i=who, back=st.integers(1, 3))
    def take_back(self, i: int, back: int) -> None:
        """ctrl+z: one of this replica's last writes taken back (refused when a
        field changed since), an undo's own included."""
        written = self.stores[i].written
        if len(written) >= back:
            stamp = written[-back]
            self._write(i, "undo", lambda s: undo(s, [stamp]))

    @rule(i=who, n=pick, m=pick, undo=st.booleans())
    def merge_customers(self, i: int, n: int, m: int, undo: bool) -> None:
        """A merge, taken back at once (the rep chose the wrong pair) or left
        for `undo_merge` to take back later, or never."""
        first, second = self._live(i, "customers", n), self._live(i, "customers", m)
        if first and second and first != second:
            self._write(i, "merge_customers", lambda s: duplicates.merge(s, first, second, {}))
            if undo and duplicates.last_merge(self.stores[i]) is not None:
                self._write(i, "undo_merge", duplicates.undo_last_merge)

    def _able(self, can: Any) -> list[int]:
        return [i for i, store in enumerate(self.stores) if can(store)]

    @precondition(lambda self: self._able(duplicates.last_merge))
    @rule(n=pick)
    def undo_merge(self, n: int) -> None:
        able = self._able(duplicates.last_merge)
        self._write(able[n % len(able)], "undo_merge", duplicates.undo_last_merge)

    @rule(i=who, n=pick, tier=st.sampled_from("ABC"), name=names)
    def csv_update_by_id(self, i: int, n: int, tier: str, name: str) -> None:
        if (customer := self._live(i, "customers", n)) is None:
            return
        path = self.root / f"customers-{i}.csv"
        quoted = name.replace('"', '""')
        path.write_text(f'id,name,tier\n{customer},"{quoted}",{tier}\n', encoding="utf-8")
        self._cli(i, "csv_update_by_id", "import-csv", "customers", str(path))

    # --- deals and the pipeline ----------------------------------------------------------------

    def _open_stages(self, i: int) -> list[str]:
        return [k for k, kind in self.stores[i].stage_kinds().items() if kind == StageKind.OPEN]

    @rule(i=who, n=pick, amount=amounts, probability=st.one_of(st.none(), probabilities))
    def add_deal(self, i: int, n: int, amount: int, probability: int | None) -> None:
        if (customer := self._live(i, "customers", n)) is None:
            return
        if not (stages := self._open_stages(i)):
            return
        stage = stages[n % len(stages)]
        deal = Deal(
            customer_id=customer,
            title="Conveyor line",
            amount=amount,
            currency="CNY",
            stage=stage,
            probability=probability,
        )
        self._write(i, "add_deal", lambda s: actions.add_deal(s, deal))

    @rule(i=who, n=pick, m=pick)
    def move_deal(self, i: int, n: int, m: int) -> None:
        if (deal := self._live(i, "deals", n)) is not None:
            stages = list(self.stores[i].stage_kinds())
            to, reason = stages[m % len(stages)], "price" if m % 2 else None  # as Won/Lost ask
            self._write(i, "move_deal", lambda s: pipeline.move_deal(s, deal, to, reason=reason))

    @rule(i=who, n=pick, m=pick)
    def csv_deal_by_id(self, i: int, n: int, m: int) -> None:
        """A spreadsheet of deals, edited and imported again: a new stage is a move."""
        if (deal_id := self._live(i, "deals", n)) is None:
            return
        deal = self.stores[i].require(Deal, deal_id)
        stages = list(self.stores[i].stage_kinds())
        path = self.root / f"deals-{i}.csv"
        path.write_text(
            "id,title,customer_id,stage,amount\n"
            f"{deal.id},Conveyor line,{deal.customer_id},{stages[m % len(stages)]},"
            f"{m}\n",
            encoding="utf-8",
        )
        self._cli(i, "csv_deal_by_id", "import-csv", "deals", str(path))

    @rule(i=who, n=pick, field=st.sampled_from(["amount", "probability", "next_step"]), m=pick)
    def edit_deal(self, i: int, n: int, field: str, m: int) -> None:
        values = DEAL_VALUES[field]
        if (deal := self._live(i, "deals", n)) is not None:
            value = values[m % len(values)]
            self._write(i, "edit_deal", lambda s: s.update(Deal, deal, **{field: value}))

    @rule(i=who, n=pick, label=names, probability=st.one_of(st.none(), probabilities))
    def set_stage(self, i: int, n: int, label: str, probability: int | None) -> None:
        stages = list(self.stores[i].stage_kinds())
        key = stages[n % len(stages)]
        self._write(
            i,
            "set_stage",
            lambda s: pipeline.set_stage(s, key, label=label[:40], probability=probability),
        )

    @rule(i=who, key=new_stages, probability=probabilities)
    def add_stage(self, i: int, key: str, probability: int) -> None:
        self._write(i, "add_stage", lambda s: pipeline.add_stage(s, key, key.title(), probability))

    @rule(i=who, n=pick, m=pick)
    def move_stage(self, i: int, n: int, m: int) -> None:
        if not (stages := self._open_stages(i)):
            return  # crossed deletes, not all here yet: one comes back once they are
        key, after = stages[n % len(stages)], stages[m % len(stages)]
        if key != after:
            self._write(i, "move_stage", lambda s: pipeline.move_stage(s, key, after=after))

    @rule(i=who, n=pick, m=pick)
    def delete_stage(self, i: int, n: int, m: int) -> None:
        if not (stages := self._open_stages(i)):
            return
        key, to = stages[n % len(stages)], stages[m % len(stages)]
        self._write(
            i,
            "delete_stage",
            lambda s: pipeline.delete_stage(s, key, move_to=None if to == key else to),
        )

    # --- activities, follow-ups, targets, reps ---------------------------------------------

    @rule(
        i=who,
        n=pick,
        kind=st.sampled_from(list(ActivityKind)),
        note=texts,
        days=st.one_of(st.none(), st.integers(0, 14)),
        weekly=st.booleans(),
    )
    def log(
        self, i: int, n: int, kind: ActivityKind, note: str, days: int | None, weekly: bool
    ) -> None:
        if (customer := self._live(i, "customers", n)) is None:
            return
        today = self.clocks[i].today()
        when = (
            None
            if days is None
            else When(today + timedelta(days=days), time(10, 0), "FREQ=WEEKLY" if weekly else None)
        )

        def write(store: Store) -> None:
            actions.log_activity(
                store, kind, store.require(Customer, customer), note=note or None, next_when=when
            )

        self._write(i, "log", write)

    @rule(i=who, n=pick, kind=st.sampled_from(["call", "visit", "complaint"]), next_=texts)
    def cli_log(self, i: int, n: int, kind: str, next_: str) -> None:
        if (customer := self._live(i, "customers", n)) is not None:
            self._cli(
                i,
                "cli_log",
                "log",
                kind,
                customer,
                "--note",
                "from the keyboard",
                "--next",
                "in 3 days" if next_ else "next tue",
            )

    @rule(i=who, n=pick, title=texts, days=st.integers(-3, 10))
    def add_follow_up(self, i: int, n: int, title: str, days: int) -> None:
        if (customer := self._live(i, "customers", n)) is not None:
            when = When(self.clocks[i].today() + timedelta(days=days), None, None)
            self._write(
                i,
                "add_follow_up",
                lambda s: actions.add_follow_up(s, customer, title or "Call", when),
            )

    @rule(i=who, n=pick, how=st.sampled_from(["done", "done, next", "snooze", "reschedule"]))
    def follow_up(self, i: int, n: int, how: str) -> None:
        if (task := self._live(i, "follow_ups", n, "AND done_at IS NULL")) is None:
            return
        later = self.clocks[i].today() + timedelta(days=2)
        do = {
            "done": lambda s: actions.complete_follow_up(s, task),
            "done, next": lambda s: actions.complete_follow_up(
                s, task, next_when=When(later, None, None)
            ),
            "snooze": lambda s: actions.snooze(s, task, later),
            "reschedule": lambda s: actions.reschedule(s, task, When(later, None, None)),
        }[how]
        self._write(i, "follow_up", do)

    @rule(i=who, n=pick)
    def resolve_complaint(self, i: int, n: int) -> None:
        where = "AND kind = 'complaint' AND complaint_status = 'open'"
        if (complaint := self._live(i, "activities", n, where)) is not None:
            self._write(i, "resolve_complaint", lambda s: actions.resolve_complaint(s, complaint))

    @rule(i=who, metric=st.sampled_from(list(Metric)), period=periods, amount=amounts)
    def set_target(self, i: int, metric: Metric, period: str, amount: int) -> None:
        me = self.stores[i].me
        assert me is not None
        self._write(i, "set_target", lambda s: actions.set_target(s, me, metric, period, amount))

    @rule(i=who, name=names)
    def rename_me(self, i: int, name: str) -> None:
        self._write(i, "rename_me", lambda s: actions.set_me(s, name))

    @rule(i=who, n=pick, name=names, settle=st.booleans())
    def forged_rename(self, i: int, n: int, name: str, settle: bool) -> None:
        """A modified program (under a device nobody claims) renames a rep
        some computer has claimed, over every name it saw: a conflict only
        their own computers settle (as this one may, at once), never their name."""
        store = self.stores[i]
        rep = self._live(i, "reps", n, "AND id IN (SELECT rep_id FROM device_claims)")
        if rep is None:
            return
        self.forged += 1
        seen = [
            f"{o}:{s}"
            for o, s in store.db.execute(
                "SELECT origin, seq FROM changes WHERE entity = 'reps' AND row_id = ? AND "
                "field = 'name'",
                [rep],
            )
        ]
        stamp = Stamp(store.hlc.last.wall_ms + 1, 0, FORGER)
        change = {
            "origin": FORGER,
            "seq": self.forged,
            "hlc": str(stamp),
            "entity": "reps",
            "row_id": rep,
            "field": "name",
            "value": name,
            "prev": seen,
        }
        header, _ = read_bundle_file(export_bundle(store, self.root / "template.json").path)
        header |= {
            "origin": FORGER,
            "rep": None,
            "kind": "incremental",
            "known": {},
            "devices": {},
            "hlc_min": str(stamp),
            "hlc_max": str(stamp),
            "bundle_id": f"forged-{self.forged}",
        }
        self._import(write_bundle(self.root / "forged.json", header, [change]), i)
        FIGURES["forged renames"] += 1
        if settle and rep == store.me:
            self._settle(i, n, n % 2 == 0)

    @precondition(lambda self: self._able(conflicts.count_conflicts))
    @rule(n=pick, mine=st.booleans())
    def settle_conflict(self, n: int, mine: bool) -> None:
        able = self._able(conflicts.count_conflicts)
        self._settle(able[n % len(able)], n, mine)

    def _settle(self, i: int, n: int, mine: bool) -> None:
        if not (found := conflicts.list_conflicts(self.stores[i])):
            return
        conflict = found[n % len(found)]
        side = conflict.shown if mine else conflict.other
        self._write(i, "settle_conflict", lambda s: conflicts.keep(s, conflict, side))

    # --- clocks ----------------------------------------------------------------------------------

    @rule(minutes=st.integers(1, 600))
    def time_passes(self, minutes: int) -> None:
        for clock in self.clocks:
            clock.moment += timedelta(minutes=minutes)

    @rule(i=who, minutes=st.integers(-60, 60))
    def skew_clock(self, i: int, minutes: int) -> None:
        """Replica i's clock runs up to an hour off the others'."""
        self.clocks[i].moment += timedelta(minutes=minutes) - self.skew[i]
        self.skew[i] = timedelta(minutes=minutes)

    # --- deliveries ----------------------------------------------------------------------------

    @rule(
        post=st.lists(
            st.tuples(
                st.sampled_from(["send", "deliver", "lose", "again"]), who, who, st.booleans(), pick
            ),
            min_size=1,
            max_size=8,
        )
    )
    def exchange(self, post: list[tuple[str, int, int, bool, int]]) -> None:
        """Bundles are written, delivered late and in any order, lost, and
        delivered again (or passed on): several at a time, as sync is half of
        what a team does."""
        for what, source, to, full, n in post:
            if what == "send" and source != to:
                self._send(source, to, full)
            elif what == "deliver" and self.mail:
                path, target = self.mail.pop(n % len(self.mail))
                self._import(path, target)
                self.delivered.append((path, target))
            elif what == "lose" and self.mail:
                self.mail.pop(n % len(self.mail))
                FIGURES["bundles lost"] += 1
            elif what == "again" and self.delivered:
                self._import(self.delivered[n % len(self.delivered)][0], to)
                FIGURES["bundles delivered again"] += 1

    @rule(i=who, j=who)
    def swap(self, i: int, j: int) -> None:
        """Two reps swap everything they hold, at once (a USB stick)."""
        if i != j:
            self._swap(i, j)

    def _swap(self, i: int, j: int) -> None:
        for source, target in ((i, j), (j, i)):
            path = self.root / "swap.json"
            export_bundle(self.stores[source], path, peers=[])
            self._import(path, target)

    @rule(
        i=who, j=who, n=pick, field=st.sampled_from(["amount", "next_step"]), settle=st.booleans()
    )
    def crossed_edit(self, i: int, j: int, n: int, field: str, settle: bool) -> None:
        """Two reps change the same field of the same deal without seeing
        each other's edit, then swap: a conflict (unless a merge rule or an
        earlier swap makes one edit see the other), which one of them may
        settle at once, or `settle_conflict` later, or nobody."""
        deal = self._live(i, "deals", n)
        if i == j or deal is None or self.stores[j].get(Deal, deal) is None:
            return
        for rep, value in ((i, DEAL_VALUES[field][0]), (j, DEAL_VALUES[field][1])):
            self._write(rep, "crossed_edit", partial(_set_deal, deal=deal, values={field: value}))
        self._swap(i, j)
        if settle:
            self._settle(j, n, n % 2 == 0)

    def _send(self, source: int, to: int, full: bool) -> None:
        """A bundle for `to`: everything, or what `to` is not known to hold."""
        self.sent += 1
        path = self.root / f"bundle-{self.sent}.json"
        peers = [] if full else [self.stores[to].device]
        export_bundle(self.stores[source], path, peers=peers)
        self.mail.append((path, to))
        FIGURES["bundles"] += 1

    def _import(self, path: Path, target: int) -> None:
        store = self.stores[target]
        import_bundle(store, path)  # a bundle a replica wrote is never refused
        FIGURES["imports"] += 1

    @rule(i=who)
    def folder_sync(self, i: int) -> None:
        result = sync_folder(self.stores[i], self.folder)
        assert not result.refused or self.set_aside, result.refused  # only half-written ones
        FIGURES["files set aside"] += len(result.refused)
        FIGURES["folder syncs"] += 1

    @precondition(lambda self: any(self.folder.iterdir()))
    @rule(n=pick)
    def half_written(self, n: int) -> None:
        """A file-syncing tool is part way through a bundle in the folder."""
        files = sorted(p for p in self.folder.iterdir() if p not in self.set_aside)
        if files:
            path = files[n % len(files)]
            self.set_aside[path] = path.read_bytes()
            path.write_bytes(self.set_aside[path][: len(self.set_aside[path]) // 2])
            FIGURES["half-written files"] += 1

    @precondition(lambda self: self.set_aside)
    @rule()
    def finish_writing(self) -> None:
        for path, whole in self.set_aside.items():
            path.write_bytes(whole)
        self.set_aside.clear()

    # --- what always holds ---------------------------------------------------------------------

    @invariant()
    def nothing_written_is_lost_locally(self) -> None:
        for store in self.stores:
            for origin, seq in self.written:
                if origin == store.device:
                    assert store.db.execute(
                        "SELECT 1 FROM changes WHERE origin = ? AND seq = ?", [origin, seq]
                    ).fetchone(), f"{origin}:{seq} vanished"

    def teardown(self) -> None:
        try:
            self.finish_writing() if self.set_aside else None
            self._converge()
            first = content(self.stores[0])
            for store in self.stores[1:]:
                assert content(store) == first, "the replicas differ after a full exchange"
            logged = set(self.stores[0].db.execute("SELECT origin, seq FROM changes"))
            assert self.written <= logged, "a write that succeeded is missing"
            assert self._open_stages(0), "no open stage: a deal has nowhere to be"
            _settled(self.stores[0])
            FIGURES["teams"] += 1
            FIGURES["conflicts at the end"] += len(first["conflicts"])
            if report := os.environ.get("WORKBENCH_MODEL_FIGURES"):
                Path(report).write_text(json.dumps(dict(sorted(FIGURES.items())), indent=1))
        finally:
            for store in self.stores:
                store.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def _converge(self) -> None:
        """Everyone sends everyone everything, until nothing new arrives
        (re-homing a deal after a merge writes, so a round may bring more)."""
        for _ in range(5):
            new = 0
            for source in range(REPLICAS):
                for target in range(REPLICAS):
                    if source != target:
                        path = self.root / "final.json"
                        export_bundle(self.stores[source], path, peers=[])
                        new += import_bundle(self.stores[target], path).new
            if not new:
                return
        raise AssertionError("the replicas kept writing after five full exchanges")


def _set_deal(store: Store, deal: str, values: dict[str, Any]) -> None:
    store.update(Deal, deal, **values)


def _top(store: Store) -> int:
    (top,) = store.db.execute(
        "SELECT coalesce(max(seq), 0) FROM changes WHERE origin = ?", [store.device]
    ).fetchone()
    return int(top)


def _made_since(store: Store, top: int) -> set[tuple[str, int]]:
    """The changes the store's own device wrote after seq `top`."""
    rows = store.db.execute(
        "SELECT origin, seq FROM changes WHERE origin = ? AND seq > ?", [store.device, top]
    )
    return set(rows)


def _settled(store: Store) -> None:
    """Each field of each record shows its winning head; every other head
    with another value is a recorded conflict: no value is silently lost."""
    fields: dict[tuple[str, str, str], list[FieldChange]] = {}
    for origin, seq, hlc, entity, row_id, field, value, prev in store.db.execute(
        "SELECT * FROM changes"
    ):
        fields.setdefault((entity, row_id, field), []).append(
            FieldChange(origin, seq, hlc, value, tuple(json.loads(prev)) if prev else ())
        )
    recorded = {tuple(row[:5]) for row in store.db.execute("SELECT * FROM conflicts")}
    held = set(store.db.execute("SELECT entity, row_id FROM incomplete"))
    owners: dict[str, frozenset[str]] = {}  # whose computers each rep's are, as claimed
    for device, rep in store.db.execute("SELECT id, rep_id FROM device_claims"):
        owners[rep] = owners.get(rep, frozenset()) | {device}
    for (entity_name, row_id, field), changes in fields.items():
        own = owners.get(row_id, frozenset()) if field in Rep.OWN_FIELDS else frozenset()
        outcome = resolve(changes, field, own if entity_name == "reps" else frozenset())
        assert not (own and outcome.winner.origin == FORGER), f"{row_id}'s {field} taken over"
        entity = ENTITIES[entity_name]
        columns = entity.encode(
            entity.columns_of(field, json.loads(outcome.winner.value or "null"))
        )
        names = ", ".join(columns)
        row = store.db.execute(
            f"SELECT {names} FROM {entity_name} WHERE id = ?", [row_id]
        ).fetchone()
        if row is None:
            assert (entity_name, row_id) in held, f"{entity_name}/{row_id} is nowhere"
            continue
        assert row == tuple(columns.values()), f"{entity_name}/{row_id}.{field} is not its winner"
        for lost in outcome.losers:
            if lost.value != outcome.winner.value:
                key = (entity_name, row_id, field, lost.origin, lost.seq)
                assert key in recorded, f"the losing value of {key} is not a conflict"


def test_a_team_converges_whatever_it_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=IDS.getrandbits(128), version=4))
    FIGURES.clear()
    run_state_machine_as_test(
        Team,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize="WORKBENCH_MODEL_EXAMPLES" not in os.environ,  # make test: the same teams
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # A write path that is always refused tests nothing: each one tried
    # often enough must have succeeded at least once.
    tried = {
        key.removeprefix("tried: "): n for key, n in FIGURES.items() if key.startswith("tried")
    }
    idle = sorted(path for path, n in tried.items() if n >= 5 and not FIGURES[f"write: {path}"])
    assert not idle, f"write paths that never succeeded: {idle}"
