"""Least privilege on a real PostgreSQL: ``commander team-sql`` run with psql by the
store's owner gives a seat role every write the app makes and no DDL, and an observer
role reading only, each refused write one line saying the store is read-only."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from commander.domain import Phase, Severity
from commander.domain.roles import Role
from commander.errors import StoreError
from commander.exports.render import export_incident
from commander.services import checklist, incidents, messages, outbox, roles, timeline
from commander.services.phase_moves import move_to_phase
from commander.services.targets import save_target
from commander.store import schema
from commander.store.engine import Store, open_store
from tests.support.cli import run_cli
from tests.support.webhook import KIND, JsonWebhookConnector, WebhookServer

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class TeamDatabase:
    name: str
    owner: str
    seat: str
    observer: str

    def url(self, role: str) -> str:
        return _server().set(username=role, database=self.name).render_as_string(False)


def _server() -> Any:
    base = os.environ.get("COMMANDER_TEST_PG_URL")
    if not base:
        pytest.skip("PostgreSQL not available: COMMANDER_TEST_PG_URL is not set")
    return make_url(base)


def _admin(*statements: str) -> None:
    url = _server().set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement.encode())


def _team_database(revision: str | None = None) -> Iterator[TeamDatabase]:
    """A database owned by a plain CREATEROLE owner, migrated by it (to ``revision``,
    else the head), with ``commander team-sql`` run through psql by that owner."""
    tag = uuid.uuid4().hex[:8]
    team = TeamDatabase(f"t_team_{tag}", f"owner_{tag}", f"seat_{tag}", f"observer_{tag}")
    _admin(
        f"CREATE ROLE {team.owner} LOGIN CREATEROLE",
        f"CREATE DATABASE {team.name} OWNER {team.owner}",
    )
    try:
        owner_url = team.url(team.owner)
        if revision is None:
            open_store(owner_url, create=True).close()
        else:
            _migrate_to(owner_url, revision)
        sql = run_cli("team-sql", "--seat", team.seat, "--observer", team.observer)
        assert sql.returncode == 0, sql.stderr
        psql_url = make_url(owner_url).set(drivername="postgresql").render_as_string(False)
        applied = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", psql_url],
            input=sql.stdout,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert applied.returncode == 0, applied.stderr
        yield team
    finally:
        _admin(
            f"DROP DATABASE IF EXISTS {team.name} WITH (FORCE)",
            f"DROP ROLE IF EXISTS {team.seat}",
            f"DROP ROLE IF EXISTS {team.observer}",
            f"DROP ROLE IF EXISTS {team.owner}",
        )


def _migrate_to(url: str, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from commander.store.migrate import alembic_config

    engine = create_engine(url)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def team() -> Iterator[TeamDatabase]:
    yield from _team_database()


@pytest.fixture
def seat(team: TeamDatabase) -> Iterator[Store]:
    store = open_store(team.url(team.seat), create=False)
    yield store
    store.close()


@pytest.fixture
def observer(team: TeamDatabase) -> Iterator[Store]:
    store = open_store(team.url(team.observer), create=False)
    yield store
    store.close()


def _write_paths(
    store: Store, ref: str, entry_id: int, item_id: int
) -> dict[str, Callable[[], Any]]:
    """Every kind of write a seat makes, on incident ``ref``."""
    return {
        "declare": lambda: incidents.declare_incident(store, "Another", Severity.P3, author="b"),
        "log": lambda: timeline.log_entry(store, ref, "Rolled back", author="bo"),
        "edit": lambda: timeline.edit_entry(store, entry_id, "bo", text="Rolled back v2"),
        "severity": lambda: incidents.change_severity(store, ref, Severity.P0, author="bo"),
        "phase": lambda: move_to_phase(store, ref, Phase.TRIAGE, author="bo"),
        "checklist": lambda: checklist.check_item(store, ref, item_id, "bo"),
        "role": lambda: roles.assign_role(store, ref, Role.SCRIBE, "cy", "bo"),
        "send": lambda: messages.send_message(store, messages.compose(store, ref), "bo"),
        "outbox claim": lambda: outbox.claim_due(store, owner="seat-test"),
    }


def _prepared(store: Store) -> tuple[str, int, int]:
    """An incident with an entry and a checklist item to write on."""
    ref = incidents.declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
    entry = timeline.log_entry(store, ref, "Error rate 40%", author="ana")
    item = checklist.checklist(store, ref).items[0]
    return ref, entry.id, item.id


def test_a_seat_makes_every_write_and_no_schema_change(
    seat: Store, server: WebhookServer, connector: JsonWebhookConnector
) -> None:
    save_target(seat, "ops", KIND, base_url=server.url, secret="seat-secret-1234")
    ref, entry_id, item_id = _prepared(seat)
    for name, write in _write_paths(seat, ref, entry_id, item_id).items():
        if name == "outbox claim":
            delivered = outbox.deliver_due(seat)  # claim, post, record the outcome
            assert [d.state for d in delivered] == ["sent"]
        else:
            write()
    assert len(server.posts()) == 1
    for ddl in (
        "CREATE TABLE seat_table (id integer)",
        "ALTER TABLE incidents ADD COLUMN extra text",
        "DROP TABLE timeline_entries",
        "UPDATE alembic_version SET version_num = 'x'",
    ):
        with seat.engine.connect() as connection, pytest.raises(Exception) as caught:
            connection.exec_driver_sql(ddl)
        assert getattr(caught.value, "orig", None).sqlstate == "42501", ddl  # type: ignore[union-attr]


def test_an_observer_reads_and_every_write_is_refused_in_one_line(
    team: TeamDatabase, observer: Store
) -> None:
    writer = open_store(team.url(team.seat), create=False)
    try:
        ref, entry_id, item_id = _prepared(writer)
        timeline.log_entry(writer, ref, "Seat wrote this", author="bo")
        messages.send_message(writer, messages.compose(writer, ref), "bo")  # none targeted
    finally:
        writer.close()
    before = incidents.get_incident(observer, ref)
    for name, write in _write_paths(observer, ref, entry_id, item_id).items():
        with pytest.raises(StoreError) as caught:
            write()
        message = str(caught.value)
        assert f"is read-only for role {team.observer}" in message, name
        assert "\n" not in message, name
    # Reading works, and the refusals changed nothing.
    assert any(i.ref == ref for i in incidents.list_incidents(observer))
    detail = incidents.get_incident(observer, ref)
    assert "Seat wrote this" in [e.text for e in detail.timeline]
    assert detail.timeline == before.timeline and detail.severity is Severity.P1
    assert b"Seat wrote this" in export_incident(observer, ref, "json", None)


def test_an_observer_reads_a_checklist_without_filling_it_in(
    team: TeamDatabase, observer: Store
) -> None:
    # Reading a checklist fills in what the template adds since (a write); an observer
    # sees the items as a seat last filled them in, instead of a refusal.
    writer = open_store(team.url(team.seat), create=False)
    try:
        ref = incidents.declare_incident(writer, "Filled", Severity.P2, author="ana").ref
        seen_by_seat = checklist.checklist(writer, ref).items
        fresh = incidents.declare_incident(writer, "Never opened", Severity.P2, author="ana").ref
    finally:
        writer.close()
    assert checklist.checklist(observer, ref).items == seen_by_seat
    assert checklist.checklist(observer, fresh).items == ()  # no seat filled it in yet


def test_the_cli_says_read_only_in_one_line_with_exit_1(team: TeamDatabase) -> None:
    logged = run_cli("--db", team.url(team.observer), "declare", "Nope", "--severity", "P2")
    assert logged.returncode == 1
    assert logged.stdout == ""
    [line] = logged.stderr.strip().splitlines()
    assert (
        line.startswith("commander: the store ") and f"read-only for role {team.observer}" in line
    )


def test_a_seat_on_a_store_that_needs_migrating_is_told_the_owner_migrates() -> None:
    from commander.store.migrate import script_revisions

    previous = script_revisions()[-3]  # 0011 after it makes a table (delivery_attempts)
    for team in _team_database(previous):
        for role in (team.seat, team.observer):
            with pytest.raises(StoreError) as caught:
                open_store(team.url(role), create=False)
            message = str(caught.value)
            assert f"is at schema {previous} and needs schema {schema.HEAD}" in message
            assert f"role {role} may not make: its owner opens it once" in message
        open_store(team.url(team.owner), create=False).close()  # the owner migrates
        # Tables the owner's migration made are the seat's too (default privileges).
        seat = open_store(team.url(team.seat), create=False)
        try:
            incidents.declare_incident(seat, "After the upgrade", Severity.P2, author="bo")
            with seat.engine.connect() as connection:
                granted = connection.exec_driver_sql(
                    "SELECT has_table_privilege('delivery_attempts', 'INSERT, UPDATE, DELETE')"
                )
                assert granted.scalar() is True
        finally:
            seat.close()
