"""The offline feature on a SQLite store: a file on this computer, no server to lose."""

from __future__ import annotations

from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui.offline import install


def test_a_sqlite_store_gets_no_journal_and_no_probe(rig: Rig) -> None:  # noqa: F811
    rig.install(install)
    assert rig.context.journal is None and not rig.context.server_lost
    assert rig.idle()  # nothing was asked of any worker
