"""Frozen read models handed to the CLI and the window, never live ORM objects."""
