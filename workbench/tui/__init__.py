"""The full-screen app (Textual). Nothing below this package imports Textual."""
