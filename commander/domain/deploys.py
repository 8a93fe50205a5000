"""Rollbacks and hotfixes: what changed in production, from which version to which.

The same short grammar serves the quick-entry bar and the CLI's free text::

    [WHAT] [FROM] -> TO [note ...]     e.g.  payments-api v1.4.3 -> v1.4.2 5xx after deploy
    [to] TO [note ...]                 e.g.  to v1.4.2 error rate doubled

The arrow may be ``->`` or ``→`` and may touch the versions (``v1.4.3->v1.4.2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from commander.domain.limits import refuse_nul
from commander.errors import InvalidInputError

VERSION_MAX = 200
_ARROW = re.compile(r"\s*(?:->|→)\s*")


class DeployKind(StrEnum):
    ROLLBACK = "rollback"
    HOTFIX = "hotfix"


@dataclass(frozen=True, slots=True)
class DeployChange:
    """One rollback or hotfix, as recorded (``what`` and ``from_version`` may be empty)."""

    kind: DeployKind
    to_version: str
    from_version: str = ""
    what: str = ""
    note: str = ""

    def describe(self) -> str:
        subject = f" {self.what}" if self.what else ""
        origin = f" from {self.from_version}" if self.from_version else ""
        if self.kind is DeployKind.ROLLBACK:
            text = f"Rolled back{subject}{origin} to {self.to_version}"
        else:
            text = f"Hotfix{subject} {self.to_version} deployed" + (
                f" (replacing {self.from_version})" if self.from_version else ""
            )
        return text + (f": {self.note}" if self.note else "")


def make_change(
    kind: DeployKind, to_version: str, from_version: str = "", what: str = "", note: str = ""
) -> DeployChange:
    fields = {"the version": to_version + from_version, "what changed": what, "the note": note}
    for name, text in fields.items():
        refuse_nul(text, name)
    to_version, from_version = to_version.strip(), from_version.strip()
    if not to_version:
        verb = "rolled back to" if kind is DeployKind.ROLLBACK else "deployed"
        raise InvalidInputError(f"a {kind.value} needs the version {verb}")
    if any(" " in v or len(v) > VERSION_MAX for v in (to_version, from_version)):
        raise InvalidInputError(f"a version is one word under {VERSION_MAX} characters")
    return DeployChange(kind, to_version, from_version, " ".join(what.split()), note.strip())


def parse_change(kind: DeployKind, text: str) -> DeployChange:
    """Read ``[WHAT] [FROM] -> TO [note]`` or ``[to] TO [note]``, or explain the shape."""
    words = _ARROW.sub(" -> ", text.strip()).split()
    if "->" in words:
        arrow = words.index("->")
        before, after = words[:arrow], words[arrow + 1 :]
        if not after:
            raise InvalidInputError(f"/{kind.value} FROM -> TO: the version after -> is missing")
        return make_change(
            kind,
            after[0],
            from_version=before[-1] if before else "",
            what=" ".join(before[:-1]),
            note=" ".join(after[1:]),
        )
    if words and words[0].lower() == "to":
        words = words[1:]
    if not words:
        raise InvalidInputError(
            f"/{kind.value} needs a version: /{kind.value} v1.4.3 -> v1.4.2 why, "
            f"or /{kind.value} v1.4.2 why"
        )
    return make_change(kind, words[0], note=" ".join(words[1:]))
