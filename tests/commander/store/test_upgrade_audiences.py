"""Migration 0010: a store written before audiences gives each target its kind's
default and each message its template's audience, so nothing sent before can
count as a public update unless it was written for customers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from commander.domain.audiences import AudienceMismatchError
from commander.services import messages
from commander.services.targets import list_targets
from commander.store.engine import open_store

FIXTURES = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "fixtures"


def test_old_targets_get_their_kinds_audience_and_messages_their_templates(
    tmp_path: Path,
) -> None:
    path = tmp_path / "incidents.sqlite"
    shutil.copyfile(FIXTURES / "stores" / "rev_0008.sqlite", path)
    store = open_store(str(path), create=True)
    try:
        assert {t.name: t.audience for t in list_targets(store)} == {
            "status": "public",  # statuspage
            "ops-slack": "internal",
            "execs": "internal",  # e-mail
        }
        sent = [
            m for ref in ("INC-1", "INC-2", "INC-3") for m in messages.list_messages(store, ref)
        ]
        assert sent and {(m.template, m.audience) for m in sent} == {("update", "internal")}
        # The old status page target now refuses what it took before the upgrade.
        with pytest.raises(AudienceMismatchError, match=r"Status page \(status\)"):
            messages.send_message(store, messages.compose(store, "INC-1"), "ana", ["status"])
    finally:
        store.close()
