"""The alert inbox in the window: its dialog and header line, and the receiver it runs."""

from ui.alerts.install import install

__all__ = ["install"]
