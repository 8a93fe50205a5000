"""Losing the database server: the header banner, the entry journal, writing it back."""

from ui.offline.feature import install

__all__ = ["install"]
