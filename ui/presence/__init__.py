"""Presence in the window: this window is a seat on the incident it shows, and the
header says who else is on it (name, role, window or terminal)."""

from ui.presence.install import install

__all__ = ["install"]
