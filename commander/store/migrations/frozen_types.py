"""Column types as the migrations create them, frozen apart from the ORM.

A migration builds the schema of its own revision for ever: a store upgraded
next year from 0001 must get what 0001 created then. So the revision files
never import the live ORM (``commander/store/orm*.py``), whose types may
change with the app; they take their types from here, or spell out plain
SQLAlchemy types inline.

Each name here stays as it is once a migration uses it. When the app needs a
different column type, the new migration that alters the column adds a new
name beside the old one (and the ORM changes to match); it never edits one.
"""

from __future__ import annotations

import sqlalchemy as sa


def utc_datetime() -> sa.DateTime:
    """The stored form of ``orm.UTCDateTime`` since revision 0001.

    The ORM's type converts values on the way in and out (aware UTC in, naive
    UTC text on SQLite); what lands in the schema is only its ``impl``:
    ``DATETIME`` on SQLite and ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL.
    The migrations create columns and move no datetime values through
    Python, so the plain type builds exactly the same tables.
    """
    return sa.DateTime(timezone=True)
