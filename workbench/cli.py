"""The `workbench` command.

Heavy modules (pydantic models, the store, rich) are imported inside the
commands, so `workbench --help` answers at once. User errors print one line
and exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from workbench import __version__, i18n
from workbench.domain.display import printable
from workbench.i18n import later, tr, tr_n

if TYPE_CHECKING:
    from workbench.domain.clock import Clock
    from workbench.domain.team import Team
    from workbench.domain.when import When
    from workbench.interop.csv_import import Plan
    from workbench.store.database import Store
    from workbench.store.lookup import Started

F = TypeVar("F", bound=Callable[..., Any])


def _click_speaks() -> None:
    """Click's own texts (Usage:, Options, its errors) in the chosen language.
    Click looks them up with gettext, bound as `_` and `ngettext` in each of
    its modules; with no .mo files to give it, those names are pointed at
    the catalogue instead. Done before the commands below are declared: some
    help texts (--version's) are looked up then."""
    from click import core, decorators, exceptions, formatting, parser, types

    def ngettext(one: str, many: str, count: int) -> str:
        return i18n.tr_click(one if count == 1 else many)

    for module in (core, decorators, exceptions, formatting, parser, types):
        module._ = i18n.tr_click  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


_click_speaks()
KINDS = ("call", "visit", "meeting", "email", "note", "complaint")


class UserError(click.ClickException):
    """A mistake in what the user asked: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return shown(self.message)


def shown(text: str) -> str:
    """`text` as it may reach the terminal: a name from the database or a
    teammate's bundle holding escape codes shows them as '?', line by line."""
    return "\n".join(printable(line) for line in text.split("\n"))


def echo(text: str = "") -> None:
    """Print a line (or lines) of output, as `shown`. Every command prints
    through this, so no text it holds can set the window title or clear the
    screen."""
    click.echo(shown(text))


@dataclass
class Env:
    """What the commands share: which database, and what time it is."""

    db: Path | None = None
    demo: bool = False
    _store: Store | None = field(default=None, repr=False)

    def clock(self) -> Clock:
        from workbench.domain.clock import FixedClock, SystemClock

        pinned = os.environ.get("WORKBENCH_NOW")  # for tests and reproducible demos
        return FixedClock.at(pinned) if pinned else SystemClock()

    def path(self) -> Path:
        from workbench.store.location import default_db_path

        return self.db or default_db_path()

    def store(self) -> Store:
        """Open the database (once); with --demo, a throw-away demo database."""
        if self._store is None:
            self._store = self._open_demo() if self.demo else self._open(self.path())
        return self._store

    def _open(self, path: Path, registry: bool = True) -> Store:
        from workbench.store.database import open_store
        from workbench.store.location import DeviceRegistry, TeamKeys

        self._check_place(path)
        try:
            if not registry:  # a throw-away database: no device of ours, in no team
                return open_store(path, clock=self.clock())
            return open_store(
                path,
                clock=self.clock(),
                registry=DeviceRegistry.default(),
                team=TeamKeys.default().team(path),
            )
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):  # full, read-only, busy: not the file
                raise
            raise UserError(
                tr("{path} is not a Workbench database ({error})", path=path, error=error)
            ) from None

    def _check_place(self, path: Path) -> None:
        """The database's folder must be there; only the default one (no --db)
        is made on first use: a mistyped --db must not make folders."""
        if path.is_dir():
            raise UserError(tr("{path} is a folder; --db takes a database file", path=path))
        folder = path.parent
        if self.db is None:
            folder.mkdir(parents=True, exist_ok=True)
        elif folder.exists() and not folder.is_dir():
            raise UserError(
                tr(
                    "{folder} is a file, not a folder: --db takes a database file in a folder",
                    folder=folder,
                )
            )
        elif not folder.exists():
            raise UserError(
                tr(
                    "there is no folder {folder}: make it first, or give --db a file "
                    "in a folder that exists",
                    folder=folder,
                )
            )

    def _open_demo(self) -> Store:
        from workbench.demo import generate

        folder = Path(tempfile.mkdtemp(prefix="workbench-demo-"))
        click.get_current_context().call_on_close(lambda: shutil.rmtree(folder, True))
        store = self._open(folder / "demo.db", registry=False)
        generate(store)
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class _Speaking(click.Command):
    """A command whose help, its docstring, shows in the chosen language
    (the catalogue holds each command's docstring as click cleans it)."""

    def __init__(self, name: str | None, **kwargs: Any) -> None:
        if kwargs.get("help"):
            kwargs["help"] = tr(inspect.cleandoc(kwargs["help"]))
        super().__init__(name, **kwargs)


class WorkbenchGroup(_Speaking, click.Group):
    """Turns the errors a user can cause into one clear line; its commands
    and groups speak the chosen language."""

    command_class = _Speaking
    group_class = type  # subgroups are WorkbenchGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            # The database busy, full, read-only or damaged; a file missing or
            # unwritable; or the user's input: one line each, not a traceback.
            if not isinstance(error, (sqlite3.Error, OSError, *_user_errors())):
                raise
            from workbench.domain.errors import describe

            raise UserError(describe(error)) from None


def _user_errors() -> tuple[type[Exception], ...]:
    """What a user's input can cause. Imported only once one happened: they
    bring pydantic and the demo generator, which the app's start does not need."""
    from pydantic import ValidationError

    from workbench.demo import NotEmpty
    from workbench.domain.errors import NotYours
    from workbench.domain.when import WhenError
    from workbench.store.actions import DealTaken
    from workbench.store.migrate import MigrationError
    from workbench.store.pipeline import StageError

    return (
        ValidationError,
        WhenError,
        LookupError,
        MigrationError,
        NotEmpty,
        StageError,
        NotYours,
        DealTaken,
    )


def _set_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Already chosen by the entry point (workbench.entry) before anything
    loaded; checked and chosen again here for a caller that runs `cli` itself."""
    if value is not None:
        try:
            i18n.choose(value)
        except i18n.UnknownLanguage as error:
            raise click.BadParameter(str(error)) from None


# Every command that can answer in JSON takes it the same way.
json_option = click.option(
    "--json", "as_json", is_flag=True, help=tr("Print JSON (keys in docs/command-line.md).")
)


def store_options(command: F) -> F:
    """--db, --demo and --lang, accepted after the subcommand as well as before it."""

    def set_db(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.ensure_object(Env).db = value

    def set_demo(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.ensure_object(Env).demo = True

    command = click.option(
        "--lang",
        metavar="LANG",
        is_eager=True,
        expose_value=False,
        callback=_set_language,
        help=tr("Language: en or zh_CN (default: $WORKBENCH_LANG, else your locale)."),
    )(command)
    command = click.option(
        "--demo",
        is_flag=True,
        expose_value=False,
        callback=set_demo,
        help=tr("Run on a throw-away demo database."),
    )(command)
    return click.option(
        "--db",
        type=click.Path(path_type=Path),
        expose_value=False,
        callback=set_db,
        help=tr("Database file (default: your user data folder, or $WORKBENCH_DB)."),
    )(command)


@click.group(
    cls=WorkbenchGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="workbench")
@store_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Workbench: plan your sales day offline.

    Without a command, opens the full-screen app. Follow-ups, deals, customers
    and targets in a local database; times in plain words ("next tue",
    "in 3 days", "每周"). Try it on demo data:

        workbench --demo
    """
    env = ctx.ensure_object(Env)
    ctx.call_on_close(env.close)
    if ctx.invoked_subcommand is None:
        from workbench.store.queries import today_agenda_soon

        store = env.store()
        agenda = today_agenda_soon(store)  # read while Textual loads, below
        from workbench.tui.app import WorkbenchApp  # the app loads only when asked for

        WorkbenchApp(store, agenda).run()


# JSON escapes C0 controls itself; DEL and the C1 controls it leaves raw.
_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def _echo_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    click.echo(text.translate(_JSON_CONTROLS))  # the same JSON, and nothing a terminal acts on


@contextmanager
def _table(
    *headers: str, whole: tuple[int, ...] = (), right: tuple[int, ...] = ()
) -> Iterator[Callable[..., None]]:
    """Rows printed as an aligned table (wide characters included), one line
    each: columns numbered in `whole` are never cut, the others end in an
    ellipsis when the terminal is narrow; those in `right` align right.
    Cells are plain text, never read as markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not console.is_terminal:
        console.width = 1000  # piped: whole rows, never cut
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for index, header in enumerate(headers):
        # Only columns that may wrap get narrowed; each cell stays one line.
        table.add_column(
            header, no_wrap=index in whole, justify="right" if index in right else "left"
        )
    rows: list[list[Text]] = []
    yield lambda *cells: rows.append(
        [Text(printable(cell), no_wrap=True, overflow="ellipsis") for cell in cells]
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)


# --- commands --------------------------------------------------------------


@cli.command()
@click.option("--seed", type=int, default=7, show_default=True, help=tr("Same seed, same data."))
@click.option("--customers", type=click.IntRange(1, 1_000_000), default=200, show_default=True)
@click.option("--force", is_flag=True, help=tr("Add the demo even if the database has customers."))
@click.option(
    "--reference",
    is_flag=True,
    help=tr(
        "The benchmark data set instead: 100k customers, 300k contacts, 200k deals, "
        "2M activities, 200k follow-ups (takes minutes)."
    ),
)
@store_options
@click.pass_obj
def demo(env: Env, seed: int, customers: int, force: bool, reference: bool) -> None:
    """Fill a database with realistic demo data (deterministic for a seed)."""
    import time

    from workbench.demo import REFERENCE, Shape, generate
    from workbench.domain.models import entity_label
    from workbench.store.queries import counts

    store = env.store()
    started = time.perf_counter()
    shape = REFERENCE if reference else Shape(customers=customers)
    generate(store, seed=seed, shape=shape, force=force)
    made = ", ".join(f"{n:,} {entity_label(table)}" for table, n in counts(store).items())
    took = f"{time.perf_counter() - started:.1f}"
    echo(tr("Demo data in {path} ({seconds}s): {made}", path=store.path, seconds=took, made=made))


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=tr("Address to listen on. 0.0.0.0 lets anyone on your network open it."),
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--sessions",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help=tr("The most browser tabs open at once (each runs a Workbench)."),
)
@store_options
@click.pass_obj
def serve(env: Env, host: str, port: int, sessions: int) -> None:
    """Open Workbench in a web browser: serves the app on this computer.

    Open the address it prints: only that address, with its token, opens
    the page. Each browser tab runs its own Workbench on the same database.
    Stop with Ctrl+C.
    """
    from workbench.web import address, server
    from workbench.web.door import Door

    store = env.store()  # opened (and, with --demo, made) once, here
    if store.path is None:
        raise UserError(tr("serve needs a database file"))
    if env.demo:  # the tabs' processes find the demo's device in a registry beside it
        from workbench.store.location import DeviceRegistry

        os.environ["WORKBENCH_CONFIG_DIR"] = str(store.path.parent)
        DeviceRegistry.default().put(store.path, store.device)  # else: a copy, "who are you?"
    _check_free(host, port)
    door = Door(host, port, sessions)
    for line, warning in address.banner(host, port, door.token):
        click.secho(line, fg="yellow" if warning else None, err=warning)
    server.serve(store.path, door)


def _check_free(host: str, port: int) -> None:
    """Refuse at once, clearly, an address that cannot be listened on."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                tr(
                    "cannot listen on {host}:{port}: {error}",
                    host=host,
                    port=port,
                    error=error.strerror or error,
                )
            ) from None


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--claim",
    metavar="ID|NAME",
    help=tr("You are this rep of the team already (on another computer): be them here too."),
)
@store_options
@click.pass_obj
def me(env: Env, name: str | None, claim: str | None) -> None:
    """Show who you are in this database, set your name, or claim the rep you
    are on another computer (`--claim`, by id or name)."""
    from workbench.domain.models import Rep
    from workbench.store.actions import claim_rep, set_me
    from workbench.store.queries import rep_names

    store = env.store()
    if claim is not None:
        echo(tr("You are {name} on this computer too.", name=claim_rep(store, claim).name))
        return
    if name is not None:
        rep = set_me(store, name)
        echo(tr("You are {name}.", name=rep.name))
        return
    current = store.get(Rep, store.me) if store.me else None
    team = rep_names(store)
    listed = ", ".join(f"{name} ({rep_id[:8]})" for rep_id, name in sorted(team.items()))
    if current is None and team:
        raise UserError(
            tr(
                "this database holds the work of {names} but not who uses it here: "
                "`workbench me --claim ID` if you are one of them, "
                'else `workbench me "Your Name"`',
                names=listed,
            )
        )
    if current is None:
        raise UserError(tr('no rep set yet: run `workbench me "Your Name"`'))
    echo(current.name)
    twins = [
        i for i, n in team.items() if i != current.id and n.casefold() == current.name.casefold()
    ]
    if twins:
        echo(
            tr(
                "Another rep is called {name} too ({ids}): if that is you on another "
                "computer, `workbench me --claim ID` makes this computer theirs.",
                name=current.name,
                ids=", ".join(rep_id[:8] for rep_id in twins),
            )
        )


@cli.command()
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=50,
    show_default=True,
    help=tr("Rows shown per section (JSON has them all)."),
)
@json_option
@store_options
@click.pass_obj
def today(env: Env, limit: int, as_json: bool) -> None:
    """Overdue follow-ups, today's, and the next 7 days'."""
    from datetime import timedelta

    from workbench.store.queries import follow_ups_due

    store = env.store()
    day = store.clock.today()
    rows = follow_ups_due(store, day + timedelta(days=7), owner=store.me)
    sections = {
        "overdue": [r for r in rows if r.shown_on < day],
        "today": [r for r in rows if r.shown_on == day],
        "next_7_days": [r for r in rows if r.shown_on > day],
    }
    if as_json:
        _echo_json({"date": day, **{k: [_due_json(r) for r in v] for k, v in sections.items()}})
        return
    if not rows:
        echo(tr("Nothing due in the next 7 days."))
        return
    titles = {"overdue": tr("Overdue"), "today": tr("Today"), "next_7_days": tr("Next 7 days")}
    for key, found in sections.items():
        if found:
            echo(f"\n{titles[key]} ({len(found)})")
            _print_due(found[:limit], day)
            if len(found) > limit:
                echo(
                    tr(
                        "… and {more} more (--limit {all} shows them)",
                        more=len(found) - limit,
                        all=len(found),
                    )
                )


def _due_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "due_date": row.due_date,
        "due_time": row.due_time.strftime("%H:%M") if row.due_time else None,
        "snoozed_until": row.snoozed_until,
        "recurrence": row.recurrence,
        "customer_id": row.customer_id,
        "customer": row.customer_name,
        "deal_id": row.deal_id,
        "deal": row.deal_title,
        "amount": row.amount,
        "currency": row.currency,
    }


def _print_due(rows: list[Any], day: date) -> None:
    from workbench.domain.money import format_money
    from workbench.domain.when import describe_due

    with _table(
        tr("Id"),
        tr("Due"),
        tr("Customer"),
        tr("What"),
        tr("Deal"),
        tr("Value"),
        whole=(0, 1, 5),
        right=(5,),
    ) as add:
        for row in rows:
            value = format_money(row.amount, row.currency, cents=True) if row.deal_title else ""
            repeat = " ↻" if row.recurrence else ""
            add(
                row.id[:LISTED_ID],
                describe_due(row.shown_on, row.due_time, day),
                row.customer_name,
                row.title + repeat,
                row.deal_title,
                value,
            )


LISTED_ID = 6  # of an id, as `today` and `deals` list it and `done` and `deal` take it


def _follow_up(store: Store, text: str) -> Started:
    """The open follow-up whose id starts with `text`."""
    from workbench.store.lookup import open_follow_ups_starting

    none = later(
        "no open follow-up has an id starting {text!r}; `workbench today` lists them with their ids"
    )
    many = later("{text!r} starts {count} follow-ups' ids ({names}); type more of it")
    return _one(open_follow_ups_starting(store, text), text, none, many)


def _deal(store: Store, text: str) -> Started:
    """The deal whose id starts with `text`."""
    from workbench.store.lookup import deals_starting

    none = later(
        "no deal has an id starting {text!r}; `workbench deals --all` lists them with their ids"
    )
    many = later("{text!r} starts {count} deals' ids ({names}); type more of it")
    return _one(deals_starting(store, text), text, none, many)


def _one(found: list[Started], text: str, none: str, many: str) -> Started:
    if not found:
        raise UserError(tr(none, text=text))
    if len(found) > 1:
        names = ", ".join(f"{row_id[: LISTED_ID + 2]} {what}" for row_id, what, _ in found[:5])
        raise UserError(tr(many, text=text, count=len(found), names=names))
    return found[0]


def _when(store: Store, text: str) -> When:
    from workbench.domain.when import parse_when

    return parse_when(text, store.clock.now())


@cli.command()
@click.argument("follow_up", metavar="ID")
@click.option(
    "--next",
    "next_when",
    metavar="WHEN",
    help=tr('The next follow-up, instead of its own rhythm: "next tue", "in 3 days".'),
)
@click.option("--stop", is_flag=True, help=tr("End a recurring follow-up's series here."))
@click.option(
    "--log",
    "kind",
    type=click.Choice(KINDS, case_sensitive=False),
    help=tr("Log what happened too, as the app's d does (call, visit…)."),
)
@click.option("--note", help=tr("What happened (with --log)."))
@click.option("--outcome", help=tr("e.g. connected, no_answer (with --log)."))
@click.option(
    "--satisfaction",
    type=click.IntRange(1, 5),
    help=tr("How satisfied the customer is, 1-5 (with --log)."),
)
@store_options
@click.pass_obj
def done(
    env: Env,
    follow_up: str,
    next_when: str | None,
    stop: bool,
    kind: str | None,
    note: str | None,
    outcome: str | None,
    satisfaction: int | None,
) -> None:
    """Mark a follow-up done (ID: the start of its id, as `today` lists it)."""
    from workbench.domain.models import ActivityKind
    from workbench.domain.when import When
    from workbench.store.actions import complete_follow_up, log_done

    if kind is None and (note or outcome or satisfaction):
        raise UserError(
            tr("--note, --outcome and --satisfaction go with --log KIND (what happened: a call…)")
        )
    store = env.store()
    row_id, what, customer = _follow_up(store, follow_up)
    when = _when(store, next_when) if next_when is not None else None
    if kind is None:
        nxt = complete_follow_up(store, row_id, next_when=when, repeat=not stop)
    else:
        logged = log_done(
            store,
            row_id,
            ActivityKind(kind.lower()),
            note=note,
            next_when=when,
            outcome=_outcome(outcome, kind) if outcome else None,
            satisfaction=satisfaction,
            repeat=not stop,
        )
        nxt = logged.follow_up
        _say_logged(logged.activity, customer or "?")
    echo(tr("Done: {what} ({customer}).", what=what, customer=customer or "?"))
    if nxt is not None:
        again = When(nxt.due_date, nxt.due_time, nxt.recurrence)
        echo(
            tr("Next: {when} — {title}", when=again.describe(store.clock.today()), title=nxt.title)
        )


@cli.command()
@click.argument("follow_up", metavar="ID")
@click.argument("until", metavar="WHEN")
@store_options
@click.pass_obj
def snooze(env: Env, follow_up: str, until: str) -> None:
    """Hide a follow-up until WHEN ("tomorrow", "next mon"); its due date stays."""
    from workbench.store.actions import snooze as snooze_until

    store = env.store()
    row_id, what, customer = _follow_up(store, follow_up)
    when = _when(store, until)
    snooze_until(store, row_id, when.day)
    echo(
        tr(
            "Snoozed until {day}: {what} ({customer}).",
            day=when.describe(store.clock.today()),
            what=what,
            customer=customer or "?",
        )
    )


@cli.command()
@click.argument("follow_up", metavar="ID")
@click.argument("when_text", metavar="WHEN")
@store_options
@click.pass_obj
def reschedule(env: Env, follow_up: str, when_text: str) -> None:
    """Move a follow-up to WHEN ("fri 3pm", "in 2 weeks", "every month")."""
    from workbench.store.actions import reschedule as move

    store = env.store()
    row_id, what, customer = _follow_up(store, follow_up)
    when = _when(store, when_text)
    move(store, row_id, when)
    echo(
        tr(
            "Moved to {when}: {what} ({customer}).",
            when=when.describe(store.clock.today()),
            what=what,
            customer=customer or "?",
        )
    )


@cli.command()
@click.argument("kind", type=click.Choice(KINDS, case_sensitive=False))
@click.argument("customer")
@click.option("--note", help=tr("What happened."))
@click.option("--outcome", help=tr("e.g. connected, no_answer, left_message, meeting_held, sent."))
@click.option("--next", "next_when", metavar="WHEN", help=tr('Next follow-up: "next tue", "3d"...'))
@click.option("--deal", help=tr("Deal id or title (one of this customer's)."))
@click.option(
    "--satisfaction",
    type=click.IntRange(1, 5),
    help=tr("How satisfied the customer is, 1-5 (calls, visits, meetings)."),
)
@click.option(
    "--new-customer",
    is_flag=True,
    help=tr("Add CUSTOMER as a new customer if no one goes by that name."),
)
@store_options
@click.pass_obj
def log(
    env: Env,
    kind: str,
    customer: str,
    note: str | None,
    outcome: str | None,
    next_when: str | None,
    deal: str | None,
    satisfaction: int | None,
    new_customer: bool,
) -> None:
    """Log a call, visit, meeting, email, note or complaint with CUSTOMER (id or name)."""
    from workbench.domain.models import ActivityKind
    from workbench.store.actions import customer_named, log_activity
    from workbench.store.lookup import NoSuchCustomer

    store = env.store()
    when = _when(store, next_when) if next_when is not None else None
    with store.transaction():  # a new customer only with its log
        try:
            found = customer_named(store, customer, add=new_customer)
        except NoSuchCustomer as error:
            raise UserError(tr("{error} (--new-customer adds it)", error=error)) from None
        deal_id = _find_deal(store, found.id, deal) if deal else None
        result = log_activity(
            store,
            ActivityKind(kind.lower()),
            found,
            note=note,
            outcome=_outcome(outcome, kind) if outcome else None,
            deal_id=deal_id,
            next_when=when,
            satisfaction=satisfaction,
        )
    _say_logged(result.activity, found.name)
    if result.follow_up and when:
        echo(
            tr(
                "Next: {when} — {title}",
                when=when.describe(store.clock.today()),
                title=result.follow_up.title,
            )
        )


def _say_logged(activity: Any, customer: str) -> None:
    kind = activity.kind.label
    if activity.outcome:
        echo(
            tr(
                "Logged {kind} with {customer} ({outcome}).",
                kind=kind,
                customer=customer,
                outcome=activity.outcome.label,
            )
        )
    else:
        echo(tr("Logged {kind} with {customer}.", kind=kind, customer=customer))


def _outcome(text: str, kind: str) -> Any:
    from workbench.domain.models import OUTCOMES_BY_KIND, ActivityKind, Outcome

    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Outcome(key)
    except ValueError:
        chosen = ActivityKind(kind.lower())
        names = ", ".join(o.value for o in OUTCOMES_BY_KIND[chosen]) or tr("none")
        raise UserError(
            tr(
                "unknown outcome {text!r}; a {kind} can be: {names}",
                text=text,
                kind=chosen.label,
                names=names,
            )
        ) from None


def _find_deal(store: Store, customer_id: str, text: str) -> str:
    from workbench.store.queries import deals

    mine = deals(store, owner=None, customer_id=customer_id)
    matches = [d for d in mine if d.id == text] or [
        d for d in mine if d.title.casefold().startswith(text.casefold())
    ]
    if len(matches) != 1:
        known = ", ".join(d.title for d in mine) or tr("none")
        if matches:
            raise UserError(
                tr(
                    "{text!r} matches several deals of this customer (deals: {known})",
                    text=text,
                    known=known,
                )
            )
        raise UserError(
            tr("{text!r} matches no deal of this customer (deals: {known})", text=text, known=known)
        )
    return matches[0].id


@cli.command()
@click.option("--search", "-s", help=tr("Text in the name, phone, email, tags or a contact."))
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@json_option
@store_options
@click.pass_obj
def customers(env: Env, search: str | None, limit: int, as_json: bool) -> None:
    """List customers, or find them."""
    from dataclasses import asdict

    from workbench.store.queries import customers as find

    rows = find(env.store(), search, limit)
    if as_json:
        _echo_json([asdict(row) for row in rows])
        return
    if not rows:
        echo(tr("No customers match.") if search else tr("No customers yet."))
        return
    from workbench.store.lookup import SHORT_ID

    with _table(
        tr("Name"), tr("Tier"), tr("Industry"), tr("Phone"), tr("Email"), tr("Id"), whole=(1, 3, 5)
    ) as add:
        for row in rows:
            add(row.name, row.tier, row.industry, row.phone, row.email, row.id[:SHORT_ID])


@cli.command()
@json_option
@store_options
@click.pass_obj
def duplicates(env: Env, as_json: bool) -> None:
    """Customers that look like one: pairs with the reasons (merge them in the app, key M)."""
    from dataclasses import asdict

    from workbench.store.duplicates import candidate_pairs

    pairs = candidate_pairs(env.store())
    if as_json:
        _echo_json([asdict(pair) for pair in pairs])
        return
    if not pairs:
        echo(tr("No likely duplicates."))
        return
    from workbench.store.lookup import SHORT_ID

    with _table(
        tr("Customer"), tr("Id"), tr("Looks like"), tr("Id"), tr("Why"), whole=(1, 3)
    ) as add:
        for pair in pairs:
            add(
                pair.first.name,
                pair.first.id[:SHORT_ID],
                pair.second.name,
                pair.second.id[:SHORT_ID],
                "; ".join(pair.reasons),
            )


@cli.command()
@click.option("--stage", help=tr("Only this stage (key, e.g. proposal)."))
@click.option("--all", "everyone", is_flag=True, help=tr("Everyone's deals, not just yours."))
@json_option
@store_options
@click.pass_obj
def deals(env: Env, stage: str | None, everyone: bool, as_json: bool) -> None:
    """List deals in pipeline order."""
    from dataclasses import asdict

    from workbench.domain.display import deal_customer
    from workbench.domain.money import format_money
    from workbench.store.queries import deals as find

    store = env.store()
    stages = store.stage_kinds()
    if stage is not None and stage not in stages:
        raise UserError(
            tr("no stage {stage!r} (stages: {known})", stage=stage, known=", ".join(stages))
        )
    rows = find(store, owner=None if everyone else store.me, stage=stage)
    if as_json:
        _echo_json([asdict(row) for row in rows])
        return
    if not rows:
        echo(tr("No deals."))
        return
    with _table(
        tr("Id"),
        tr("Stage"),
        tr("Deal"),
        tr("Customer"),
        tr("Amount"),
        tr("Prob."),
        tr("Close"),
        whole=(0, 1, 4, 5, 6),
        right=(4, 5),
    ) as add:
        for row in rows:
            add(
                row.id[:LISTED_ID],
                row.stage,
                row.title,
                deal_customer(row.customer_name, row.customer_id),
                format_money(row.amount, row.currency, cents=True),
                f"{row.probability}%",
                row.expected_close,
            )


@cli.command()
@click.argument("deal_id", metavar="ID")
@click.option("--customer", help=tr("Name the customer of a deal that has none (name or id)."))
@store_options
@click.pass_obj
def deal(env: Env, deal_id: str, customer: str | None) -> None:
    """Show a deal (ID: the start of its id, as `deals` lists it), or name its customer."""
    from workbench.domain.display import deal_customer
    from workbench.domain.models import Deal
    from workbench.domain.money import format_money
    from workbench.store.actions import set_deal_customer

    store = env.store()
    row_id, title, name = _deal(store, deal_id)
    if customer is not None:
        name = set_deal_customer(store, row_id, customer).name
        echo(tr("{deal} is now {customer}'s deal.", deal=title, customer=name))
        return
    found = store.require(Deal, row_id)
    echo(f"{title} — {deal_customer(name, found.customer_id)}")
    echo(
        f"{tr('Stage')}: {found.stage} · {tr('Amount')}: "
        f"{format_money(found.amount, found.currency, cents=True)} · "
        f"{tr('Close')}: {found.expected_close or '—'}"
    )


@cli.command()
@click.argument("deal_id", metavar="ID")
@click.argument("stage")
@click.option(
    "--on",
    "closed",
    metavar="DAY",
    help=tr("Won or lost: the day it closed (default today): 2026-11-20, yesterday."),
)
@click.option("--reason", help=tr("Won or lost: why."))
@store_options
@click.pass_obj
def move(env: Env, deal_id: str, stage: str, closed: str | None, reason: str | None) -> None:
    """Move a deal (ID as `deals` lists it) to STAGE, a key as `stages` lists
    them: `won` and `lost` close it from any stage, an open stage reopens it."""
    from workbench.domain.models import Deal
    from workbench.domain.when import parse_when
    from workbench.store.pipeline import move_deal

    store = env.store()
    row_id, title, _ = _deal(store, deal_id)
    day = parse_when(closed, store.clock.now(), allow_past=True).day if closed else None
    was = store.require(Deal, row_id).stage
    moved = move_deal(store, row_id, stage, closed_on=day, reason=reason)
    label = tr(next(known.label for known in store.stages() if known.key == moved.stage))
    if was == moved.stage:
        echo(tr("“{deal}” is {stage} already", deal=title, stage=label))
    else:
        echo(tr("{deal} → {stage}", deal=title, stage=label))


TRASH_KINDS = ("customer", "deal", "contact", "activity", "follow-up")


def _live_record(store: Store, kind: str, text: str) -> Started:
    """The record of `kind` (one of TRASH_KINDS) not deleted whose id starts with `text`."""
    from workbench.domain.models import ActivityKind
    from workbench.store.lookup import live_starting
    from workbench.store.trash import KINDS as TABLES
    from workbench.store.trash import kind_label

    found = live_starting(store, TABLES[kind].entity, text)
    if kind == "activity":  # named by its kind: "call" as the language says it
        found = [(i, ActivityKind(what).label, name) for i, what, name in found]
    if not found:
        raise UserError(
            tr("no {kind} has an id starting {text!r}", kind=kind_label(kind), text=text)
        )
    return _one(found, text, "", later("{text!r} starts {count} ids ({names}); type more of it"))


@cli.command()
@click.argument("kind", type=click.Choice(TRASH_KINDS, case_sensitive=False))
@click.argument("record_id", metavar="ID")
@store_options
@click.pass_obj
def delete(env: Env, kind: str, record_id: str) -> None:
    """Delete a record into the Trash (`workbench restore ID` brings it back).
    A customer goes with its contacts, deals, activities and follow-ups; a
    deal with its open follow-ups. The delete syncs like any change."""
    from workbench.store import trash

    store = env.store()
    found, what, _ = _live_record(store, kind.lower(), record_id)
    echo(_deleted_text(trash.delete(store, kind.lower(), found), what))


def _deleted_text(deletion: Any, what: str) -> str:
    short = deletion.id[:LISTED_ID]
    if deletion.others:
        return tr_n(
            "Deleted {what} and {count} record with it; `workbench restore {id}` brings all back.",
            "Deleted {what} and {count} records with it; `workbench restore {id}` brings all back.",
            deletion.others,
            what=what,
            id=short,
        )
    return tr("Deleted {what}; `workbench restore {id}` brings it back.", what=what, id=short)


@cli.command("trash")
@json_option
@store_options
@click.pass_obj
def trash_command(env: Env, as_json: bool) -> None:
    """List what was deleted, newest first: by whom and when, and how many
    records went with it. `workbench restore ID` brings one back."""
    from workbench.store.trash import kind_label, trash

    deletions = trash(env.store())
    if as_json:
        _echo_json([_deletion_json(d) for d in deletions])
        return
    if not deletions:
        echo(tr("The Trash is empty."))
        return
    headers = (tr("Id"), tr("Kind"), tr("What"), tr("Customer"), tr("With it"), tr("Deleted"))
    with _table(*headers, tr("By"), whole=(0, 5)) as add:
        for d in deletions:
            others = str(d.others) if d.others else ""
            add(
                d.id[:LISTED_ID],
                kind_label(d.kind),
                d.what,
                d.customer or "",
                others,
                _local(d.at),
                d.by or "?",
            )


def _deletion_json(deletion: Any) -> dict[str, Any]:
    return {
        "id": deletion.id,
        "kind": deletion.kind,
        "label": deletion.label,
        "customer": deletion.customer,
        "deleted_at": deletion.at.isoformat(),
        "by": deletion.by,
        "records": [{"table": table, "id": row_id} for table, row_id in deletion.records],
    }


def _local(moment: Any) -> str:
    from workbench.domain.clock import local_timezone

    return f"{moment.astimezone(local_timezone()):%Y-%m-%d %H:%M}"


@cli.command()
@click.argument("record_id", metavar="ID")
@store_options
@click.pass_obj
def restore(env: Env, record_id: str) -> None:
    """Bring back a deletion from the Trash (ID as `workbench trash` lists
    it), with every record that went with it."""
    from workbench.store.trash import restore as restore_deletion

    deletion = restore_deletion(env.store(), record_id)
    if deletion.others:
        echo(
            tr_n(
                "Restored {what} and {count} record with it.",
                "Restored {what} and {count} records with it.",
                deletion.others,
                what=deletion.what,
            )
        )
    else:
        echo(tr("Restored {what}.", what=deletion.what))


@cli.group()
def activity() -> None:
    """A logged call, visit, meeting, email, note or complaint: list, show, edit, delete."""


@activity.command("list")
@click.argument("customer")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@store_options
@click.pass_obj
def activity_list(env: Env, customer: str, limit: int) -> None:
    """CUSTOMER's latest activities (a name or id), newest first, with their ids."""
    from workbench.domain.models import ActivityKind
    from workbench.store.lookup import find_customer
    from workbench.store.queries import customer_timeline

    store = env.store()
    found = find_customer(store, customer)
    rows = customer_timeline(store, found.id, limit)
    if not rows:
        echo(tr("Nothing logged with {name} yet.", name=found.name))
        return
    with _table(tr("Id"), tr("When"), tr("Kind"), tr("Note"), whole=(0, 1)) as add:
        for row in rows:
            first = (row.notes or "").strip().splitlines()
            add(row.id[:LISTED_ID], _local(row.at), ActivityKind(row.kind).label, *first[:1])


@activity.command("show")
@click.argument("activity_id", metavar="ID")
@json_option
@store_options
@click.pass_obj
def activity_show(env: Env, activity_id: str, as_json: bool) -> None:
    """An activity whole: when, with whom, the outcome and the full note."""
    from workbench.domain.models import Activity

    store = env.store()
    found, _, customer = _live_record(store, "activity", activity_id)
    record = store.require(Activity, found)
    if as_json:
        _echo_json(record.model_dump(mode="json") | {"customer": customer})
        return
    echo(f"{record.kind.label} · {customer or '?'} · {_local(record.at)}")
    for label, value in (
        (tr("Outcome"), record.outcome.label if record.outcome else None),
        (tr("Satisfaction"), record.satisfaction),
        (tr("Status"), record.complaint_status.label if record.complaint_status else None),
        (tr("Id"), record.id),
    ):
        if value is not None:
            echo(f"{label}: {value}")
    if record.notes:
        echo()
        echo(record.notes)


@activity.command("edit")
@click.argument("activity_id", metavar="ID")
@click.option("--kind", type=click.Choice(KINDS, case_sensitive=False))
@click.option("--at", "at_text", metavar="WHEN", help=tr('When it happened: "yesterday 3pm".'))
@click.option("--outcome", help=tr("e.g. connected, no_answer; '' for none."))
@click.option("--satisfaction", type=click.IntRange(0, 5), help=tr("1-5; 0 for none."))
@click.option("--note", help=tr("The whole note; '-' reads it from standard input."))
@store_options
@click.pass_obj
def activity_edit(
    env: Env,
    activity_id: str,
    kind: str | None,
    at_text: str | None,
    outcome: str | None,
    satisfaction: int | None,
    note: str | None,
) -> None:
    """Correct a logged activity: what is not given stays as it is."""
    from workbench.domain.models import OUTCOMES_BY_KIND, Activity, ActivityKind
    from workbench.domain.when import happened
    from workbench.store.actions import edit_activity

    store, now = env.store(), env.store().clock.now()
    found, _, customer = _live_record(store, "activity", activity_id)
    record = store.require(Activity, found)
    chosen = ActivityKind(kind.lower()) if kind else record.kind
    result = record.outcome
    if outcome is not None:
        result = _outcome(outcome, chosen) if outcome.strip() else None
    elif result is not None and result not in OUTCOMES_BY_KIND[chosen]:
        names = ", ".join(o.value for o in OUTCOMES_BY_KIND[chosen]) or "''"
        raise UserError(
            tr(
                "it was {outcome}, not an outcome of a {kind}: add --outcome ({names}, or '')",
                outcome=result.value,
                kind=chosen.label,
                names=names,
            )
        )
    notes = record.notes
    if note is not None:
        notes = sys.stdin.read() if note == "-" else note
    at = record.at
    if at_text:
        at = happened(at_text, now, record.at.astimezone(now.tzinfo).time())
    edited = edit_activity(
        store,
        found,
        kind=chosen,
        at=at,
        outcome=result,
        satisfaction=record.satisfaction if satisfaction is None else satisfaction or None,
        notes=notes,
    )
    echo(tr("Saved the {kind} with {customer}.", kind=edited.kind.label, customer=customer or "?"))


@activity.command("delete")
@click.argument("activity_id", metavar="ID")
@store_options
@click.pass_obj
def activity_delete(env: Env, activity_id: str) -> None:
    """Delete an activity into the Trash (as `workbench delete activity ID`)."""
    from workbench.store import trash

    store = env.store()
    found, what, customer = _live_record(store, "activity", activity_id)
    deletion = trash.delete(store, "activity", found)
    echo(_deleted_text(deletion, f"{what} · {customer}" if customer else what))


@cli.group(invoke_without_command=True)
@store_options
@click.pass_context
def stages(ctx: click.Context) -> None:
    """List the pipeline stages, or change them (set, add, move, delete)."""
    if ctx.invoked_subcommand is None:
        _print_stages(ctx.find_object(Env))


def _print_stages(env: Env | None) -> None:
    from workbench.domain.stages import stage_cells
    from workbench.store.pipeline import deal_counts

    assert env is not None
    store = env.store()
    counts = deal_counts(store)
    with _table(
        tr("Key"),
        tr("Label"),
        tr("Prob."),
        tr("Rot days"),
        tr("Kind"),
        tr("Deals"),
        whole=(0, 2, 3, 4, 5),
        right=(2, 3, 5),
    ) as add:
        for stage in store.stages():
            add(*stage_cells(stage, counts.get(stage.key, 0)))


@stages.command("set")
@click.argument("key")
@click.option("--label", help=tr("The name shown on the column."))
@click.option("--probability", type=int, help=tr("Default win probability, 0-100."))
@click.option("--rot-days", type=int, help=tr("Days idle before a deal counts as stale."))
@store_options
@click.pass_obj
def stages_set(
    env: Env, key: str, label: str | None, probability: int | None, rot_days: int | None
) -> None:
    """Change a stage's label, probability or rot days."""
    from workbench.store.pipeline import set_stage

    set_stage(env.store(), key, label=label, probability=probability, rot_days=rot_days)
    _print_stages(env)


@stages.command("add")
@click.argument("key")
@click.option("--label", required=True, help=tr("The name shown on the column."))
@click.option("--probability", type=int, required=True, help=tr("Win probability, 0-100."))
@click.option("--rot-days", type=int, help=tr("Days idle before a deal counts as stale."))
@click.option("--after", help=tr("The stage it follows (default: the last open stage)."))
@store_options
@click.pass_obj
def stages_add(
    env: Env, key: str, label: str, probability: int, rot_days: int | None, after: str | None
) -> None:
    """Add an open stage."""
    from workbench.store.pipeline import add_stage

    add_stage(env.store(), key, label, probability, rot_days=rot_days, after=after)
    _print_stages(env)


@stages.command("move")
@click.argument("key")
@click.option("--after", required=True, help=tr("The stage it should follow."))
@store_options
@click.pass_obj
def stages_move(env: Env, key: str, after: str) -> None:
    """Put an open stage right after another."""
    from workbench.store.pipeline import move_stage

    move_stage(env.store(), key, after=after)
    _print_stages(env)


@stages.command("delete")
@click.argument("key")
@click.option("--move-to", help=tr("Where its deals go (required if it has any)."))
@store_options
@click.pass_obj
def stages_delete(env: Env, key: str, move_to: str | None) -> None:
    """Delete an open stage, moving its deals first."""
    from workbench.store.pipeline import delete_stage

    moved = delete_stage(env.store(), key, move_to=move_to)
    if moved:
        echo(
            tr(
                "Deleted {key}; moved {count} deals to {stage}.",
                key=key,
                count=moved,
                stage=move_to,
            )
        )
    else:
        echo(tr("Deleted {key}.", key=key))
    _print_stages(env)


# --- sync ---------------------------------------------------------------------


@cli.command("export")
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=tr("The bundle file to write (.json, or .json.gz to compress)."),
)
@click.option(
    "--for",
    "peer",
    metavar="PEER",
    help=tr("Only what PEER (a rep's name or device id) has not seen yet."),
)
@click.option("--full", is_flag=True, help=tr("Every change (the default without --for)."))
@store_options
@click.pass_obj
def export_command(env: Env, path: Path, peer: str | None, full: bool) -> None:
    """Write a bundle of your changes (and those you hold from others) for a teammate."""
    from workbench.sync.export import export_bundle, find_peer

    store = env.store()
    if peer and full:
        raise UserError(tr("--for and --full: choose one"))
    written = export_bundle(store, path, peers=[find_peer(store, peer)] if peer else [])
    echo(
        tr_n(
            "Wrote {count} change ({kind}) to {path}.",
            "Wrote {count} changes ({kind}) to {path}.",
            written.changes,
            kind=tr("full") if written.kind == "full" else tr("incremental"),
            path=written.path,
        )
    )


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@json_option
@store_options
@click.pass_obj
def import_command(env: Env, paths: tuple[Path, ...], as_json: bool) -> None:
    """Merge teammates' bundle files into your database. Each file is checked
    in full first and merged all or nothing; importing one twice changes nothing."""
    from workbench.sync.importer import import_bundle
    from workbench.sync.reader import BundleError

    store, summaries, refused = env.store(), [], []
    for path in paths:
        try:
            summaries.append(import_bundle(store, path))
        except BundleError as error:
            refused.append(
                tr("{path} {error}; nothing was imported from it", path=path, error=error)
            )
    if as_json:
        _echo_json({"imported": [summary.as_json() for summary in summaries], "refused": refused})
    else:
        for summary in summaries:
            for line in summary.lines():
                echo(line)
    if refused:
        raise UserError("\n".join(refused))


@cli.command("sync")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@json_option
@store_options
@click.pass_obj
def sync_command(env: Env, folder: Path | None, as_json: bool) -> None:
    """Swap bundles with your team through a shared FOLDER (Syncthing, Dropbox,
    a network share, git): import the others' new bundles, then write yours.
    The folder is remembered; later, `workbench sync` alone uses it."""
    from workbench.sync.folder import sync_folder

    store = env.store()
    settings = store.settings()
    if folder is None and settings.sync_folder is None:
        raise UserError(tr("which folder? `workbench sync FOLDER` (it is remembered after that)"))
    chosen = Path(folder or settings.sync_folder or "").expanduser().resolve()
    try:
        result = sync_folder(store, chosen)
    except FileNotFoundError as error:
        raise UserError(str(error)) from None
    if str(chosen) != settings.sync_folder:
        settings.sync_folder = str(chosen)
        store.save_settings(settings)
    if as_json:
        _echo_json(
            {
                "folder": str(chosen),
                "imported": [s.as_json() for s in result.imported],
                "refused": result.refused,
                "unchanged_files": result.seen,
                "written": str(result.written.path) if result.written else None,
                "written_changes": result.written.changes if result.written else 0,
            }
        )
    else:
        for line in result.lines():
            echo(line)
    if result.refused:
        raise click.exceptions.Exit(2)


@cli.group("team", invoke_without_command=True)
@store_options
@click.pass_context
def team_command(ctx: click.Context) -> None:
    """Show the team this database is in. In a team, every bundle you write
    is signed with a key made from the team's passphrase, and only bundles
    signed for your team are imported."""
    if ctx.invoked_subcommand is None:
        env = ctx.find_object(Env)
        assert env is not None
        team = env.store().team
        if team is None:
            echo(
                tr(
                    "This database is in no team: the bundles you write are not signed, and any "
                    "bundle that passes its checks is imported, so whoever can hand you a file "
                    "can write into your database. `workbench team create` makes a team; "
                    "`workbench team join ID` joins one."
                )
            )
        else:
            echo(_in_team(team))


@team_command.command("create")
@store_options
@click.pass_obj
def team_create(env: Env) -> None:
    """Make a team, with a passphrase you choose and tell your teammates
    (in person, not in the bundle's mail)."""
    from workbench.domain.team import Team

    _join(env, Team.create)


@team_command.command("join")
@click.argument("team_id", metavar="ID")
@store_options
@click.pass_obj
def team_join(env: Env, team_id: str) -> None:
    """Join team ID (as `workbench team` shows it on a teammate's computer)
    with its passphrase."""
    from workbench.domain.team import Team

    _join(env, lambda passphrase: Team.join(team_id, passphrase))


def _join(env: Env, team_of: Callable[[str], Team]) -> None:
    from workbench.store.location import TeamKeys

    store = env.store()
    if store.team is not None:
        raise UserError(
            tr(
                "this database is in team {team} already; `workbench team leave` first",
                team=store.team.id,
            )
        )
    if store.path is None or env.demo:
        raise UserError(tr("a demo database joins no team"))
    if sys.stdin.isatty():
        passphrase = click.prompt(
            tr("Team passphrase"), hide_input=True, confirmation_prompt=tr("The passphrase again")
        )
    else:  # piped (a script): the first line
        passphrase = sys.stdin.readline().rstrip("\r\n")
    try:
        team = team_of(passphrase)
    except ValueError as error:
        raise UserError(str(error)) from None
    TeamKeys.default().keep(store.path, team)
    echo(_in_team(team))


def _in_team(team: Team) -> str:
    return tr(
        "Team {team}: the bundles you write are signed, and only bundles signed for this "
        "team are imported. Teammates join with `workbench team join {team}` and the "
        "passphrase.",
        team=team.id,
    )


@team_command.command("leave")
@store_options
@click.pass_obj
def team_leave(env: Env) -> None:
    """Leave the team: this computer forgets the team's key. Nothing in the
    database is lost; bundles you write are no longer signed."""
    from workbench.store.location import TeamKeys

    store = env.store()
    if store.team is None or store.path is None:
        raise UserError(tr("this database is in no team"))
    TeamKeys.default().keep(store.path, None)
    echo(
        tr(
            "Left team {team}: nothing in this database was lost; the bundles you write are "
            "no longer signed.",
            team=store.team.id,
        )
    )


@cli.group("conflicts", invoke_without_command=True)
@json_option
@store_options
@click.pass_context
def conflicts_command(ctx: click.Context, as_json: bool) -> None:
    """List the fields two devices changed without seeing each other's edit:
    the value shown and the other, who wrote each and when. Settle one with
    `workbench conflicts keep ID shown|other`."""
    if ctx.invoked_subcommand is None:
        env = ctx.find_object(Env)
        assert env is not None
        _print_conflicts(env, as_json)


def _print_conflicts(env: Env, as_json: bool) -> None:
    from workbench.sync.conflicts import list_conflicts

    found = list_conflicts(env.store())
    if as_json:
        _echo_json([conflict.as_json() for conflict in found])
        return
    if not found:
        echo(tr("No conflicts: every device's edits agree"))
        _mention_held(env)
        return
    with _table(
        tr("Id"), tr("Customer"), tr("Record"), tr("Field"), tr("Shown"), tr("Other"), whole=(0,)
    ) as add:
        for conflict in found:
            add(
                conflict.id,
                conflict.customer or "—",
                conflict.record,
                conflict.field_label,
                _written(conflict.shown),
                _written(conflict.other),
            )
    echo(
        tr_n(
            "{count} conflict: `workbench conflicts keep ID shown` keeps the value shown, "
            "`… other` takes the other (mine, theirs: this computer's or not); the "
            "choice syncs.",
            "{count} conflicts: `workbench conflicts keep ID shown` keeps the value "
            "shown, `… other` takes the other (mine, theirs: this computer's or not); "
            "the choice syncs.",
            len(found),
        )
    )
    _mention_held(env)


def _mention_held(env: Env) -> None:
    from workbench.store.incomplete import held_aside, list_held

    if held := list_held(env.store()):
        echo(held_aside(len(held)))


def _written(side: Any) -> str:
    """'call Tue (Wang Fang, 23 Nov 09:35)'."""
    from workbench.domain.clock import local_timezone

    when = side.at.astimezone(local_timezone())
    return tr(
        "{value} ({rep}, {when})",
        value=side.text,
        rep=side.rep,
        when=f"{i18n.month_day(when.date())} {when:%H:%M}",
    )


@conflicts_command.command("incomplete")
@click.option(
    "--discard",
    "discard_id",
    metavar="ID",
    help=tr("Delete held record ID (a broken peer's stray, say); the delete syncs."),
)
@json_option
@store_options
@click.pass_obj
def conflicts_incomplete(env: Env, discard_id: str | None, as_json: bool) -> None:
    """List the records held aside because part of them has not arrived:
    what each has, what it lacks, which devices wrote it. Each joins its
    table when the rest arrives (ask its writer for a full bundle:
    `workbench export --full`)."""
    from workbench.domain.clock import local_timezone
    from workbench.domain.models import field_label
    from workbench.store.incomplete import discard, find_held, list_held
    from workbench.sync.conflicts import kind_of, writers

    store = env.store()
    if discard_id is not None:
        found = find_held(store, discard_id)
        if len(found) != 1:
            raise UserError(
                tr(
                    "{id!r} names {count} held records: `workbench conflicts "
                    "incomplete` lists their ids",
                    id=discard_id,
                    count=len(found),
                )
            )
        discard(store, found[0])
        echo(
            tr(
                "Discarded {kind} {id}; the others get the delete with your next sync.",
                kind=kind_of(found[0].entity),
                id=found[0].row_id,
            )
        )
        return
    held = list_held(store)
    if as_json:
        _echo_json([record.as_json() for record in held])
        return
    if not held:
        echo(tr("No record is held aside: every record here is whole"))
        return
    names = writers(store)
    with _table(
        tr("Id"), tr("Kind"), tr("Has"), tr("Lacks"), tr("Written by"), tr("Last"), whole=(0,)
    ) as add:
        for record in held:
            labels = [
                ", ".join(field_label(record.entity, f) for f in fields) or "—"
                for fields in (record.has, record.lacks)
            ]
            add(
                record.row_id,
                kind_of(record.entity),
                *labels,
                ", ".join(names.get(device, device) for device in record.writers),
                f"{record.last.astimezone(local_timezone()):%Y-%m-%d %H:%M}",
            )
    echo(
        tr_n(
            "{count} record held aside: it joins its table when the rest arrives; "
            "`--discard ID` deletes one that never will.",
            "{count} records held aside: each joins its table when the rest arrives; "
            "`--discard ID` deletes one that never will.",
            len(held),
        )
    )


KEEP_SIDES = ("shown", "other", "mine", "theirs")


@conflicts_command.command("keep")
@click.argument("conflict_id", metavar="ID")
@click.argument("side", type=click.Choice(KEEP_SIDES, case_sensitive=False))
@store_options
@click.pass_obj
def conflicts_keep(env: Env, conflict_id: str, side: str) -> None:
    """Settle conflict ID (as `workbench conflicts` lists it) with one of its
    values: shown (the one the record holds), other, mine (written on this
    computer) or theirs. Your choice reaches every device with the next sync."""
    from workbench.sync.conflicts import find_conflict, keep

    store = env.store()
    found = find_conflict(store, conflict_id)
    if not found:
        raise UserError(
            tr("no open conflict {id!r} (`workbench conflicts` lists them)", id=conflict_id)
        )
    if len(found) > 1:
        raise UserError(
            tr(
                "{id!r} starts the ids of several conflicts ({ids}): type more of it",
                id=conflict_id,
                ids=", ".join(c.id for c in found),
            )
        )
    (conflict,) = found
    chosen = {
        "shown": conflict.shown,
        "other": conflict.other,
        "mine": conflict.mine,
        "theirs": conflict.theirs,
    }[side.lower()]
    if chosen is None or (side.lower() in ("mine", "theirs") and conflict.theirs is None):
        raise UserError(
            tr(
                "neither or both values of conflict {id} were written on this "
                "computer: say shown or other",
                id=conflict.id,
            )
        )
    keep(store, conflict, chosen)
    echo(
        tr(
            "{what}: kept {value}; the others get your choice with your next sync.",
            what=conflict.place,
            value=chosen.text,
        )
    )


def output_option(kind: str) -> Callable[[F], F]:
    """-o/--output FILE, for the export commands."""
    return click.option(
        "-o",
        "--output",
        "path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=tr("The {kind} file to write.", kind=kind),
    )


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written (no folder, no permission, disk full) as one line."""
    try:
        yield
    except OSError as error:
        raise UserError(
            tr("{path} cannot be written: {error}", path=path, error=error.strerror or error)
        ) from None


# As typed on the command line; the table name has '_' for '-'.
CSV_ENTITIES = (
    "customers",
    "contacts",
    "deals",
    "activities",
    "follow-ups",
    "reps",
    "stages",
    "targets",
)


def _table_of(entity: str) -> str:
    return entity.lower().replace("-", "_")


@cli.command("import-csv")
@click.argument("entity", type=click.Choice(CSV_ENTITIES, case_sensitive=False))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=tr("A JSON file naming columns and translating values (see docs/files.md)."),
)
@click.option("--dry-run", is_flag=True, help=tr("Only say what would happen; write nothing."))
@click.option(
    "--skip-bad",
    is_flag=True,
    help=tr("Import the good rows; bad ones go to FILE.rejects.csv beside the input."),
)
@store_options
@click.pass_obj
def import_csv(
    env: Env, entity: str, path: Path, map_path: Path | None, dry_run: bool, skip_bad: bool
) -> None:
    """Import ENTITY records from a CSV file (a spreadsheet's or another CRM's
    export): UTF-8 or GBK, comma, semicolon or tab separated. Columns are
    matched by their headers (English or Chinese); any bad row stops the whole
    file unless --skip-bad. Rows with an id or external_id column update the
    same records when imported again."""
    from workbench.interop.csv_columns import load_mapping
    from workbench.interop.csv_import import plan_import

    store = env.store()
    table = _table_of(entity)
    _import(
        store, lambda: plan_import(store, table, path, load_mapping(map_path)), dry_run, skip_bad
    )


def _import(store: Store, plan_it: Callable[[], Plan], dry_run: bool, skip_bad: bool) -> None:
    """Plan, print the report, and (unless a dry run) write: CSV and vCard alike."""
    from workbench.interop.csv_import import apply_plan, records

    try:
        plan = plan_it()
        for line in plan.report():
            echo(line)
        if dry_run:
            echo(tr("Dry run: nothing was written."))
            return
        rejects = apply_plan(store, plan, skip_bad=skip_bad)
    except ValueError as error:  # FileFormatError included
        raise UserError(str(error)) from None
    echo(tr("Imported {records}.", records=records(len(plan.good), plan.table.unit)))
    if rejects:
        bad = records(len(plan.rejected), plan.table.unit, "bad")
        echo(tr("Wrote the {records} to {path}.", records=bad, path=rejects))


@cli.command("export-csv")
@click.argument("entity", type=click.Choice(CSV_ENTITIES, case_sensitive=False))
@output_option("CSV")
@store_options
@click.pass_obj
def export_csv_command(env: Env, entity: str, path: Path) -> None:
    """Write every ENTITY record to a CSV file (UTF-8, opens in Excel) that
    import-csv reads back without loss."""
    from workbench.domain.models import entity_label
    from workbench.interop.csv_export import export_csv

    table = _table_of(entity)
    with _writing(path):
        count = export_csv(env.store(), table, path)
    echo(
        tr(
            "Wrote {count} {entity} to {path}.",
            count=f"{count:,}",
            entity=entity_label(table),
            path=path,
        )
    )


@cli.command("import-vcf")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=tr("Only say what would happen; write nothing."))
@click.option(
    "--skip-bad",
    is_flag=True,
    help=tr("Import the good cards; bad ones go to FILE.rejects.csv beside the input."),
)
@store_options
@click.pass_obj
def import_vcf(env: Env, path: Path, dry_run: bool, skip_bad: bool) -> None:
    """Import contacts from a vCard file (3.0 or 4.0, as phones and mail
    programs export them). ORG names the customer (created when missing); a
    card for a contact already here fills only its empty fields."""
    from workbench.interop.vcard import plan_vcf_import

    store = env.store()
    _import(store, lambda: plan_vcf_import(store, path), dry_run, skip_bad)


@cli.command("export-vcf")
@output_option(".vcf")
@click.option(
    "--vcard",
    "version",
    type=click.Choice(["3.0", "4.0"]),
    default="3.0",
    show_default=True,
    help=tr("The vCard version (3.0 opens everywhere)."),
)
@store_options
@click.pass_obj
def export_vcf_command(env: Env, path: Path, version: str) -> None:
    """Write every contact as a vCard, with its customer as ORG, for a phone's
    or mail program's address book. import-vcf reads it back."""
    from workbench.interop.vcard import export_vcf

    with _writing(path):
        count = export_vcf(env.store(), path, version)
    echo(
        tr_n(
            "Wrote {count} contact (vCard {version}) to {path}.",
            "Wrote {count} contacts (vCard {version}) to {path}.",
            count,
            version=version,
            path=path,
        )
    )


@cli.command("export-ics")
@output_option(".ics")
@click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(1, 3660),
    help=tr("How far ahead; overdue follow-ups are always included (shown today)."),
)
@store_options
@click.pass_obj
def export_ics_command(env: Env, path: Path, days: int) -> None:
    """Write your open follow-ups (recurring ones as repeating events) and the
    visits and meetings planned ahead to an iCalendar file for your phone's or
    computer's calendar. Import it again after a new export: events update."""
    from workbench.interop.ical import export_ics

    with _writing(path):
        count = export_ics(env.store(), path, days)
    echo(
        tr_n(
            "Wrote {count} event (the next {days} days) to {path}.",
            "Wrote {count} events (the next {days} days) to {path}.",
            count,
            days=days,
            path=path,
        )
    )


@cli.command("bundle-schema")
def bundle_schema() -> None:
    """Print the JSON Schema of a bundle file."""
    from workbench.sync.bundle import json_schema

    _echo_json(json_schema())


# --- targets and the report -------------------------------------------------

METRICS = ("revenue", "won_deals", "new_customers", "calls", "visits")


@cli.group()
def target() -> None:
    """Set targets, list them, and say how they spread over working days."""


@target.command("set")
@click.argument("metric", type=click.Choice(METRICS, case_sensitive=False))
@click.argument("amount")
@click.option(
    "--period", required=True, help=tr("2026, 2026-Q4, 2026-11, 2026-W48 or 'this month'.")
)
@click.option(
    "--rep", default="me", show_default=True, help=tr("Whose target: me or a rep's name.")
)
@store_options
@click.pass_obj
def target_set(env: Env, metric: str, amount: str, period: str, rep: str) -> None:
    """Set a target: revenue in your currency, the others as counts."""
    from workbench.domain.models import Metric
    from workbench.domain.money import parse_amount
    from workbench.domain.periods import period_named
    from workbench.store.actions import set_target
    from workbench.store.lookup import find_rep

    store = env.store()
    chosen = Metric(metric.lower())
    try:
        key = period_named(period, store.clock.today()).key
        value = (
            parse_amount(amount, store.settings().currency)
            if chosen == Metric.REVENUE
            else _count(amount)
        )
    except ValueError as error:
        raise UserError(str(error)) from None
    set_target(store, find_rep(store, rep), chosen, key, value)
    echo(
        tr(
            "Target set: {metric} {amount} for {period}.",
            metric=chosen.label,
            amount=amount,
            period=key,
        )
    )


def _count(text: str) -> int:
    cleaned = text.replace(",", "").replace("_", "").strip()
    if not cleaned.lstrip("-").isdecimal() or len(cleaned) > 12:  # (SQLite holds 19 digits)
        raise ValueError(tr("{text!r} is not a whole number", text=text))
    value = int(cleaned)
    if value < 0:
        raise ValueError(tr("a target is zero or more"))
    return value


@target.command("list")
@click.option("--rep", default="me", show_default=True, help=tr("Whose: me, a rep's name, or all."))
@store_options
@click.pass_obj
def target_list(env: Env, rep: str) -> None:
    """The targets set by hand (shorter periods not listed follow from them)."""
    from workbench.domain.models import Metric
    from workbench.domain.money import format_money
    from workbench.store.lookup import whose
    from workbench.store.queries import rep_names, targets_set

    store = env.store()
    rows = targets_set(store, whose(store, rep))
    if not rows:
        echo(tr("No targets yet: workbench target set revenue 1200000 --period 2026"))
        return
    names = rep_names(store)
    with _table(tr("Rep"), tr("Period"), tr("Metric"), tr("Target"), right=(3,)) as add:
        for row in rows:
            shown = (
                format_money(row.amount, row.currency)
                if row.metric == Metric.REVENUE and row.currency
                else f"{row.amount:,}"
            )
            add(names.get(row.rep_id, "?"), row.period, Metric(row.metric).label, shown)


@target.command("holidays")
@click.option(
    "--add",
    "added",
    multiple=True,
    metavar="DATE",
    help=tr("A day off: 2026-12-25, dec 25, 12月25日."),
)
@click.option("--remove", "removed", multiple=True, metavar="DATE", help=tr("No longer a day off."))
@store_options
@click.pass_obj
def target_holidays(env: Env, added: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """Days off besides weekends: targets and pace skip them."""
    from workbench.domain.when import one_day

    store = env.store()
    settings = store.settings()
    now = store.clock.now()
    days = set(settings.holidays) | {one_day(text, now) for text in added}
    days -= {one_day(text, now) for text in removed}
    if added or removed:
        store.save_settings(replace(settings, holidays=sorted(days)))
    echo(", ".join(str(day) for day in sorted(days)) or tr("No holidays: weekends only."))


@target.command("split")
@click.argument("how", type=click.Choice(("even", "last-year")))
@store_options
@click.pass_obj
def target_split(env: Env, how: str) -> None:
    """Spread longer targets evenly by working day, or by last year's won revenue a month."""
    from workbench.domain.targets import Split

    store = env.store()
    split = Split.EVEN if how == "even" else Split.LAST_YEAR
    store.save_settings(replace(store.settings(), target_split=split))
    echo(
        tr("Targets now spread evenly.")
        if split == Split.EVEN
        else tr("Targets now spread by last year.")
    )


@cli.group("reps", invoke_without_command=True)
@json_option
@store_options
@click.pass_context
def reps_command(ctx: click.Context, as_json: bool) -> None:
    """The team's reps: team (or region) and manager."""
    if ctx.invoked_subcommand is not None:
        return
    from workbench.store.queries import rep_list

    listed = rep_list(ctx.obj.store())
    if as_json:
        _echo_json(listed)
        return
    for rep in listed:
        placed = " · ".join(
            part
            for part in (
                rep["team"],
                rep["manager"] and tr("reports to {name}", name=rep["manager"]),
            )
            if part
        )
        echo(f"{printable(rep['name'])}  {printable(placed)}".rstrip())


@reps_command.command("set")
@click.argument("name")
@click.option("--team", help=tr('Team, region or office ("" clears it).'))
@click.option("--manager", help=tr("The rep they report to: a name, me, or none."))
@store_options
@click.pass_obj
def reps_set(env: Env, name: str, team: str | None, manager: str | None) -> None:
    """Set a rep's team (or region) and manager: anyone on the team may."""
    from workbench.store.actions import place_rep
    from workbench.store.lookup import find_rep
    from workbench.store.queries import rep_names

    store = env.store()
    changes: dict[str, object] = {}
    if team is not None:
        changes["team"] = team.strip() or None
    if manager is not None:
        changes["manager_id"] = (
            None if manager.strip().lower() == "none" else find_rep(store, manager)
        )
    if not changes:
        raise UserError(tr("say what to set: --team, --manager or both"))
    rep = place_rep(store, find_rep(store, name), **changes)
    echo(
        tr(
            "{name}: team {team}, manager {manager}",
            name=printable(rep.name),
            team=printable(rep.team or "—"),
            manager=printable(rep_names(store).get(rep.manager_id or "") or "—"),
        )
    )


@cli.command("currency")
@click.argument("code", required=False)
@store_options
@click.pass_obj
def currency_command(env: Env, code: str | None) -> None:
    """Show or set your home currency (CNY, USD, EUR…): revenue and its targets count in it."""
    from workbench.store.actions import set_home_currency

    store = env.store()
    if code is None:
        echo(tr("Home currency: {code}", code=store.settings().currency))
        return
    try:
        stranded = set_home_currency(store, code)
    except ValueError as error:
        raise UserError(str(error)) from None
    echo(
        tr(
            "Home currency: {code}. Deals won in other currencies count as won deals and in "
            "win rates; their revenue is shown apart, never converted.",
            code=store.settings().currency,
        )
    )
    if stranded:
        echo(
            tr_n(
                "{count} revenue target is in another currency: it counts again once set in "
                "{code} (workbench target set revenue …).",
                "{count} revenue targets are in "
                "other currencies: they count again once set in {code} (workbench target set "
                "revenue …).",
                stranded,
                code=store.settings().currency,
            )
        )


@cli.command()
@click.option(
    "--period",
    default="month",
    show_default=True,
    help=tr("week, month, quarter, year (the current one), 'last month', or 2026-Q4."),
)
@click.option("--rep", default="me", show_default=True, help=tr("me, a rep's name, or all."))
@click.option(
    "--by",
    type=click.Choice(("team", "manager")),
    help=tr("Group the leaderboard by team (or region) or by manager."),
)
@json_option
@store_options
@click.pass_obj
def report(env: Env, period: str, rep: str, by: str | None, as_json: bool) -> None:
    """Targets, pace, forecast, the gap and KPIs for a period."""
    from workbench.domain.periods import PeriodKind, period_named
    from workbench.report_output import as_json as report_json
    from workbench.report_output import text_lines
    from workbench.store.lookup import whose
    from workbench.store.report import GroupBy, build_report

    store = env.store()
    words = f"this {period}" if period.lower() in set(PeriodKind) else period
    try:
        chosen = period_named(words, store.clock.today())
    except ValueError as error:
        raise UserError(str(error)) from None
    built = build_report(store, whose(store, rep), chosen)
    if as_json:
        _echo_json(report_json(built))
        return
    for line in text_lines(built, GroupBy(by) if by else None):
        echo(line)


def main() -> None:
    cli(prog_name="workbench")


if __name__ == "__main__":
    main()
