"""Modules loaded when first used rather than when imported.

The app opens on the Today pane; importing every other screen (and what
they import) before it paints made the start some 70 ms slower. Such a
module is named at the top as usual, under TYPE_CHECKING for the type
checker, and bound to `lazy(...)` for the program.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """Module `name`, run on its first attribute access (importlib's LazyLoader).

    Use only for modules first touched from the UI thread: Python 3.11's
    LazyLoader has no lock, so two threads must not race to run one."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
