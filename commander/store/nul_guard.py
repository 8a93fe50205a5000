"""No text holding a NUL reaches either backend, whichever service writes it.

PostgreSQL refuses NUL in text (the write fails as an internal error) while
SQLite stores it, so the same command would work on one store and fail on the
other. The services refuse it with their own words where a person typed the text
(``domain.limits.refuse_nul``); this check, run before every flush of an ORM
session, is the one place every ORM write passes, so a path that forgot is
refused the same way (``InvalidInputError``, nothing written) on both backends.
The SQLite fast insert of an entry (``raw_sql.insert_entry``) bypasses the ORM:
``services.timeline.log_entry`` checks its texts before it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from commander.domain.limits import refuse_nul_within


def guard(sessions: sessionmaker[Session]) -> None:
    """Refuse NUL in every row the sessions made by ``sessions`` add or change."""
    event.listen(sessions, "before_flush", _refuse_nul_in_changes)


def _refuse_nul_in_changes(session: Session, _context: Any, _instances: Any) -> None:
    for row in session.new:
        _refuse_nul_in_row(row, changed_only=False)
    for row in session.dirty:
        # Only the values set now: a NUL an older version stored on SQLite must not
        # stop checking an item or pinning an entry.
        _refuse_nul_in_row(row, changed_only=True)


def _refuse_nul_in_row(row: object, *, changed_only: bool) -> None:
    state = inspect(row)
    table = state.mapper.local_table.name.replace("_", " ")
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        values = state.attrs[key].history.added if changed_only else [state.dict.get(key)]
        for value in values:
            if value is not None:
                refuse_nul_within(value, f"the {key.replace('_', ' ')} ({table})")
