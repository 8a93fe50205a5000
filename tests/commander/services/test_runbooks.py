"""The runbook library: shipped files, the user's folder, search, attach, write, draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.deploys import DeployKind, parse_change
from commander.domain.runbooks import SECTIONS, code_spans, parse_runbook, runbook_name
from commander.errors import InvalidInputError, NotFoundError
from commander.services.checklist import checklist
from commander.services.deploys import record_deploy
from commander.services.incidents import change_phase, declare_incident
from commander.services.runbooks import (
    attach_runbook,
    draft_from_incident,
    load_library,
    new_runbook,
    save_runbook,
    user_folder,
)
from commander.services.timeline import log_entry, read_timeline

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
REQUIRED = {
    "high-cpu-usage",
    "bad-deploy-rollback",
    "database-connection-exhaustion",
    "disk-full",
    "expired-tls-certificate",
    "third-party-dependency-outage",
}


def test_shipped_runbooks_have_the_seed_shape() -> None:
    library = load_library()
    assert library.problems == ()
    assert {r.name for r in library.runbooks} >= REQUIRED
    for runbook in library.runbooks:
        headings = [
            line[3:].strip() for line in runbook.text.splitlines() if line.startswith("## ")
        ]
        assert headings == list(SECTIONS), runbook.name
        assert {step.section for step in runbook.steps} == {
            "Investigation",
            "Mitigation",
            "Resolution",
        }
        assert code_spans(runbook.text), f"{runbook.name} has no command to copy"


def test_parse_steps_sections_and_code_spans() -> None:
    runbook = parse_runbook(
        "x",
        "# Title\n## Investigation\n1. Check `top`\n2) Then ``a`b``\n```\n1. not a step\n```\n- bullet\n",
    )
    assert runbook.title == "Title"
    assert [(s.section, s.text) for s in runbook.steps] == [
        ("Investigation", "Check `top`"),
        ("Investigation", "Then ``a`b``"),
    ]
    assert code_spans(runbook.text) == ["top", "a`b"]


def test_search_needs_every_word_and_ranks_title_hits_first() -> None:
    library = load_library()
    assert [r.name for r in library.search("certificate")][0] == "expired-tls-certificate"
    assert [r.name for r in library.search("rollout undo")] == ["bad-deploy-rollback"]
    assert library.search("zebra quokka") == []
    assert len(library.search("  ")) == len(library.runbooks)


def test_user_folder_adds_and_overrides_and_skips_broken_files() -> None:
    folder = user_folder()
    folder.mkdir(parents=True)
    (folder / "disk-full.md").write_text("# Disk full (ours)\n## Mitigation\n1. Call Bo\n")
    (folder / "kafka-lag.md").write_text("# Kafka lag\n## Mitigation\n1. Add consumers\n")
    (folder / "broken.md").write_bytes(b"\xff\xfe junk")
    library = load_library()
    assert library.get("disk-full").title == "Disk full (ours)" and library.get("disk-full").user
    assert library.get("Kafka lag").name == "kafka-lag"
    assert len(library.problems) == 1 and "broken.md is not UTF-8" in library.problems[0]
    with pytest.raises(NotFoundError):
        library.get("broken")


def test_a_runbook_with_nul_is_skipped_with_a_reason_and_cannot_be_saved(tmp_path: Path) -> None:
    # Its steps would attach on SQLite and fail on PostgreSQL with a driver error.
    folder = user_folder()
    folder.mkdir(parents=True)
    (folder / "binary.md").write_text("# Binary\n## Mitigation\n1. Run \x00 this\n")
    library = load_library()
    assert len(library.problems) == 1 and "binary.md contains a NUL" in library.problems[0]
    with pytest.raises(NotFoundError):
        library.get("binary")
    with pytest.raises(InvalidInputError, match="NUL"):
        save_runbook("# Junk\n1. a\x00b\n", folder=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_attach_turns_steps_into_items_of_the_current_phase(store) -> None:
    ref = declare_incident(store, "CPU pegged", Severity.P2, author="ana", now=T0).ref
    change_phase(store, ref, Phase.MITIGATE, author="ana")
    runbook = load_library().get("high-cpu-usage")
    items = attach_runbook(store, ref, runbook, author="bo")
    assert len(items) == len(runbook.steps)
    mitigate = checklist(store, ref).of_phase(Phase.MITIGATE)
    assert mitigate[-len(items) :] == items
    assert items[0].text == "Investigation: Find the busiest processes: `top -o %CPU`"
    assert {i.origin for i in items} == {"runbook"}
    entry = read_timeline(store, ref)[-1]
    assert (entry.kind, entry.author) == ("runbook", "bo")
    assert entry.text == f"Attached runbook “High CPU Usage”: {len(items)} steps added to Mitigate"
    with pytest.raises(InvalidInputError, match="already attached"):
        attach_runbook(store, ref, runbook, author="bo")


def test_new_runbook_saves_to_the_user_folder_and_loads() -> None:
    text = new_runbook("Kafka consumer lag")
    path = save_runbook(text)
    assert path == user_folder() / "kafka-consumer-lag.md"
    runbook = load_library().get("kafka-consumer-lag")
    assert runbook.user and [s.section for s in runbook.steps][0] == "Investigation"
    with pytest.raises(InvalidInputError, match="already exists"):
        save_runbook(text)


def test_save_refuses_text_without_a_title(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="starts with its title"):
        save_runbook("## Symptoms\n", folder=tmp_path)
    with pytest.raises(InvalidInputError):
        runbook_name("!!!")


def test_draft_from_incident_lists_actions_rollbacks_and_hotfixes_in_order(store) -> None:
    ref = declare_incident(store, "Checkout 5xx", Severity.P1, author="ana", now=T0).ref
    at = T0 + timedelta(minutes=1)
    log_entry(store, ref, "5xx at 14%", author="bo", kind=EntryKind.OBSERVATION, occurred_at=at)
    log_entry(
        store,
        ref,
        "Paged payments on-call",
        author="bo",
        kind=EntryKind.ACTION,
        occurred_at=at + timedelta(minutes=1),
    )
    log_entry(store, ref, "just a note", author="bo", occurred_at=at + timedelta(minutes=2))
    record_deploy(
        store,
        ref,
        parse_change(DeployKind.ROLLBACK, "v2 -> v1"),
        author="bo",
        occurred_at=at + timedelta(minutes=3),
    )
    record_deploy(
        store,
        ref,
        parse_change(DeployKind.HOTFIX, "v1.1"),
        author="bo",
        occurred_at=at + timedelta(minutes=4),
    )
    draft = parse_runbook("draft", draft_from_incident(store, ref))
    assert draft.title == "Checkout 5xx"
    assert [s.text for s in draft.steps if s.section == "Mitigation"] == [
        "Paged payments on-call",
        "Rolled back from v2 to v1",
        "Hotfix v1.1 deployed",
    ]
    assert "- 5xx at 14%" in draft.text and "just a note" not in draft.text
