"""The comms feature in the window: composer, messages panel, targets, outbox runner, cadence."""

from ui.comms.install import install

__all__ = ["install"]
