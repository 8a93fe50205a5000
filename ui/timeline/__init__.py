"""The open incident's timeline: the page, its filter bar, the quick-entry bar and entry dialogs."""

from ui.timeline.feature import install

__all__ = ["install"]
