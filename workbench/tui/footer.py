"""Textual's Footer, without its leak.

Footer recomposes whenever the focused widget's keys change (moving between
columns, rows, forms), and data-binds each new key to its own `compact`
reactive. Textual prunes those watchers only when `compact` changes, which it
never does here, so every old key stayed alive with all it had drawn: ~20
widgets per focus change, and garbage collections that slowed all day long
(Textual 8.2). After each recompose this footer drops the watchers of keys
that are gone.
"""

from __future__ import annotations

from textual import widgets

# Where textual.reactive keeps watchers added with `watch`/`data_bind`.
_WATCHERS = "__watchers"


class Footer(widgets.Footer):
    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, _WATCHERS, {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
