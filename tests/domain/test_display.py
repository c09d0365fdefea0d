from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.display import printable

CONTROLS = {chr(code) for code in (*range(32), *range(127, 160))}


@given(st.text())
def test_printable_replaces_exactly_the_control_characters(text: str) -> None:
    shown = printable(text)
    assert len(shown) == len(text)
    for before, after in zip(text, shown, strict=True):
        assert after == ("?" if before in CONTROLS else before)


def test_printable_shows_escape_codes_and_keeps_the_rest() -> None:
    assert printable("\x1b[31mRed\x1b[0m Co.\u0085") == "?[31mRed?[0m Co.?"
    assert printable("恒泰 [bold]x[/] \u2028") == "恒泰 [bold]x[/] \u2028"
    assert printable(None) == ""
    assert printable(42) == "42"
