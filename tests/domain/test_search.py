"""Folding and search queries, against a real FTS5 table like the store's."""

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.search import fold, match_query

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzäéø0123456789")


def _index(*texts: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.executemany("INSERT INTO t (body) VALUES (?)", [(fold(text),) for text in texts])
    return conn


def _found(conn: sqlite3.Connection, typed: str) -> list[int]:
    query = match_query(typed)
    if query is None:
        return []
    return [
        row[0]
        for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", [query])
    ]


def test_fold_spaces_cjk_and_adds_phone_digits() -> None:
    assert fold("恒泰 Co. +86 (21) 5555-0100") == " 恒  泰  co. +86 (21) 5555-0100 862155550100"
    assert fold("Acme") == "acme"


def test_nothing_searchable_is_no_query() -> None:
    assert match_query("") is None
    assert match_query(' %_*"() ') is None


@given(st.text(max_size=40))
def test_anything_typed_is_a_valid_query(typed: str) -> None:
    _found(_index("Acme 恒泰"), typed)  # never an FTS5 syntax error


@given(st.text(CJK, min_size=2, max_size=12), st.data())
def test_any_run_of_chinese_characters_finds_the_name(name: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    typed, other = name[start:end], "别的公司"
    also_other = [2] if typed in other else []  # "公" is in both names
    assert _found(_index(f"{name}有限公司", other), typed) == [1, *also_other]


@given(st.lists(st.text(LATIN, min_size=1, max_size=8), min_size=1, max_size=4), st.data())
def test_the_start_of_any_word_finds_it(words: list[str], data: st.DataObject) -> None:
    word = data.draw(st.sampled_from(words))
    typed = word[: data.draw(st.integers(1, len(word)))]
    assert 1 in _found(_index(" ".join(words).title()), typed.upper())
