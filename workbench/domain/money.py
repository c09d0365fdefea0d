"""Money: an integer amount in minor units (cents, fen) with an ISO 4217 code."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from workbench.i18n import tr

# Active ISO 4217 codes. Kept in code rather than a dependency: the list
# changes about once a year and we need nothing but membership.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()
)

# Currencies whose minor unit is not 1/100.
_DECIMALS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}

_SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}

MAX_MINOR = 10**15  # a quadrillion minor units: far above any deal, far below int64


def decimals(currency: str) -> int:
    return _DECIMALS.get(currency, 2)


def check_currency(code: str) -> str:
    code = code.strip().upper()
    if code not in ISO_4217:
        raise ValueError(
            tr("{code!r} is not an ISO 4217 currency code (e.g. CNY, USD, EUR)", code=code)
        )
    return code


# How an amount is written: plain (1234.5), grouped with commas and a decimal
# point (1,234.50), or grouped with points and a decimal comma (1.234,50 or
# 12,5). At most 16 digits before the decimal mark and 6 after: no exponent
# (1e999999 overflowed, 1e-99999999 became 0), nothing money never has.
_POINT = re.compile(r"(\d{1,16}|\d{1,3}(,\d{3}){1,5})(\.\d{1,6})?")
_COMMA = re.compile(r"(\d{1,3}(\.\d{3}){1,5}(,\d{1,6})?|\d{1,16}(,\d{1,6})?)")
_SPACES = re.compile(r"[\s\u00a0\u202f_]")
# Shorthands whose meaning no one doubts (250k, 25万, 1.2亿), as powers of ten.
# Not M: a million to most, a thousand (mille) to some accountants.
_SCALES = {"k": 3, "K": 3, "万": 4, "亿": 8}


def parse_amount(text: str, currency: str, decimal: str | None = None) -> int:
    """'12,500.50' (or '12.500,50') in CNY -> 1250050 minor units; `decimal`
    says which mark is the decimal one, else the text's own marks do (1,234
    is then grouped: a thousand); '250k' and '25万' are 250000. Rejects
    negatives, exponents, excess decimals and anything over MAX_MINOR."""
    cleaned = _SPACES.sub("", text)
    for symbol in (*_SYMBOLS.values(), "￥", currency):  # ￥: the full-width yen sign of GBK
        cleaned = cleaned.removeprefix(symbol).removesuffix(symbol)
    scale = _SCALES.get(cleaned[-1:], 0)
    cleaned = cleaned[:-1] if scale else cleaned
    point = decimal != "," and _POINT.fullmatch(cleaned.removeprefix("-"))
    comma = decimal != "." and not point and _COMMA.fullmatch(cleaned.removeprefix("-"))
    if cleaned.startswith("-") and (point or comma):
        raise ValueError(tr("amount must be zero or more, not {text!r}", text=text))
    if point:
        value = Decimal(cleaned.replace(",", ""))
    elif comma:
        value = Decimal(cleaned.replace(".", "").replace(",", "."))
    else:
        raise ValueError(
            tr("{text!r} is not an amount (e.g. 12500 or 12,500.50)", text=text)
        ) from None
    minor = value.scaleb(scale + decimals(currency))
    if minor != minor.to_integral_value():
        raise ValueError(
            tr("{text!r} has more decimals than {currency} allows", text=text, currency=currency)
        )
    if minor > MAX_MINOR:
        raise ValueError(tr("{text!r} is too large", text=text))
    return int(minor)


def amount_text(minor: int, currency: str) -> str:
    """1234567.89 in CNY (123456789) -> '1234567.89': the exact amount as a
    form's input holds it, which `parse_amount` reads back to the same minor
    units (no grouping, no symbol, no exponent, no rounding)."""
    places = decimals(currency)
    whole, part = divmod(minor, 10**places)
    return f"{whole}.{part:0{places}d}".rstrip("0").rstrip(".") if places else str(whole)


def format_money(minor: int, currency: str, *, cents: bool = False) -> str:
    """1250050, 'CNY' -> '¥12,500', or '¥12,500.50' with cents=True: the
    exact amount, shown where one deal's amount is (its view, the 360's
    deal list, the command line's tables, a conflict); sums, forecasts and
    tight columns (kanban cards) round to whole units."""
    places = decimals(currency)
    shown_places = places if cents else 0
    value = Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-shown_places), ROUND_HALF_UP)
    shown = f"{value:,.{shown_places}f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{shown}" if symbol else f"{shown} {currency}"
