"""The shared real-world material beside this checkout (../shared/realworld):
where a folder is, a mark that skips a test module when it is missing, and
its graders loaded as modules (they are scripts, not a package)."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"


def needs(path: Path, what: str) -> pytest.MarkDecorator:
    """Skip the module unless `path` is there."""
    return pytest.mark.skipif(
        not path.exists(), reason=f"the shared {what} is not beside this checkout ({path})"
    )


def grader(path: Path) -> ModuleType:
    """A grader script, loaded as a module (its main part does not run)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
