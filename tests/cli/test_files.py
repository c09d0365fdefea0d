"""Files in and out: import-csv, export-csv, import-vcf, export-vcf and
export-ics (the report, exit codes, dry runs)."""

from pathlib import Path

from click.testing import CliRunner

from workbench.cli import cli


def test_import_csv_reports_refuses_and_exports(tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), *args])
        return result.exit_code, result.output

    assert run("me", "Li Wei")[0] == 0
    good = tmp_path / "deals.csv"
    good.write_text(
        '商机名称,客户名称,阶段,金额,预计成交日期\n水泵,上海水泵厂,lead,"￥1,200",2026年12月1日\n',
        encoding="gbk",
    )
    code, output = run("import-csv", "deals", str(good), "--dry-run")
    assert code == 0 and "creates 1 customer: 上海水泵厂" in output
    assert "Dry run: nothing was written." in output
    assert "水泵" not in run("deals")[1]
    bad = tmp_path / "bad.csv"
    bad.write_text("Deal,Account,Stage\nPumps,Acme,Engaging\n")
    code, output = run("import-csv", "deals", str(bad))
    assert code == 2 and "line 2: stage: no stage 'Engaging'" in output
    assert "nothing was imported" in output
    code, output = run("import-csv", "deals", str(bad), "--skip-bad")
    assert code == 0 and "Imported 0 rows." in output
    assert f"Wrote the 1 bad row to {tmp_path / 'bad.rejects.csv'}." in output
    code, output = run("import-csv", "deals", str(good))
    assert code == 0 and "Imported 1 row." in output
    assert "2026-12-01" in run("deals", "--json")[1]
    code, output = run("export-csv", "deals", "-o", str(tmp_path / "out.csv"))
    assert code == 0 and "Wrote 1 deals" in output
    assert "水泵" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_calendar_and_address_book_files(tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), *args])
        return result.exit_code, result.output

    run("me", "Li Wei")
    cards = tmp_path / "phone.vcf"
    cards.write_text("BEGIN:VCARD\nVERSION:4.0\nFN:Wang Fang\nORG:Acme\nEND:VCARD\n")
    code, output = run("import-vcf", str(cards), "--dry-run")
    assert code == 0 and "accepted 1 card: 1 new" in output and "Dry run" in output
    code, output = run("import-vcf", str(cards))
    assert code == 0 and "Imported 1 card." in output
    code, output = run("export-vcf", "-o", str(tmp_path / "out.vcf"), "--vcard", "4.0")
    assert code == 0 and "Wrote 1 contact (vCard 4.0)" in output
    assert "FN:Wang Fang" in (tmp_path / "out.vcf").read_text()
    assert run("log", "call", "Acme", "--next", "tomorrow")[0] == 0
    code, output = run("export-ics", "-o", str(tmp_path / "out.ics"), "--days", "7")
    assert code == 0 and "Wrote 1 event (the next 7 days)" in output, output
    code, output = run("export-ics", "-o", str(tmp_path / "out.ics"), "--days", "0")
    assert code == 2 and "0 is not in the range 1<=x<=3660" in output
    code, output = run("import-vcf", str(tmp_path / "missing.vcf"))
    assert code != 0 and "missing.vcf cannot be read" in output
