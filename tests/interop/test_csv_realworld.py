"""The CRM exports in ../shared/realworld/csv (Pipedrive, HubSpot, Salesforce,
Zoho, Odoo, Chinese Excel), each imported with its mapping file as
`run_csv.py` does, and every landed value checked against the file: a
value that lands wrong fails here, not only a row that is refused."""

import shutil
from pathlib import Path

import pytest

from tests.realworld import ROOT, needs
from workbench.interop.csv_columns import Mapping, load_mapping
from workbench.interop.csv_import import apply_plan, plan_import
from workbench.store.database import Store

CORPUS = ROOT / "csv"
pytestmark = needs(CORPUS, "CSV corpus")

DEAL = """SELECT d.title, cu.name, d.stage, d.amount, d.currency, d.expected_close, d.closed_on,
                 r.name, d.probability
          FROM deals d LEFT JOIN customers cu ON cu.id = d.customer_id
          LEFT JOIN reps r ON r.id = d.owner WHERE d.deleted = 0 ORDER BY d.rowid"""
CUSTOMER = """SELECT c.name, c.industry, c.phone, c.address, c.notes, r.name
              FROM customers c LEFT JOIN reps r ON r.id = c.owner
              WHERE c.deleted = 0 ORDER BY c.rowid"""
CONTACT = """SELECT c.name, cu.name, c.title, c.phone, c.email, c.notes FROM contacts c
             JOIN customers cu ON cu.id = c.customer_id WHERE c.deleted = 0 ORDER BY c.rowid"""
FOLLOW_UP = """SELECT f.title, cu.name, f.due_date FROM follow_ups f
               JOIN customers cu ON cu.id = f.customer_id WHERE f.deleted = 0"""
# One row a line, as the files hold them: the formatter would give each value a
# line of its own and make the tables five times longer.
# fmt: off
SALESFORCE_REPORT = [
    ("Müller - Pumps", "Müller Maschinenbau GmbH", "lead", 250_000_00, "USD", "2027-01-15", None,
     "John Smith", 10),
    ("SGE - Retrofit", "Société Générale d'Équipement", "negotiation", 1_234_50, "EUR",
     "2026-12-22", None, "Jane Doe", 90),
]
PIPEDRIVE = "pipedrive_sample_import.csv"

RUNS = [  # (file, kind, map, query, every row as it must land)
    (PIPEDRIVE, "contacts", "pipedrive_contacts.json", CONTACT,
     [("Tony Turner", "Moveer Limited", None, "570-809-7197", "tony.turner@moveer.com",
       "Met at the fair")]),
    (PIPEDRIVE, "customers", "pipedrive_customers.json", CUSTOMER,
     [("Moveer Limited", None, None, "5, 943 Fincham Road, New Mexico 87503, US", None,
       "Li Wei")]),
    (PIPEDRIVE, "follow_ups", "pipedrive_followups.json", FOLLOW_UP,
     [("First pitch", "Moveer Limited", "2024-12-05")]),  # Excel's day 45631
    ("hubspot_deals.csv", "deals", "hubspot_deals.json", DEAL,  # no company column: no customer
     [("Acme - New Business", None, "qualified", 25_000_00, "USD", "2026-12-01", None,
       "Sarah Chen", None),
      ("Globex - Renewal", None, "proposal", 0, "USD", "2027-01-15", None, "Ingrid Larsen", None),
      ("AfyaLink Seed", None, "won", 500_000_00, "USD", "2026-06-30", "2026-06-30", "Sarah Chen",
       None)]),
    ("hubspot_deals_assoc.csv", "deals", "hubspot_deals_assoc.json", DEAL,
     [("AfyaLink Seed", "AfyaLink", "won", 500_000_00, "USD", None, None, "Li Wei", None),
      ("Safiri Logistics Pre-seed", "Safiri Logistics", "needs", 250_000_00, "USD", None, None,
       "Li Wei", None)]),
    ("hubspot_companies.csv", "customers", "hubspot_companies.json", CUSTOMER,
     [("Acme Inc", "Software", None, "United States", "acme.com", "Sarah Chen"),
      ("Globex", None, None, "Germany", None, "Ingrid Larsen")]),
    ("hubspot_contacts.csv", "contacts", "hubspot_contacts.json", CONTACT,
     [("Amina", "AfyaLink", "CEO", None, "amina@afyalink.co", None),
      ("Baraka", "Safiri Logistics", "CEO", None, "baraka@safiri.co", None)]),
    ("salesforce_opportunities.csv", "deals", "salesforce.json", DEAL,
     [("Acme Corp Deal", "Acme Corporation", "won", 250_000_00, "USD", "2026-08-15",
       "2026-08-15", "John Smith", None),
      ("Global Services", "Global Inc", "won", 175_000_00, "USD", "2026-08-10", "2026-08-10",
       "Jane Doe", None)]),
    ("salesforce_report_export_cp1252.csv", "deals", "salesforce_report.json", DEAL,
     SALESFORCE_REPORT),
    ("salesforce_report_export_utf8.csv", "deals", "salesforce_report.json", DEAL,
     SALESFORCE_REPORT),
    ("zoho_deals.csv", "deals", "zoho.json", DEAL,
     [("Benton Upgrade", "Benton (Sample)", "qualified", 25_000_00, "USD", "2026-12-18", None,
       "Patricia Boyle", 10),
      ("Chanay Renewal", "Chanay (Sample)", "negotiation", 48_000_00, "USD", "2027-01-09", None,
       "Patricia Boyle", 90)]),
    ("odoo_crm_leads.csv", "deals", "odoo.json", DEAL,
     [("Office Design Project", "Azure Interior", "qualified", 24_000_00, "USD", "2026-12-20",
       None, "Mitchell Admin", 30),
      ("Distributor Contract", "Gemini Furniture", "proposal", 19_800_00, "USD", "2027-01-05",
       None, "Marc Demo", 60)]),
    ("excel_cp1252_accounts_de.csv", "customers", None, CUSTOMER,
     [("Müller Maschinenbau GmbH", None, "+49 221 1234567", None, None, "Li Wei"),
      ("Jürgen Schröder KG", None, "+49 211 7654321", None, None, "Li Wei")]),
    ("cn_customers_gbk.csv", "customers", None, CUSTOMER,
     [("上海恒泰机械有限公司", None, "021-5555-0100", "上海市浦东新区张江路1号", "老客户", "李慧"),
      ("杭州锐捷科技", None, "13800138000", "杭州市西湖区文三路90号", "VIP客户", "李慧")]),
]
# fmt: on


def _imported(store: Store, tmp_path: Path, file: str, kind: str, map_file: str | None) -> None:
    source = shutil.copy(CORPUS / file, tmp_path / file)  # (a reject file may land beside it)
    mapping = load_mapping(CORPUS / "maps" / map_file) if map_file else Mapping()
    plan = plan_import(store, kind, Path(source), mapping)
    assert plan.rejected == [], plan.report()
    apply_plan(store, plan, skip_bad=False)


@pytest.mark.parametrize(
    ("file", "kind", "map_file", "query", "expected"),
    RUNS,
    ids=[f"{run[0]}:{run[1]}" for run in RUNS],
)
def test_every_row_lands_as_the_file_says(
    store: Store,
    me: object,
    tmp_path: Path,
    file: str,
    kind: str,
    map_file: str | None,
    query: str,
    expected: list[tuple[object, ...]],
) -> None:
    _imported(store, tmp_path, file, kind, map_file)
    assert store.db.execute(query).fetchall() == expected


def test_chinese_deals_land_on_the_customers_imported_before(
    store: Store, me: object, tmp_path: Path
) -> None:
    _imported(store, tmp_path, "cn_customers_gbk.csv", "customers", None)
    _imported(store, tmp_path, "cn_deals_gbk.csv", "deals", "cn_deals.json")
    assert store.db.execute(DEAL).fetchall() == [
        (
            "二期产线改造",
            "上海恒泰机械有限公司",
            "proposal",
            1_250_000_00,
            "CNY",
            "2026-12-28",
            None,
            "李慧",
            60,
        ),
        (
            "年度维保合同",
            "杭州锐捷科技",
            "negotiation",
            86_000_00,
            "CNY",
            "2027-01-15",
            None,
            "李慧",
            80,
        ),
    ]
    assert store.db.execute("SELECT count(*) FROM customers").fetchone() == (2,)


def test_deals_without_a_company_are_named_as_such_in_the_report(
    store: Store, me: object, tmp_path: Path
) -> None:
    source = shutil.copy(CORPUS / "hubspot_deals.csv", tmp_path / "d.csv")
    plan = plan_import(
        store, "deals", Path(source), load_mapping(CORPUS / "maps/hubspot_deals.json")
    )
    assert any("3 deals name no customer" in line for line in plan.report())
