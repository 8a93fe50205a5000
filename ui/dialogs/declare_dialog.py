"""Old path of ui.incidents.declare_dialog, kept only for stream G's test (test_memory_ui).

Delete when its import says ``ui.incidents.declare_dialog``.
"""

from ui.incidents.declare_dialog import DeclareDialog

__all__ = ["DeclareDialog"]
