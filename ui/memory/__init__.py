"""Memory across incidents: search every timeline, similar past incidents."""

from ui.memory.install import install

__all__ = ["install"]
