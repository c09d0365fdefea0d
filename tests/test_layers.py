"""The core never imports Textual, so it can be tested and used without a terminal."""

import subprocess
import sys


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
