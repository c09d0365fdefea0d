"""Textual's Footer, without its leak and without redrawing the same keys.

Footer recomposes whenever the focused widget's keys may have changed
(moving between columns, rows, forms), and data-binds each new key to its
own `compact` reactive. Textual prunes those watchers only when `compact`
changes, which it never does here, so every old key stayed alive with all it
had drawn: ~20 widgets per focus change, and garbage collections that slowed
all day long (Textual 8.2). After each recompose this footer drops the
watchers of keys that are gone.

Most of those recomposes show the very keys already shown (five of them
while the app starts, ~70 ms of styling on a slow machine): this footer
recomposes only when what it would show differs.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import widgets

# Where textual.reactive keeps watchers added with `watch`/`data_bind`.
_WATCHERS = "__watchers"


class Footer(widgets.Footer):
    def __init__(self) -> None:
        super().__init__()
        self.shown: Hashable = None  # what the last recompose drew

    async def recompose(self) -> None:
        if not self.is_attached:  # a modal's footer, gone before its late recompose
            return
        shown = self._keys()
        if shown == self.shown:
            return
        self.shown = shown
        await super().recompose()
        watchers = getattr(self, _WATCHERS, {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]

    def _keys(self) -> Hashable:
        """Everything of the screen's keys that `compose` draws from."""
        keys = tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE
