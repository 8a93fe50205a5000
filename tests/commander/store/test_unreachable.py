"""Which driver errors mean "the server is gone" (the window journals) and which do not."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from commander.store.unreachable import is_unreachable


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("failed")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "gone"),
    [
        (OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused")), True),
        (DBAPIError("SELECT 1", {}, _DriverError("08006")), True),  # connection failure
        (DBAPIError("SELECT 1", {}, _DriverError("57P01")), True),  # admin shutdown
        (DBAPIError("SELECT 1", {}, _DriverError("57P03")), True),  # starting up
        (IntegrityError("INSERT", {}, _DriverError("23505")), False),  # unique violation
        (OperationalError("UPDATE", {}, _DriverError("40001")), False),  # serialization failure
        (DBAPIError("SELECT 1", {}, _DriverError("42501")), False),  # permission denied
    ],
)
def test_connection_errors_and_others(error: DBAPIError, gone: bool) -> None:
    assert is_unreachable(error) is gone


def test_an_invalidated_connection_is_gone() -> None:
    error = DBAPIError("SELECT 1", {}, _DriverError(None), connection_invalidated=True)
    assert is_unreachable(error)
