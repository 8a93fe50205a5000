"""Old path of ui.common.error_dialog, kept only for stream G's modules (comms, postmortem).

Delete when their imports say ``ui.common.error_dialog``.
"""

from ui.common.error_dialog import show_crash, show_problem

__all__ = ["show_crash", "show_problem"]
