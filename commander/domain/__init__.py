"""Plain types and rules of the incident process: severities, phases, entry kinds."""

from commander.domain.kinds import USER_KINDS, EntryKind
from commander.domain.phase import Phase
from commander.domain.severity import Severity

__all__ = ["USER_KINDS", "EntryKind", "Phase", "Severity"]
