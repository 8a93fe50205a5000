"""Saving a postmortem: history, one transaction with its timeline entry, conflicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from commander.domain import Severity
from commander.errors import InvalidInputError, NotFoundError
from commander.services.incidents import declare_incident
from commander.services.postmortem import (
    Participant,
    PostmortemStatus,
    StalePostmortemError,
    get_postmortem,
    list_postmortem_revisions,
    save_postmortem,
)
from commander.services.timeline import log_entry, read_timeline

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _declare(store, title="Disk full"):
    return declare_incident(store, title, Severity.P2, author="ana", now=NOW).ref


def test_an_incident_starts_with_an_empty_draft(store) -> None:
    ref = _declare(store)
    draft = get_postmortem(store, ref)
    assert (draft.revision, draft.status, draft.template, draft.sections) == (
        0,
        PostmortemStatus.DRAFT,
        "sre",
        {},
    )
    assert list_postmortem_revisions(store, ref) == []


def test_each_save_is_a_revision_with_a_timeline_entry(store) -> None:
    ref = _declare(store)
    draft = replace(
        get_postmortem(store, ref),
        sections={"summary": "Disk filled up.  ", "trigger": "   "},
        authors=("ana", "  bo  "),
        participants=(Participant("ana", "commander"), Participant("", "")),
        written_on=date(2026, 11, 28),
    )
    first = save_postmortem(store, draft, "ana", now=NOW)
    assert first.revision == 1
    # Blank sections and participants are dropped, names tidied.
    assert first.sections == {"summary": "Disk filled up."}
    assert first.authors == ("ana", "bo")
    assert first.participants == (Participant("ana", "commander"),)
    second = save_postmortem(
        store, replace(first, status=PostmortemStatus.IN_REVIEW), "bo", now=NOW
    )
    assert second.revision == 2 and get_postmortem(store, ref) == second
    history = list_postmortem_revisions(store, ref)
    assert [(h.revision, h.saved_by, h.content["status"]) for h in history] == [
        (1, "ana", "draft"),
        (2, "bo", "in_review"),
    ]
    entries = [e for e in read_timeline(store, ref) if e.kind == "postmortem"]
    assert [e.text for e in entries] == [
        "Postmortem saved (revision 1, Draft)",
        "Postmortem moved from Draft to In review (revision 2)",
    ]
    assert entries[1].data == {"postmortem": {"revision": 2, "changed": ["status"]}}


def test_saving_what_is_stored_writes_nothing(store) -> None:
    ref = _declare(store)
    saved = save_postmortem(
        store, replace(get_postmortem(store, ref), sections={"summary": "x"}), "ana"
    )
    count = len(read_timeline(store, ref))
    assert save_postmortem(store, saved, "ana") == saved
    assert len(read_timeline(store, ref)) == count


def test_a_save_based_on_an_old_revision_is_refused(store) -> None:
    ref = _declare(store)
    opened = get_postmortem(store, ref)
    save_postmortem(store, replace(opened, sections={"summary": "mine"}), "ana")
    with pytest.raises(InvalidInputError, match="saved by ana .revision 1. after you opened"):
        save_postmortem(store, replace(opened, sections={"summary": "theirs"}), "bo")
    assert get_postmortem(store, ref).section("summary") == "mine"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"template": "nope"}, "no postmortem template 'nope'"),
        ({"authors": ("ana", "ana")}, "listed twice"),
        ({"sections": {"summary": "a\x00b"}}, "NUL"),
        ({"sections": {"summary": "x" * 200_001}}, "keep it under"),
        ({"participants": (Participant("", "scribe"),)}, "needs a name"),
    ],
)
def test_bad_input_changes_nothing(store, change, message) -> None:
    ref = _declare(store)
    count = len(read_timeline(store, ref))
    with pytest.raises((InvalidInputError, NotFoundError), match=message):
        save_postmortem(store, replace(get_postmortem(store, ref), **change), "ana")
    assert get_postmortem(store, ref).revision == 0
    assert len(read_timeline(store, ref)) == count


def test_picked_entries_must_belong_to_the_incident(store) -> None:
    ref = _declare(store)
    other = _declare(store, "Other")
    foreign = log_entry(store, other, "elsewhere", "ana")
    own = log_entry(store, ref, "here", "ana")
    draft = get_postmortem(store, ref)
    with pytest.raises(InvalidInputError, match=f"entry {foreign.id} is not in"):
        save_postmortem(store, replace(draft, entry_ids=(own.id, foreign.id)), "ana")
    saved = save_postmortem(store, replace(draft, entry_ids=(own.id, own.id)), "ana")
    assert saved.entry_ids == (own.id,)


def test_status_names_parse() -> None:
    assert PostmortemStatus.parse("In review") is PostmortemStatus.IN_REVIEW
    with pytest.raises(InvalidInputError, match="draft, in_review, final"):
        PostmortemStatus.parse("done")


def test_key_entries_and_deployed_changes() -> None:
    from commander.domain.entry_facts import decode
    from commander.domain.kinds import entry_kind
    from commander.services.postmortem import deployed_change, key_entry
    from commander.views.incidents import EntryView

    def entry(kind: str, pinned: bool, data: dict[str, object] | None) -> EntryView:
        return EntryView(1, 1, NOW, NOW, "ana", entry_kind(kind), "text", pinned, data)

    assert [
        key_entry(entry(kind, False, None)) for kind in ("note", "observation", "decision")
    ] == [
        False,
        False,
        True,
    ]
    assert key_entry(entry("note", True, None))  # pinned
    # Rollback/hotfix entries from the deploy feature: by kind or by a marker in their data.
    assert deployed_change(decode("rollback", None)) == "rollback"
    assert deployed_change(decode("action", {"hotfix": {"version": "1.2.4"}})) == "hotfix"
    assert deployed_change(decode("action", {"rollback": False})) is None
    assert key_entry(entry("note", False, {"rollback": True}))


def test_two_first_saves_at_once_one_is_told(store) -> None:
    """Seat A has inserted the first revision but not committed; seat B's save waits, then is
    refused with a message (PostgreSQL: a unique-key clash; SQLite: the write lock)."""
    import threading
    import time

    from commander.store.orm_postmortem import Postmortem

    ref = _declare(store)
    draft = replace(get_postmortem(store, ref), sections={"summary": "B"})
    inserted, outcome = threading.Event(), {}

    def seat_b() -> None:
        inserted.wait(10)
        try:
            save_postmortem(store, draft, "bo", now=NOW)
        except InvalidInputError as exc:
            outcome["error"] = str(exc)

    thread = threading.Thread(target=seat_b)
    thread.start()
    with store.write() as session:
        session.add(
            Postmortem(
                incident_id=draft.incident_id,
                template="sre",
                status="draft",
                authors=[],
                participants=[],
                sections={"summary": "A"},
                revision=1,
                saved_at=NOW,
                saved_by="ana",
            )
        )
        session.flush()
        inserted.set()
        time.sleep(0.5)  # seat B is now blocked behind this transaction
    thread.join(20)
    assert "reopen it and apply your changes again" in outcome["error"]
    if not store.is_sqlite:  # B did not see A's row, inserted too, and lost on the unique key
        assert "saved INC-1's first postmortem revision just now" in outcome["error"]
    assert get_postmortem(store, ref).section("summary") == "A"


def test_a_refused_stale_save_says_so_by_its_type(store) -> None:
    """The editor offers a merge for this refusal only, not for a bad value."""
    ref = _declare(store)
    opened = get_postmortem(store, ref)
    save_postmortem(store, replace(opened, sections={"summary": "theirs"}), "bo")
    with pytest.raises(StalePostmortemError):
        save_postmortem(store, replace(opened, sections={"summary": "mine"}), "ana")


def test_a_new_postmortem_starts_with_the_role_holders(store) -> None:
    from commander.domain.roles import Role
    from commander.exports.document import load_document
    from commander.services.roles import assign_role, set_roles

    ref = _declare(store)
    assign_role(store, ref, Role.COMMANDER, "Ana", "ana")
    assign_role(store, ref, Role.SCRIBE, "Bo", "ana")
    assign_role(store, ref, Role.SME, "Cy", "ana")
    assign_role(store, ref, Role.SME, "Di", "ana")
    assign_role(store, ref, Role.OPS, "cy", "ana")  # the same person as "Cy"
    set_roles(store, ref, {Role.COMMANDER: ["Eve"]}, "ana")  # Ana hands over to Eve
    started = load_document(store, ref, to_edit=True).postmortem
    assert started.revision == 0
    assert started.authors == ("Ana", "Bo", "Eve")
    assert started.participants == (
        Participant("Ana", "Incident Commander"),
        Participant("Bo", "Scribe"),
        Participant("Cy", "Operations Lead, Subject Matter Expert"),
        Participant("Di", "Subject Matter Expert"),
        Participant("Eve", "Incident Commander"),
    )
    # Only the editor starts from them: an export of an unwritten postmortem names nobody.
    assert load_document(store, ref).postmortem.authors == ()
    saved = save_postmortem(store, replace(started, authors=("Eve",), participants=()), "eve")
    assert saved.authors == ("Eve",) and saved.participants == ()
    # Once saved, what was saved is what the editor shows: no roles are added back.
    assert load_document(store, ref, to_edit=True).postmortem == saved


def test_without_roles_a_new_postmortem_names_nobody(store) -> None:
    from commander.exports.document import load_document

    started = load_document(store, _declare(store), to_edit=True).postmortem
    assert (started.authors, started.participants) == ((), ())


def test_two_seats_racing_a_save_of_one_revision_exactly_one_wins(store) -> None:
    import threading

    from commander.services.postmortem import StalePostmortemError

    ref = _declare(store)
    base = save_postmortem(
        store, replace(get_postmortem(store, ref), sections={"summary": "first"}), "ana", now=NOW
    )
    start, outcomes = threading.Barrier(2), {}

    def seat(name: str) -> None:
        start.wait()
        draft = replace(base, sections={"summary": f"{name}'s summary"})
        try:
            outcomes[name] = save_postmortem(store, draft, name, now=NOW)
        except StalePostmortemError as refused:
            outcomes[name] = refused

    threads = [threading.Thread(target=seat, args=(name,)) for name in ("ana", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = [o for o in outcomes.values() if isinstance(o, StalePostmortemError)]
    [saved] = [o for o in outcomes.values() if not isinstance(o, StalePostmortemError)]
    assert len(refused) == 1
    stored = get_postmortem(store, ref)
    assert (stored.revision, stored.section("summary")) == (2, saved.section("summary"))
    assert len(list_postmortem_revisions(store, ref)) == 2
