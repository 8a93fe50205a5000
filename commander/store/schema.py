"""Which schema revisions this build knows, readable without importing Alembic.

Opening a store compares the database's revision with ``HEAD`` and only loads
Alembic when they differ, which keeps it off the start-up path. A test checks
that this list matches the migration scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0005",
    "0004",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
)
HEAD = KNOWN_REVISIONS[-1]
