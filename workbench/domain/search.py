"""Customer search: what the index holds and what a typed search asks it.

SQLite's FTS5 `unicode61` tokenizer splits text at spaces and punctuation,
which suits names, e-mail addresses and tags, but Chinese is written without
spaces: "深圳隆通能源有限公司" would be one token that only its first
characters find. So both sides are folded the same way before FTS5 sees them:
every CJK character becomes a token of its own, and a run of them typed in
a search becomes a phrase (those characters, adjacent, in order) — "隆通"
then finds it, as does "能源". Latin words match by prefix ("acm" finds Acme),
and a phone number is also indexed as its digits alone, so "13812345678"
finds "+86 138-1234-5678".
"""

from __future__ import annotations

import re

# CJK ideographs (with extension A and compatibility forms), kana and hangul.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
# What a search is made of: runs of CJK characters, or other word characters.
_TERM = re.compile(f"[{_CJK}]+|[^\\W_]+")


def is_cjk(char: str) -> bool:
    """Whether `char` is a Chinese, Japanese or Korean character (written
    without spaces between words)."""
    return bool(_CJK_CHAR.match(char))


def fold(text: str) -> str:
    """The index's form of a customer's searchable text."""
    digits = " ".join(re.sub(r"\D", "", phone) for phone in _PHONE.findall(text))
    spaced = _CJK_CHAR.sub(r" \1 ", text.casefold())
    return f"{spaced} {digits}" if digits else spaced


def match_query(typed: str) -> str | None:
    """An FTS5 MATCH expression finding every customer whose text has each of
    the typed terms; None when nothing searchable was typed.

    Every term is quoted, so nothing typed can be read as FTS5 syntax."""
    clauses = []
    for term in _TERM.findall(typed.casefold()):
        if _CJK_CHAR.match(term):
            clauses.append('"' + " ".join(term) + '"')
        else:
            clauses.append(f'"{term}"*')
    return " AND ".join(clauses) or None


def owner_token(rep_id: str) -> str:
    """How the search index holds a customer's owner (migration 0008): one
    token, whatever characters the id has."""
    return "o" + rep_id.encode("utf-8").hex()


def scoped(query: str, owner: str | None = None) -> str:
    """`query` (from match_query) over the customers' text only, and only
    `owner`'s customers when one is given, in one FTS5 expression."""
    text = f"body : ({query})"
    return f'owner : "{owner_token(owner)}" AND {text}' if owner else text
