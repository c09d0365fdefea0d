"""Writes that shape the pipeline: moving deals between stages, and the
stages themselves. Each is one transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from workbench.domain.hlc import Stamp
from workbench.domain.merge import SEED
from workbench.domain.models import STAGE_TOP, Deal, Stage, StageMove
from workbench.domain.stages import StageKind
from workbench.i18n import tr
from workbench.store.database import NotFound, Store, fetch_all
from workbench.store.schema import ENTITIES


class StageError(ValueError):
    """A stage change that would lose or strand something; the message says what to do."""


def move_deal(
    store: Store,
    deal_id: str,
    to_stage: str,
    *,
    closed_on: date | None = None,
    reason: str | None = None,
) -> Deal:
    """Move a deal to `to_stage`, recording a stage-history row. Won and Lost
    take a close date (default today, never in the future) and a reason;
    moving back to an open stage reopens the deal. A lost deal weighs nothing
    and a won one counts whole where the pipeline reads them (queries.
    PROBABILITY); its own probability is left as the rep set it: written
    here, it would stick to the deal if a teammate moved it on meanwhile."""
    with store.transaction():
        deal = store.require(Deal, deal_id)
        kinds = store.stage_kinds()
        if to_stage not in kinds:
            raise NotFound(
                tr("no stage {stage!r} (stages: {known})", stage=to_stage, known=", ".join(kinds))
            )
        if kinds[to_stage] == StageKind.OPEN and (closed_on or reason):
            raise StageError(
                tr("a close day and a reason go with won or lost, not {stage!r}", stage=to_stage)
            )
        if to_stage == deal.stage:
            if closed_on or reason:  # not silently dropped: the deal is there already
                raise StageError(
                    tr("{deal!r} is in {stage!r} already", deal=deal.title, stage=to_stage)
                )
            return deal
        today = store.clock.today()
        fields: dict[str, object] = {"stage": to_stage, "closed_on": None, "reason": None}
        if kinds[to_stage] != StageKind.OPEN:
            if closed_on is not None and closed_on > today:
                raise StageError(tr("the close date {day} is in the future", day=closed_on))
            fields.update(closed_on=closed_on or today, reason=reason)
        moved = store.update(Deal, deal_id, **fields)
        store.add(
            StageMove(
                deal_id=deal_id, from_stage=deal.stage, to_stage=to_stage, at=store.clock.now()
            )
        )
    return moved


def reopen_stage(store: Store, deal_id: str) -> str | None:
    """Where `<` takes a won or lost deal back to: the open stage it was
    closed from, if that stage is still there (None for an open deal, or
    when the caller must pick)."""
    row = store.db.execute(
        "SELECT h.from_stage FROM stage_history h JOIN deals d ON d.id = h.deal_id "
        "JOIN stages s ON s.id = h.from_stage "
        "WHERE h.deal_id = ? AND h.deleted = 0 AND h.to_stage = d.stage "
        "AND d.stage IN (SELECT id FROM stages WHERE kind != 'open') "
        "AND s.kind = 'open' AND s.deleted = 0 ORDER BY h.at DESC, h.id DESC LIMIT 1",
        [deal_id],
    ).fetchone()
    return row[0] if row else None


def deal_counts(store: Store) -> dict[str, int]:
    """How many live deals each stage holds."""
    rows = fetch_all(
        store.db, "SELECT stage, count(*) AS n FROM deals WHERE deleted = 0 GROUP BY stage"
    )
    return {row["stage"]: row["n"] for row in rows}


def set_stage(
    store: Store,
    key: str,
    *,
    label: str | None = None,
    probability: int | None = None,
    rot_days: int | None = None,
) -> Stage:
    given = {"label": label, "probability": probability, "rot_days": rot_days}
    changes = {name: value for name, value in given.items() if value is not None}
    if not changes:
        raise StageError(tr("say what to change: --label, --probability or --rot-days"))
    return store.update(Stage, _live(store, key).key, **changes)


def add_stage(
    store: Store,
    key: str,
    label: str,
    probability: int,
    *,
    rot_days: int | None = None,
    after: str | None = None,
) -> Stage:
    """A new open stage, after `after` (default: after the last open stage)."""
    with store.transaction():
        stages = store.stages()
        if any(stage.key == key for stage in stages):
            raise StageError(tr("there is already a stage {key!r}", key=key))
        anchor = after or [s.key for s in stages if s.kind == StageKind.OPEN][-1]
        if _live(store, anchor).kind != StageKind.OPEN:
            raise StageError(
                tr("{key!r} is not an open stage; Won and Lost stay at the end", key=anchor)
            )
        stage = store.add(
            Stage(
                id=key,
                label=label,
                probability=probability,
                rot_days=rot_days,
                position=_slot(store, key, anchor),
            )
        )
    return stage


def move_stage(store: Store, key: str, *, after: str) -> None:
    """Put open stage `key` right after `after` (both open: Won and Lost stay last)."""
    with store.transaction():
        for name in (key, after):
            if _live(store, name).kind != StageKind.OPEN:
                raise StageError(
                    tr("{key!r} is not an open stage; Won and Lost stay at the end", key=name)
                )
        store.update(Stage, key, position=_slot(store, key, after))


def delete_stage(store: Store, key: str, *, move_to: str | None = None) -> int:
    """Delete an open stage; its deals must move (to `move_to`) first.
    Returns how many deals were moved."""
    with store.transaction():
        stage = _live(store, key)
        if stage.kind != StageKind.OPEN:
            raise StageError(tr("Won and Lost are built in and cannot be deleted"))
        deals = fetch_all(store.db, "SELECT id FROM deals WHERE stage = ? AND deleted = 0", [key])
        if deals and move_to is None:
            raise StageError(
                tr(
                    "stage {key!r} has {count} deals; move them first (--move-to STAGE)",
                    key=key,
                    count=len(deals),
                )
            )
        if move_to == key:
            raise StageError(tr("move its deals to another stage"))
        if _open_count(store) == 1:
            raise StageError(tr("{key!r} is the last open stage: add another first", key=key))
        for deal in deals:
            move_deal(store, deal["id"], move_to or "")
        store.update(Stage, key, deleted=True, moved_to=move_to)
    return len(deals)


def rehome_stranded(store: Store) -> int:
    """Move each live deal in a deleted stage (moved there on a device that
    had not seen the delete) to where the stage's deals went, or to the
    first open stage. Every device that finds it does the same, so they
    agree: the same stage, and one stage-history row with the same id and
    time. Returns how many deals moved."""
    keep_one_open(store)
    stranded = fetch_all(
        store.db,
        "SELECT d.id, d.stage, s.moved_to FROM stages s JOIN deals d "
        "ON d.stage = s.id WHERE s.deleted = 1 AND d.deleted = 0 "
        "ORDER BY d.id",
    )
    if not stranded:
        return 0
    kinds = store.stage_kinds()
    first_open = next((key for key, kind in kinds.items() if kind == StageKind.OPEN), None)
    with store.transaction():
        for deal in stranded:
            target = deal["moved_to"] if kinds.get(deal["moved_to"]) == StageKind.OPEN else None
            if (target := target or first_open) is None:
                continue  # no open stage, and none was ever deleted: a broken peer's pipeline
            # As sync's own writes are: the rest of the deal need not be valid.
            store.write_fields(ENTITIES["deals"], deal["id"], {"stage": target})
            move = StageMove(
                id=_rehome_id(deal["id"], deal["stage"]),
                deal_id=deal["id"],
                from_stage=deal["stage"],
                to_stage=target,
                at=_deleted_at(store, deal["stage"]),
            )
            store.add(move)
    return len(stranded)


def keep_one_open(store: Store) -> str | None:
    """If crossed deletes (each device deleting a stage the other still had
    open) took every open stage, bring back the one deleted last: that delete
    is the one its device would have refused, knowing of the other. Every
    device that finds it writes the same values, so they agree without a
    conflict. Not while this log lacks changes a device wrote before ones it
    holds, or a stage is held aside: what is missing may be the open stage
    (a bundle read before an earlier one), and a deliberate delete would come
    undone. Returns the stage brought back."""
    if _open_count(store) or _missing_some(store):
        return None
    last = store.db.execute(
        "SELECT row_id FROM changes WHERE entity = 'stages' AND field = 'deleted' "
        "AND value = 'true' AND row_id IN (SELECT id FROM stages WHERE kind = ? AND deleted) "
        "ORDER BY hlc DESC, row_id LIMIT 1",
        [StageKind.OPEN.value],
    ).fetchone()
    if last is None:
        return None  # no open stage was ever deleted: nothing to bring back
    (key,) = last
    with store.transaction():  # as sync's own writes are: the rest of it need not be valid
        store.write_fields(ENTITIES["stages"], key, {"deleted": False, "moved_to": None})
    return str(key)


def _missing_some(store: Store) -> bool:
    """Whether some device's changes here have a gap, or a stage waits for the
    rest of it."""
    (missing,) = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE origin <> ? GROUP BY origin "
        "HAVING max(seq) <> count(*)) OR EXISTS (SELECT 1 FROM incomplete "
        "WHERE entity = 'stages')",
        [SEED],
    ).fetchone()
    return bool(missing)


def _open_count(store: Store) -> int:
    return sum(kind == StageKind.OPEN for kind in store.stage_kinds().values())


def _rehome_id(deal_id: str, stage: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"workbench:rehome:{deal_id}:{stage}"))


def _deleted_at(store: Store, stage: str) -> datetime:
    """When the stage was first deleted (the same moment on every device)."""
    (stamp,) = store.db.execute(
        "SELECT min(hlc) FROM changes WHERE entity = 'stages' AND row_id = ? "
        "AND field = 'deleted' AND value = 'true'",
        [stage],
    ).fetchone()
    return Stamp.parse(stamp).moment()


def _live(store: Store, key: str) -> Stage:
    stage = store.get(Stage, key)
    if stage is None or stage.deleted:
        known = ", ".join(s.key for s in store.stages())
        raise NotFound(tr("no stage {stage!r} (stages: {known})", stage=key, known=known))
    return stage


def _slot(store: Store, key: str, after: str) -> int:
    """The position right after open stage `after` for open stage `key`:
    halfway to the next stage, so adding or moving a stage changes no other,
    and two reps doing so at once conflict over nothing they did not touch.
    Without room there (the seeded stages are numbered 1, 2, 3…), Won and
    Lost go to the top and the open stages are spread evenly below them
    first: the same values on every device holding the same stages."""
    stages = [stage for stage in store.stages() if stage.key != key]
    opened = [stage for stage in stages if stage.kind == StageKind.OPEN]
    closed = [stage for stage in stages if stage.kind != StageKind.OPEN]
    index = next(i for i, stage in enumerate(opened) if stage.key == after)
    low, high = _room(opened, closed, index)
    if high - low < 2:
        _spread(store, opened, closed)
        low, high = _room(opened, closed, index)
    return (low + high) // 2


def _room(opened: list[Stage], closed: list[Stage], index: int) -> tuple[int, int]:
    """The positions of open stage `index` and of the stage after it."""
    after = opened[index + 1 :] or closed
    return opened[index].position, after[0].position if after else STAGE_TOP + 1


def _spread(store: Store, opened: list[Stage], closed: list[Stage]) -> None:
    """Won and Lost at the top, the open stages evenly below (`opened` and
    `closed` take their new positions)."""
    step = (STAGE_TOP + 1 - len(closed)) // (len(opened) + 1)
    if step < 2:
        raise StageError(tr("no room for another stage: delete one first"))
    top = STAGE_TOP + 1 - len(closed)  # Won's position
    numbered = [
        *((stage, n * step) for n, stage in enumerate(opened, start=1)),
        *((stage, top + n) for n, stage in enumerate(closed)),
    ]
    for stage, position in numbered:
        if stage.position != position:
            store.update(Stage, stage.key, position=position)
            stage.position = position
