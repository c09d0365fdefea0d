"""Modules imported when first used rather than when their user is imported.

The app opens on the Today pane, and opening a database needs neither the
record models nor the other screens: importing them before the first paint
made the start hundreds of milliseconds slower. Such a module is named at the
top as usual, under TYPE_CHECKING for the type checker, and bound to
`lazy(...)` for the program. Once the first screen is up, the app imports
them all in a worker (`load_all`), so the first key that needs one finds
it loaded.

The stand-in asks the ordinary import machinery on every attribute read, so
it is safe from any thread (a second thread waits for the first to finish
the import) and costs a dictionary look-up once the module is loaded. Keep
it out of per-row loops: bind what a loop needs to a local name first.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

_NAMED: list[str] = []  # every module given to lazy(), in order


class _Lazy(ModuleType):
    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self.__name__), name)


def lazy(name: str) -> ModuleType:
    """A stand-in for module `name` that imports it on first attribute read."""
    _NAMED.append(name)
    return _Lazy(name)


def load_all() -> None:
    """Import every module named to `lazy` so far."""
    for name in list(_NAMED):
        importlib.import_module(name)
