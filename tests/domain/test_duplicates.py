"""The duplicate rules: which customers look like one, and which do not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.duplicates import domain_key, explain, match_keys, name_key, phone_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hengtai Pumps Co., Ltd.", "HENGTAI PUMPS"),
        ("Hengtai Pumps Ltd", "Heng-tai Pumps Limited"),
        ("Acme, Inc.", "acme"),
        ("Müller GmbH", "MÜLLER"),
        ("恒泰泵业有限公司", "恒泰泵业"),
        ("恒泰泵业股份有限公司", "恒泰泵业有限公司"),
        ("上海恒泰（中国）有限公司", "上海恒泰有限公司"),
        ("Ｈｅｎｇｔａｉ", "hengtai"),  # full-width letters
        ("Acme Holdings Group Ltd", "Acme"),
    ],
)
def test_names_that_are_one_customer(one: str, other: str) -> None:
    assert name_key(one) == name_key(other) is not None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hengtai Pumps", "Hengtai Valves"),
        ("Acme", "Acme Pumps"),
        ("恒泰泵业", "恒泰阀门"),
        ("Ltd Pumps", "Pumps"),  # only trailing words are a legal form
    ],
)
def test_names_that_are_not(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_too_little_name_to_go_on() -> None:
    assert name_key("A Ltd") is None
    assert name_key("公司") == "公司"  # a suffix alone is kept, not emptied
    assert name_key("") is None and name_key(None) is None
    assert name_key("Co") == "co"


def test_email_domains_but_not_webmail() -> None:
    assert domain_key("Li.Wei@Hengtai-Pumps.CN") == "hengtai-pumps.cn"
    assert domain_key("someone@gmail.com") is None
    assert domain_key("买家@qq.com") is None
    assert domain_key("no-at-sign") is None and domain_key(None) is None


def test_phones_match_on_their_last_ten_digits() -> None:
    assert phone_key("+86 21 5555 0100") == phone_key("021-5555-0100") == "2155550100"
    assert phone_key("(415) 555-0100") == phone_key("+1 415 555 0100")
    assert phone_key("+86 21 5555 0100") != phone_key("+86 10 5555 0100")
    assert phone_key("12345") is None  # too short to mean anything


def test_reasons_read_well() -> None:
    keys = match_keys("Acme Ltd", "sales@acme.com", "+86 21 5555 0100")
    assert keys == ["name:acme", "domain:acme.com", "phone:2155550100"]
    assert explain(keys) == [
        "same name once legal suffixes are dropped",
        "same e-mail domain (acme.com)",
        "same phone (…0100)",
    ]


@given(st.text(max_size=60))
def test_name_key_never_fails_and_is_stable(name: str) -> None:
    key = name_key(name)
    assert key is None or (len(key) > 1 and name_key(key) is not None)
