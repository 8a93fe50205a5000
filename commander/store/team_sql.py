"""The SQL that gives a team store its least-privilege roles (``commander team-sql``).

Two login roles: a *seat* reads and writes every row the app writes (SELECT,
INSERT, UPDATE, DELETE on the tables, USAGE on the sequences) and changes no
schema; an *observer* only reads. The owner role that migrated the store runs
the SQL with psql; it needs CREATEROLE (or a superuser runs it). Passwords are
set apart with psql's ``\\password``, so none is ever in the SQL, a file or a
shell's history.

Future tables: default privileges make the tables and sequences that the
running role creates later (the owner, migrating an upgrade) the seats' and
observers' too. A store migrated by another role needs the SQL run again after
the upgrade; running it again is always safe (roles that exist are kept, grants
are repeated).

The grants work on the schema the owner's session uses (``current_schema()``,
where the app made its tables), whatever revision the store is at; the Alembic
table stays read-only for everyone but the owner.
"""

from __future__ import annotations

import re

from commander.errors import InvalidInputError

DEFAULT_SEAT = "commander_seat"
DEFAULT_OBSERVER = "commander_observer"
# Plain identifiers only: nothing to quote, nothing for a shell or psql to read twice.
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_RESERVED = ("pg_", "public")


def checked_role(name: str) -> str:
    """A role name as ``--seat``/``--observer`` take it, or ``InvalidInputError``."""
    if not _ROLE_NAME.fullmatch(name) or name.startswith(_RESERVED):
        raise InvalidInputError(
            f"role name {name!r}: lower-case letters, digits and _, at most 63, "
            "not starting with a digit or pg_"
        )
    return name


def team_sql(seat: str = DEFAULT_SEAT, observer: str = DEFAULT_OBSERVER) -> str:
    """The script, for psql, run by the store's owner on a migrated database."""
    seat, observer = checked_role(seat), checked_role(observer)
    if seat == observer:
        raise InvalidInputError("the seat and the observer need two different roles")
    return f"""\
-- Incident Commander: least-privilege roles for a team store on PostgreSQL.
--
-- Run by the role that owns and migrated the store (it needs CREATEROLE, or run
-- it as a superuser), connected to the store's database, after the store was
-- migrated (any commander command as the owner does that):
--   commander team-sql | psql -v ON_ERROR_STOP=1 "postgresql://OWNER@HOST/DATABASE"
--
-- Then set each role's password apart, typed at psql's prompt, never in a file:
--   \\password {seat}
--   \\password {observer}
--
-- {seat}: a seat (commander, scribe, comms lead): reads and writes the app's
--   rows; cannot create, alter or drop tables.
-- {observer}: an observer: reads only; the app says it is read-only there.
--
-- Upgrades: tables and sequences that this role creates later (migrating a new
-- version) get the same grants by default privileges. If another role migrates,
-- run this again after the upgrade; running it again is always safe.
BEGIN;

DO $commander$
DECLARE
    app_schema text := current_schema();
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{seat}') THEN
        CREATE ROLE {seat} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{observer}') THEN
        CREATE ROLE {observer} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;

    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {seat}, {observer}', current_database());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO {seat}, {observer}', app_schema);

    -- Seats: every row the app writes, and the sequences its ids and versions use.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO {seat}',
                   app_schema);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO {seat}', app_schema);
    -- The schema's revision is the owner's to change (migrating).
    IF to_regclass(format('%I.alembic_version', app_schema)) IS NOT NULL THEN
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.alembic_version FROM {seat}',
                       app_schema);
    END IF;

    -- Observers: reading only.
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO {observer}', app_schema);

    -- Tables and sequences this role creates later (an upgrade's migrations).
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {seat}', app_schema);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I '
                   'GRANT USAGE, SELECT ON SEQUENCES TO {seat}', app_schema);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO {observer}',
                   app_schema);

    -- Before PostgreSQL 15 every role may create tables in the public schema, seats too.
    -- Taking that from PUBLIC could take it from the owner as well, so it is said, not done.
    IF current_setting('server_version_num')::int < 150000 THEN
        RAISE WARNING '%', 'PostgreSQL before 15: every role may create tables in schema '
            || 'public; a superuser stops that with: REVOKE CREATE ON SCHEMA public FROM '
            || 'PUBLIC; GRANT CREATE ON SCHEMA public TO ' || quote_ident(current_user) || ';';
    END IF;
END
$commander$;

COMMIT;
"""
