"""Calendars as ../shared/realworld/ics's strict RFC 5545 checker reads them:
the demo's, and one from its follow-ups and visits with hard text and every
kind of rhythm (imported from its CSV files as a rep would)."""

import shutil
from pathlib import Path
from types import ModuleType

from tests.realworld import ROOT, grader, needs
from workbench.demo import Shape, generate
from workbench.domain.clock import FixedClock
from workbench.interop.csv_columns import Mapping
from workbench.interop.csv_import import apply_plan, plan_import
from workbench.interop.ical import export_ics
from workbench.store import actions
from workbench.store.database import open_store

CORPUS = ROOT / "ics"
pytestmark = needs(CORPUS / "validate_ics.py", "calendar checker")


def checker() -> ModuleType:
    return grader(CORPUS / "validate_ics.py")


def test_the_demo_calendar_has_no_problem(tmp_path: Path, clock: FixedClock) -> None:
    store = open_store(tmp_path / "demo.db", clock=clock)
    generate(store, shape=Shape(customers=60))
    assert export_ics(store, tmp_path / "demo.ics", 90) > 0
    events, problems = checker().check(str(tmp_path / "demo.ics"))
    assert events > 0 and problems == []


def test_the_tricky_calendar_has_no_problem(tmp_path: Path, clock: FixedClock) -> None:
    store = open_store(tmp_path / "t.db", clock=clock)
    actions.set_me(store, "Li Wei")
    refused = []
    for entity, name in (
        ("customers", "customers"),
        ("follow_ups", "followups"),
        ("activities", "visits"),
    ):
        path = tmp_path / f"tricky_{name}.csv"  # (rejects are written beside it: not there)
        shutil.copy(CORPUS / path.name, path)
        plan = plan_import(store, entity, path, Mapping())
        apply_plan(store, plan, skip_bad=True)
        refused += [reason for _, reason in plan.rejected]
    assert len(refused) == 3  # a line break in an address and a title; dateutil's BYEASTER
    assert any("BYEASTER" in reason for reason in refused)
    assert export_ics(store, tmp_path / "tricky.ics", 365) >= 10
    events, problems = checker().check(str(tmp_path / "tricky.ics"))
    assert events >= 10 and problems == []
