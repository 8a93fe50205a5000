"""What the merge of a stale postmortem draft proposes (pure: no store)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from commander.services.postmortem import Participant, PostmortemStatus, PostmortemView
from commander.services.postmortem_merge import propose_merge

SAVED_AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
BASE = PostmortemView(
    1,
    "INC-1",
    sections={"summary": "Disk full.", "trigger": "A log flood."},
    authors=("ana",),
    revision=1,
    saved_at=SAVED_AT,
    saved_by="ana",
)


def test_each_side_keeps_what_only_it_changed_and_both_changed_is_marked() -> None:
    mine = replace(
        BASE,
        sections={"summary": "Disk full at 03:00.", "trigger": "A log flood.", "impact": "Mine"},
        written_on=date(2026, 11, 28),
    )
    saved = replace(
        BASE,
        sections={"summary": "The disk filled up.", "trigger": "Debug logging left on."},
        status=PostmortemStatus.IN_REVIEW,
        revision=2,
        saved_by="bo",
    )
    proposal = propose_merge(BASE, mine, saved)
    by_key = {d.key: d for d in proposal.sections}
    assert set(by_key) == {"summary", "trigger", "impact"}
    summary, trigger, impact = by_key["summary"], by_key["trigger"], by_key["impact"]
    assert (summary.mine, summary.saved) == ("Disk full at 03:00.", "The disk filled up.")
    assert summary.both_changed and not summary.take_saved
    assert trigger.take_saved and not trigger.both_changed  # only bo changed it
    assert not impact.take_saved and impact.saved == ""  # only I wrote it
    fields = {d.key: d for d in proposal.fields}
    assert set(fields) == {"status", "written_on"}
    assert fields["status"].take_saved and fields["status"].saved == "In review"
    assert not fields["written_on"].take_saved
    merged = proposal.proposed()
    assert merged.sections == {
        "summary": "Disk full at 03:00.",
        "trigger": "Debug logging left on.",
        "impact": "Mine",
    }
    assert (merged.status, merged.written_on) == (PostmortemStatus.IN_REVIEW, date(2026, 11, 28))
    # Saved over the newer revision, so the store takes it.
    assert (merged.revision, merged.saved_by) == (2, "bo")


def test_the_persons_choices_make_the_merge() -> None:
    mine = replace(BASE, authors=("ana", "cy"), participants=(Participant("cy", "SME"),))
    saved = replace(BASE, authors=("bo",), revision=2)
    proposal = propose_merge(BASE, mine, saved)
    assert [d.key for d in proposal.fields] == ["authors", "participants"]
    assert proposal.fields[0].both_changed
    merged = proposal.merged({}, {"authors"})
    assert merged.authors == ("bo",) and merged.participants == (Participant("cy", "SME"),)


def test_what_differs_only_in_blanks_is_not_a_difference() -> None:
    """The draft is compared as it would be stored: trailing blanks and empty sections go."""
    mine = replace(
        BASE, sections={"summary": "Disk full.  \n", "trigger": "A log flood.", "x": " "}
    )
    assert propose_merge(BASE, mine, replace(BASE, revision=2)).sections == ()
