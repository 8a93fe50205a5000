"""The five phases an incident moves through, in order."""

from __future__ import annotations

from enum import StrEnum

from commander.errors import InvalidInputError


class Phase(StrEnum):
    DETECT = "detect"
    TRIAGE = "triage"
    MITIGATE = "mitigate"
    RESOLVE = "resolve"
    POSTMORTEM = "postmortem"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def order(self) -> int:
        return list(Phase).index(self)

    @classmethod
    def parse(cls, text: str) -> Phase:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(p.value for p in cls)
            raise InvalidInputError(f"unknown phase {text!r}: use one of {names}") from None
