"""Chat capture in the window: every open incident's chat channels, read in the background."""

from ui.capture.install import install

__all__ = ["install"]
