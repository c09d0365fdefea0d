"""Text from users, files and other reps' bundles, made safe to show."""

from __future__ import annotations

from workbench.i18n import tr

# C0 controls, DEL and C1 controls: what a terminal may act on.
_CONTROLS = {code: "?" for code in (*range(32), *range(127, 160))}


def printable(value: object) -> str:
    """`value` as text with control characters (terminal escape codes) shown
    as '?', so a name can never move the cursor or recolour the screen.
    Markup is a separate matter: front ends show this as plain text."""
    text = "" if value is None else str(value)
    if text.isprintable():  # nearly always, and fast: control characters are not printable
        return text
    return text.translate(_CONTROLS)


def deal_customer(name: str | None, customer_id: str | None) -> str:
    """A deal's customer as shown: its name, or plainly none yet (a CRM's
    deal that named no company), never a blank that reads as a glitch."""
    if name:
        return name
    return tr("(no customer)") if customer_id is None else "?"
