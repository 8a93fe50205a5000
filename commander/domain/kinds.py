"""Kinds of timeline entries.

People log the *user* kinds; the app itself writes the others when the
incident's state changes, so the timeline doubles as the audit trail.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from commander.errors import InvalidInputError


class EntryKind(StrEnum):
    NOTE = "note"
    ACTION = "action"
    DECISION = "decision"
    OBSERVATION = "observation"
    HYPOTHESIS = "hypothesis"
    # Written by the app when the incident itself changes.
    DECLARED = "declared"
    SEVERITY = "severity"
    PHASE = "phase"
    # Written by the response tools (checklist, roles, deploys, milestones, runbooks).
    CHECKLIST = "checklist"
    ROLE = "role"
    ROLLBACK = "rollback"
    HOTFIX = "hotfix"
    MILESTONE = "milestone"
    RUNBOOK = "runbook"
    # Postmortem saves and action item changes (commander/services/postmortem.py).
    POSTMORTEM = "postmortem"
    # Written by the outbox: a message queued for its targets, and each outcome.
    MESSAGE = "message"
    DELIVERY = "delivery"
    CADENCE = "cadence"
    # A report from a user or customer, logged by a person (services/user_reports.py).
    USER_REPORT = "user-report"
    # Health checks while an incident is open: a check added or removed, a state change.
    HEALTH_CHECK = "health-check"
    HEALTH = "health"
    # An alert group from monitoring reached the incident, or its alerts resolved
    # (commander/services/alert_inbox.py).
    ALERT = "alert"
    # A message captured from the incident's chat channel (commander/services/chat_capture.py).
    CHAT = "chat"

    @classmethod
    def _missing_(cls, value: Any) -> EntryKind | None:
        """A kind this copy does not know, written by a newer copy on a shared store:
        kept as stored (not a member, no fact), so the entry still shows and exports.
        Cached like Flag's pseudo-members, so one stored kind is one object."""
        if not isinstance(value, str) or not value:
            return None
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value.upper()
        pseudo._value_ = value
        return cls._value2member_map_.setdefault(value, pseudo)  # type: ignore[return-value]

    @classmethod
    def parse_user_kind(cls, text: str) -> EntryKind:
        kind = cls._value2member_map_.get(text.strip().lower())
        if kind not in USER_KINDS:
            names = ", ".join(k.value for k in USER_KINDS)
            raise InvalidInputError(f"unknown entry kind {text!r}: use one of {names}")
        assert isinstance(kind, EntryKind)
        return kind


def entry_kind(stored: str) -> EntryKind:
    """The kind of a stored row (a dict lookup: rows are read by the ten thousand)."""
    kind = EntryKind._value2member_map_.get(stored)
    return kind if isinstance(kind, EntryKind) else EntryKind(stored)


USER_KINDS: tuple[EntryKind, ...] = (
    EntryKind.NOTE,
    EntryKind.ACTION,
    EntryKind.DECISION,
    EntryKind.OBSERVATION,
    EntryKind.HYPOTHESIS,
)

# Entries a person recorded through a structured command: they cannot be
# reworded (their data would disagree), but a mistaken one can be deleted.
DELETABLE_KINDS: tuple[EntryKind, ...] = (*USER_KINDS, EntryKind.ROLLBACK, EntryKind.HOTFIX)
# A user report is such a record too: its reporter, channel and contact are in its fact.
DELETABLE_KINDS += (EntryKind.USER_REPORT,)
# A captured chat message a person finds does not belong on the timeline; capture
# leaves an entry a person deleted alone (it restores only those it removed itself).
DELETABLE_KINDS += (EntryKind.CHAT,)
