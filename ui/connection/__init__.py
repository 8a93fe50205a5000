"""The team database in the window: the saved PostgreSQL connection, edited in a dialog."""

from ui.connection.install import install

__all__ = ["install"]
