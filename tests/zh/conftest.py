"""Tests of the app in Chinese. They need the language chosen before the
screens load, so they run in a pytest of their own: `make test` runs
`WORKBENCH_LANG=zh_CN pytest tests/zh` after the English suite."""

import pytest

from workbench import i18n


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if i18n.language() != i18n.CHINESE:
        skip = pytest.mark.skip(reason="in Chinese: WORKBENCH_LANG=zh_CN pytest tests/zh")
        for item in items:
            if "tests/zh/" in str(item.path).replace("\\", "/"):
                item.add_marker(skip)
