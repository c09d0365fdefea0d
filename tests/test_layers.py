"""The core never imports Textual, so it can be tested and used without a terminal."""

import subprocess
import sys
from pathlib import Path

from workbench.store.database import open_store


def test_core_packages_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import workbench.domain.models, workbench.domain.when, workbench.store.database\n"
        "import workbench.store.queries, workbench.store.actions, workbench.demo, workbench.cli\n"
        "import workbench.interop.csv_import, workbench.interop.ical, workbench.interop.vcard\n"
        "import workbench.sync.importer, workbench.sync.export, workbench.sync.folder\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_first_screen_needs_neither_pydantic_nor_sqlite_utils(tmp_path: Path) -> None:
    """What `workbench` does before Today is drawn: open an existing database,
    read its settings and the agenda. The record models (pydantic) and
    sqlite-utils load afterwards; before, they made the start ~2x slower."""
    open_store(tmp_path / "db.db").close()  # created and migrated: that needs sqlite-utils
    code = (
        "import sys\n"
        "import workbench.cli, workbench.tui.app\n"
        "from workbench.store.database import open_store\n"
        "from workbench.store.queries import today_agenda\n"
        f"store = open_store({str(tmp_path / 'db.db')!r})\n"
        "store.settings(), today_agenda(store)\n"
        "loaded = {'pydantic', 'sqlite_utils', 'workbench.domain.models'} & sys.modules.keys()\n"
        "assert not loaded, f'loaded before the first screen: {sorted(loaded)}'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
