"""Kinds of timeline entries.

People log the *user* kinds; the app itself writes the others when the
incident's state changes, so the timeline doubles as the audit trail.
"""

from __future__ import annotations

from enum import StrEnum

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

    @classmethod
    def parse_user_kind(cls, text: str) -> EntryKind:
        try:
            kind = cls(text.strip().lower())
        except ValueError:
            kind = None
        if kind not in USER_KINDS:
            names = ", ".join(k.value for k in USER_KINDS)
            raise InvalidInputError(f"unknown entry kind {text!r}: use one of {names}")
        return kind


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
