"""The people roles of an incident response."""

from __future__ import annotations

from enum import StrEnum

from commander.errors import InvalidInputError


class Role(StrEnum):
    COMMANDER = "ic"
    SCRIBE = "scribe"
    COMMS = "comms"
    OPS = "ops"
    SME = "sme"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def short(self) -> str:
        """What the header and the handover entry call the role."""
        return _SHORT[self]

    @property
    def several(self) -> bool:
        """Subject matter experts come in numbers; every other role has one holder."""
        return self is Role.SME

    @classmethod
    def parse(cls, text: str) -> Role:
        cleaned = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
        role = _ALIASES.get(cleaned)
        if role is None:
            names = ", ".join(r.value for r in cls)
            raise InvalidInputError(f"unknown role {text!r}: use one of {names}")
        return role


_LABELS = {
    Role.COMMANDER: "Incident Commander",
    Role.SCRIBE: "Scribe",
    Role.COMMS: "Communications Lead",
    Role.OPS: "Operations Lead",
    Role.SME: "Subject Matter Expert",
}
_SHORT = {
    Role.COMMANDER: "IC",
    Role.SCRIBE: "Scribe",
    Role.COMMS: "Comms",
    Role.OPS: "Ops",
    Role.SME: "SME",
}
_ALIASES: dict[str, Role] = {
    **{role.value: role for role in Role},
    **{_LABELS[role].lower(): role for role in Role},
    "commander": Role.COMMANDER,
    "communications": Role.COMMS,
    "operations": Role.OPS,
    "expert": Role.SME,
    "subject matter experts": Role.SME,
}
