"""A paste arrives as the rep pasted it: whole, in order, without control
characters, however the terminal's reads cut it."""

from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser

from workbench.store.database import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.paste import END, START, PasteSieve, SievedParser

PASTED = "Wang \x1b[31mRed\x1b[0m [bold]Li[/bold]"
CLEAN = "Wang [31mRed[0m [bold]Li[/bold]"


def parse(*reads: str) -> list[object]:
    parser = SievedParser()
    found: list[object] = []
    for data in reads:
        found.extend(parser.feed(data))
    found.extend(parser.tick())
    return found


def shown(found: list[object]) -> list[str]:
    return [
        f"paste:{e.text}" if isinstance(e, events.Paste) else f"key:{e.key}"
        for e in found
        if isinstance(e, events.Paste | events.Key)
    ]


def test_a_paste_with_escape_codes_arrives_whole_and_in_order() -> None:
    assert shown(parse(f"a{START}{PASTED}{END}b")) == ["key:a", f"paste:{CLEAN}", "key:b"]


def test_however_the_reads_cut_it() -> None:
    data = f"a{START}{PASTED}{END}b"
    for cut in range(1, len(data)):
        assert shown(parse(data[:cut], data[cut:])) == ["key:a", f"paste:{CLEAN}", "key:b"], cut


def test_a_lone_escape_key_passes_at_once() -> None:
    """Not held back to see whether a paste starts: the escape key is the
    escape key."""
    assert PasteSieve().sift("\x1b") == "\x1b"


def test_textual_s_own_parser_still_needs_the_sieve() -> None:
    """When this fails, Textual reads an ESC inside a paste as pasted text:
    tui.paste can go."""
    parser = XTermParser()
    found = [*parser.feed(f"{START}{PASTED}{END}"), *parser.tick()]
    assert shown(found) != [f"paste:{PASTED}"]


@given(st.text(), st.lists(st.integers(1, 40), max_size=8))
def test_the_sieve_removes_only_control_characters_inside_pastes(
    text: str, cuts: list[int]
) -> None:
    text = text.replace(END, "")
    data = f"x\x1b{START}{text}{END}\x1by"
    sieve, out, at = PasteSieve(), [], 0
    for size in [*cuts, len(data)]:
        out.append(sieve.sift(data[at : at + size]))
        at += size
    kept = "".join(c for c in text if c in "\t\n\r" or not (c < " " or "\x7f" <= c <= "\x9f"))
    assert "".join(out) == f"x\x1b{START}{kept}{END}\x1by"


def test_the_app_reads_its_terminal_through_the_sieve(store: Store) -> None:
    from textual.drivers import linux_driver

    WorkbenchApp(store)
    assert linux_driver.XTermParser is SievedParser
