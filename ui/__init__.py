"""The PySide6 window: widgets, Qt models, dialogs and workers. No business rules."""
