"""The five severity levels and what each one means.

This is the one place the definitions live; the CLI help, the declare dialog
and exports all read them from here.
"""

from __future__ import annotations

from enum import StrEnum

from commander.errors import InvalidInputError


class Severity(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def definition(self) -> str:
        return _DEFINITIONS[self]

    @property
    def rank(self) -> int:
        """0 is the most severe."""
        return int(self.value[1])

    @classmethod
    def parse(cls, text: str) -> Severity:
        cleaned = text.strip().upper()
        if cleaned.isdigit():
            cleaned = "P" + cleaned
        try:
            return cls(cleaned)
        except ValueError:
            raise InvalidInputError(
                f"unknown severity {text!r}: use one of P0, P1, P2, P3, P4"
            ) from None


_LABELS = {
    Severity.P0: "Critical",
    Severity.P1: "High",
    Severity.P2: "Medium",
    Severity.P3: "Low",
    Severity.P4: "Informational",
}

_DEFINITIONS = {
    Severity.P0: "Complete outage, data loss",
    Severity.P1: "Major feature broken, revenue impact",
    Severity.P2: "Degraded performance, workaround exists",
    Severity.P3: "Minor bug, cosmetic issue",
    Severity.P4: "Enhancement request",
}
