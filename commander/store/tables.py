"""Every ORM module, so that ``Base.metadata`` describes the whole schema.

Features keep their tables in their own ``orm_*`` module; the migration
environment and the schema test import this one module to see them all.
"""

from commander.store import (
    orm,
    orm_alerts,
    orm_chat,
    orm_comms,
    orm_health,
    orm_postmortem,
    orm_presence,
    orm_response,
)

__all__ = [
    "orm",
    "orm_alerts",
    "orm_chat",
    "orm_comms",
    "orm_health",
    "orm_postmortem",
    "orm_presence",
    "orm_response",
]
