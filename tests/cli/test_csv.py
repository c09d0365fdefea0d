"""workbench import-csv and export-csv: the report, exit codes, dry runs."""

from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli


def test_import_csv_reports_refuses_and_exports(tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), *args])
        return result.exit_code, result.output

    assert run("me", "Li Wei")[0] == 0
    good = tmp_path / "deals.csv"
    good.write_text("商机名称,客户名称,阶段,金额,预计成交日期\n水泵,上海水泵厂,lead,"
                    '"￥1,200",2026年12月1日\n', encoding="gbk")  # fmt: skip
    code, output = run("import-csv", "deals", str(good), "--dry-run")
    assert code == 0 and "creates 1 customer: 上海水泵厂" in output
    assert "Dry run: nothing was written." in output
    assert "水泵" not in run("deals")[1]
    bad = tmp_path / "bad.csv"
    bad.write_text("Deal,Account,Stage\nPumps,Acme,Engaging\n")
    code, output = run("import-csv", "deals", str(bad))
    assert code == 2 and "line 2: stage: no stage 'Engaging'" in output
    assert "nothing was imported" in output
    code, output = run("import-csv", "deals", str(good))
    assert code == 0 and "Imported 1 row." in output
    assert "2026-12-01" in run("deals", "--json")[1]
    code, output = run("export-csv", "deals", "-o", str(tmp_path / "out.csv"))
    assert code == 0 and "Wrote 1 deals" in output
    assert "水泵" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
