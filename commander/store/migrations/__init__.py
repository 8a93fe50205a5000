"""The schema's Alembic migrations, run by ``commander.store.migrate``.

``versions/`` holds one file per revision, named ``<step>_rev<id>_<what>.py``
so that listing the folder reads the chain in order (a test checks it). The
revision id inside a file is what stores keep in ``alembic_version`` and never
changes once released; a new migration takes the next free id and the next
step, revises the current head, is added to ``store/schema.py``, and comes
with a fixture store of its revision (tests/fixtures/stores/make_fixtures.py).
"""
