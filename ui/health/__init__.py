"""Health checks in the window: the header's status strip, probing off the UI thread, a dialog."""

from ui.health.install import install

__all__ = ["install"]
