"""Lazy modules: nothing runs until used, then the real module answers, from any thread."""

import subprocess
import sys


def test_a_lazy_module_loads_on_first_use_and_all_load_together() -> None:
    code = (
        "import sys, threading\n"
        "from workbench.lazy import lazy, load_all\n"
        "csv = lazy('csv')\n"
        "tomllib = lazy('tomllib')\n"
        "assert 'csv' not in sys.modules and 'tomllib' not in sys.modules\n"
        "found = []\n"
        "threads = [threading.Thread(target=lambda: found.append(csv.reader)) for _ in range(4)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert found == [sys.modules['csv'].reader] * 4\n"
        "assert 'tomllib' not in sys.modules\n"
        "load_all()\n"
        "assert 'tomllib' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
