"""When two customers are probably one: the rules, as match keys.

A customer has up to three keys; two customers sharing any key are a
candidate pair, and the key says why:
- name: the name folded (case, width, accents), punctuation and spaces
  removed, and legal suffixes dropped: "Hengtai Pumps Co., Ltd." and
  "HENGTAI PUMPS" and "恒泰泵业有限公司" / "恒泰泵业" match;
- domain: the e-mail's domain, unless it is a webmail domain that many
  unrelated customers share (gmail.com, qq.com, 163.com, ...);
- phone: the last 10 digits (so "+86 21 5555 0100" matches "021-5555-0100"),
  or all of them for a shorter number; numbers under 7 digits are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from workbench.i18n import tr


class Reason(StrEnum):
    NAME = "name"
    DOMAIN = "domain"
    PHONE = "phone"

    def describe(self, key: str) -> str:
        value = key.split(":", 1)[1]
        if self == Reason.NAME:
            return tr("same name once legal suffixes are dropped")
        if self == Reason.DOMAIN:
            return tr("same e-mail domain ({domain})", domain=value)
        return tr("same phone (…{digits})", digits=value[-4:])


# Legal-form words dropped from the end of a (folded) Latin-script name.
LEGAL_SUFFIXES = frozenset(
    """
    inc incorporated corp corporation co company ltd limited llc llp lp plc
    gmbh ag kg sa sas sarl srl spa bv nv oy ab as aps kk pte pty bhd sdn
    group holding holdings
    """.split()
)
# ... and from the end of a Chinese name, longest first.
CJK_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "公司",
    "集团",
)

WEBMAIL = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.jp ymail.com hotmail.com
    outlook.com live.com msn.com icloud.com me.com mac.com aol.com proton.me
    protonmail.com gmx.de gmx.net web.de mail.ru yandex.ru zoho.com mail.com
    qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com
    aliyun.com 139.com 189.cn naver.com daum.net
    """.split()
)

_WORD = re.compile(r"\w+")


def name_key(name: str | None) -> str | None:
    """The name with its legal form dropped, folded for comparison; None
    when too little is left to tell customers apart (one character)."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = re.sub(r"[（(][^)）]*[)）]", " ", folded)  # "(China)", "（上海）"
    words = _WORD.findall(folded)
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    joined = "".join(words)
    for suffix in CJK_SUFFIXES:
        if joined.endswith(suffix) and len(joined) > len(suffix):
            joined = joined.removesuffix(suffix)
            break
    return joined if len(joined) > 1 else None


def domain_key(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().casefold()
    return None if not domain or domain in WEBMAIL else domain


def phone_key(phone: str | None) -> str | None:
    digits = "".join(char for char in phone or "" if char.isdigit())
    return digits[-10:] if len(digits) >= 7 else None


def match_keys(name: str | None, email: str | None, phone: str | None) -> list[str]:
    """'reason:value' keys; customers sharing one are candidate duplicates."""
    keys = [
        (Reason.NAME, name_key(name)),
        (Reason.DOMAIN, domain_key(email)),
        (Reason.PHONE, phone_key(phone)),
    ]
    return [f"{reason}:{value}" for reason, value in keys if value]


def explain(keys: list[str]) -> list[str]:
    """Each shared key as a reason a rep can read."""
    return [Reason(key.split(":", 1)[0]).describe(key) for key in keys]
