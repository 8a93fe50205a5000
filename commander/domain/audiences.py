"""Who reads an update: responders (internal), customers (public) or executives.

A message template declares the audience it is written for, and a target the
audience that reads it. A target only ever receives a text it may be shown
(``may_receive``): customers get public texts alone, executives an executive or
a public one, responders any. Nothing internal goes public by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from commander.errors import InvalidInputError


class Audience(StrEnum):
    # In the order the composer and the CLI list them.
    INTERNAL = "internal"
    PUBLIC = "public"
    EXECUTIVE = "executive"

    @property
    def readers(self) -> str:
        return _READERS[self]

    @property
    def label(self) -> str:
        """ "Customers (public)": who reads it, then the word the CLI takes."""
        return f"{self.readers.capitalize()} ({self.value})"

    @classmethod
    def parse(cls, text: str) -> Audience:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(a.value for a in cls)
            raise InvalidInputError(f"unknown audience {text!r}: use one of {names}") from None


_READERS = {
    Audience.INTERNAL: "responders",
    Audience.PUBLIC: "customers",
    Audience.EXECUTIVE: "executives",
}

# Status pages face customers; chat, e-mail and pagers face the team. A target
# may be set to another audience (a customer mailing list, an executive channel).
_PUBLIC_KINDS = frozenset({"statuspage", "cachet"})

# The texts each audience may be shown, best first: a target gets its own
# audience's text when the send has one, else the next it may see.
_READABLE: dict[Audience, tuple[Audience, ...]] = {
    Audience.INTERNAL: (Audience.INTERNAL, Audience.EXECUTIVE, Audience.PUBLIC),
    Audience.EXECUTIVE: (Audience.EXECUTIVE, Audience.PUBLIC),
    Audience.PUBLIC: (Audience.PUBLIC,),
}

# How a person names a target's kind ("This goes to customers on: Status page (status)").
KIND_LABELS: dict[str, str] = {
    "statuspage": "Status page",
    "cachet": "Cachet status page",
    "slack-webhook": "Slack webhook",
    "slack": "Slack",
    "teams": "Teams",
    "discord": "Discord",
    "mattermost": "Mattermost",
    "matrix": "Matrix",
    "pagerduty": "PagerDuty",
    "email": "E-mail",
}


def default_audience(kind: str) -> Audience:
    """The audience a new target of this kind gets unless told otherwise."""
    return Audience.PUBLIC if kind in _PUBLIC_KINDS else Audience.INTERNAL


def audience_of_target(kind: str, stored: str | None) -> Audience:
    """A target's audience: the one stored with it, else its kind's default."""
    return Audience(stored) if stored else default_audience(kind)


def may_receive(target: Audience, text: Audience) -> bool:
    return text in _READABLE[target]


def text_for(target: Audience, texts: Iterable[Audience]) -> Audience | None:
    """Which of the texts a send carries goes to a target of this audience (None: none may)."""
    offered = set(texts)
    return next((audience for audience in _READABLE[target] if audience in offered), None)


def target_label(name: str, kind: str) -> str:
    """ "Status page (status)": the kind in words, then the target's name."""
    return f"{KIND_LABELS.get(kind, kind)} ({name})"


class AudienceMismatchError(InvalidInputError):
    """A text was addressed to a target whose readers may not see it; nothing was sent."""


def mismatch(
    texts: Iterable[tuple[str, Audience]], refused: Iterable[tuple[str, str, Audience]]
) -> str:
    """One line: the texts (template, audience) a send had, each target (name, kind,
    audience) that may read none of them, and what it may read."""
    by_audience: dict[Audience, list[str]] = {}
    for name, kind, audience in refused:
        by_audience.setdefault(audience, []).append(target_label(name, kind))
    parts = []
    for audience, labels in by_audience.items():
        which = "is a target" if len(labels) == 1 else "are targets"
        allowed = " or ".join(a.value for a in _READABLE[audience])
        parts.append(
            f"{', '.join(labels)} {which} for {audience.readers} ({audience.value}) "
            f"and may only get {_a(allowed)} text"
        )
    written = [f"“{template}” is {_a(audience.value)} text" for template, audience in texts]
    return f"not sent: {' and '.join(written)}; " + "; ".join(parts)


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
