"""Incident Commander core: everything an incident is and may do, without Qt."""

__version__ = "0.1.0"
