"""The command line in Chinese: click's own texts, our help, messages,
tables, reports and errors."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKBENCH_NOW", "2026-12-01T09:00:00+08:00")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", str(tmp_path / "zh.db"), *args])

    return invoke


def test_help_is_chinese_throughout(run) -> None:
    shown = run("--help")
    assert shown.exit_code == 0
    for text in (
        "用法:",
        "选项",
        "命令",
        "离线安排你的销售工作日",
        "列出或查找客户",
        "显示本帮助并退出。",
        "语言：en 或 zh_CN",
    ):
        assert text in shown.output, text
    assert "Show this message" not in shown.output


def test_click_errors_are_chinese(run) -> None:
    wrong = run("deals", "--stag", "x")
    assert wrong.exit_code == 2
    assert "错误：没有选项 '--stag'。" in wrong.output and "'--stage'" in wrong.output
    missing = run("log", "visit")
    assert missing.exit_code == 2 and "缺少参数 'CUSTOMER'" in missing.output


def test_logging_a_visit_says_so_in_chinese(run) -> None:
    assert run("demo", "--customers", "3").exit_code == 0
    name = json.loads(run("customers", "--json").output)[0]["name"]
    logged = run("log", "visit", name, "--outcome", "meeting_held", "--next", "下周二")
    assert logged.exit_code == 0, logged.output
    assert f"已记录与{name}的拜访" in logged.output
    assert "下次：" in logged.output and "12月8日 周二" in logged.output
    bad = run("log", "visit", name, "--next", "下下下周")
    assert bad.exit_code == 2 and "错误：" in bad.output


def test_tables_have_chinese_headers_and_stage_names(run) -> None:
    shown = run("stages")
    assert shown.exit_code == 0
    assert "键" in shown.output and "停滞天数" in shown.output
    assert "赢单" in shown.output and "输单" in shown.output


def test_a_csv_import_report_is_chinese(run, tmp_path: Path) -> None:
    csv = tmp_path / "客户.csv"
    csv.write_text("名称,电话\n恒泰贸易,+86 21 5555 0100\n坏数据,not a phone\n", encoding="utf-8")
    report = run("import-csv", "customers", str(csv), "--dry-run")
    assert "逗号分隔" in report.output and "接受 1 行" in report.output
    assert "拒绝 1 行" in report.output and "看起来不像电话号码" in report.output
    assert "试运行：没有写入任何内容。" in report.output
    refused = run("import-csv", "customers", str(csv))
    assert refused.exit_code == 2 and "错误的 1 行" in refused.output
    skipped = run("import-csv", "customers", str(csv), "--skip-bad")
    assert "已导入 1 行。" in skipped.output and "已把错误的 1 行写入" in skipped.output


def test_a_broken_bundle_is_refused_in_chinese(run, tmp_path: Path) -> None:
    bundle = tmp_path / "坏.json"
    bundle.write_text('{"header": {"format_version": 1', encoding="utf-8")
    refused = run("import", str(bundle))
    assert refused.exit_code == 2
    assert "文件不完整（被截断）" in refused.output and "没有从中导入任何内容" in refused.output
