"""The contract between the outbox and the provider connectors.

A connector is stateless: everything it needs arrives as arguments, and
everything it learns that later deliveries need (the status-page incident it
created, the Slack thread to reply under) comes back in ``Outcome.state``,
which the outbox stores per (incident, target) and hands back next time.
Connectors never raise for a provider's answer: they classify it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

from commander.domain.limits import NUL, without_nul
from commander.errors import InvalidInputError

if TYPE_CHECKING:
    import requests

# Target kinds the CLI and settings accept, in the order the user reads them.
KINDS: tuple[str, ...] = (
    "statuspage",
    "cachet",
    "slack-webhook",
    "slack",
    "teams",
    "discord",
    "mattermost",
    "matrix",
    "pagerduty",
    "email",
)
# A mail server may take mail without a login; every other kind cannot send
# without its token, key or webhook URL.
SECRET_OPTIONAL_KINDS: frozenset[str] = frozenset({"email"})
# Kinds whose secret posts but cannot read the channel (a Mattermost incoming webhook
# URL): chat capture reads with a second secret, the capture token (commander/secrets.py).
CAPTURE_TOKEN_KINDS: frozenset[str] = frozenset({"mattermost"})

# The status-page vocabulary a Message speaks (each provider maps it to its own).
STATUSES: tuple[str, ...] = ("investigating", "identified", "monitoring", "resolved")
COMPONENT_STATUSES: tuple[str, ...] = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)


@dataclass(frozen=True)
class Message:
    """One composed update, before any provider formats it."""

    incident_ref: str  # "INC-12": also the stable key for dedup (PagerDuty) and threads
    incident_title: str
    severity: str  # "P0".."P4"
    phase: str  # Phase value: detect, triage, mitigate, resolve, postmortem
    template: str  # update, customer, resolved, executive
    headline: str  # "[INCIDENT] <title>"
    body: str  # the whole update as Markdown (Status, Impact, ETA, updates, Next update)
    fields: dict[str, str] = field(default_factory=dict)  # Status, Impact, ETA, Next update
    status: str = "investigating"  # one of STATUSES
    # Status page components: component id or name -> one of COMPONENT_STATUSES.
    components: dict[str, str] = field(default_factory=dict)
    # PagerDuty Events v2: trigger, acknowledge or resolve.
    page_action: str = "trigger"
    # Who the text is written for (domain.audiences.Audience): internal, public or
    # executive. A public text's incident_title is the public title a person gave.
    audience: str = "internal"


@dataclass(frozen=True)
class Target:
    """A configured destination. The secret (token or webhook URL) is not here."""

    name: str
    kind: str
    base_url: str | None = None  # None: the provider's public API
    options: dict[str, str] = field(default_factory=dict)  # page_id, channel, room_id, to, ...
    audience: str | None = None  # who reads it (domain.audiences); None: the kind's default


@dataclass(frozen=True)
class Delivery:
    """What the outbox knows about this attempt."""

    delivery_id: int  # stable across retries and restarts: idempotency keys derive from it
    attempt: int  # 1 for the first try
    state: dict[str, str] = field(default_factory=dict)  # from earlier Outcomes, same target
    # The sending store's random id (services.store_identity): delivery ids restart at 1
    # in every store, so a key two stores may send under one account must include it.
    store_id: str = ""


@dataclass(frozen=True)
class Rendered:
    """A message as one provider will show it, checked against its limits."""

    preview: str  # human-readable, what the composer shows for this target
    payload: object  # the body that will be sent (dict for JSON APIs, str for email)
    warnings: tuple[str, ...] = ()  # e.g. "text cut at 4,000 characters (Discord limit)"


@dataclass(frozen=True)
class Outcome:
    status: Literal["sent", "retry", "failed"]
    provider_id: str | None = None  # message ts, incident id, event id, dedup key ...
    state: dict[str, str] = field(default_factory=dict)  # remembered for the next delivery
    error: str | None = None  # the provider's own error text, never containing the secret
    retry_after: float | None = None  # seconds, from Retry-After or the body, when given
    # Failed after the request may have reached a provider that cannot recognise a
    # repeat (unconfirmed_post): a person checks, then marks it sent or sends it again.
    unconfirmed: bool = False

    def __post_init__(self) -> None:
        # What a provider answered is recorded whatever it holds: a NUL in it (which
        # the store refuses) becomes a stand-in rather than an outcome that cannot be kept.
        if self.provider_id is not None:
            object.__setattr__(self, "provider_id", without_nul(self.provider_id))
        if self.error is not None:
            object.__setattr__(self, "error", without_nul(self.error))
        if any(NUL in key + value for key, value in self.state.items()):
            state = {without_nul(key): without_nul(value) for key, value in self.state.items()}
            object.__setattr__(self, "state", state)


class Connector(Protocol):
    kind: ClassVar[str]
    # True when the provider recognises a repeated delivery (an idempotency key, a
    # transaction id, a dedup key, a look before posting, a Message-ID), so a resend
    # after a lost answer posts nothing twice. False: the outbox never sends again on
    # its own once a request may have gone out (unconfirmed_post).
    recognises_repeats: ClassVar[bool]

    def render(self, message: Message, target: Target) -> Rendered: ...

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome: ...


def unconfirmed_failure(cause: str) -> Outcome:
    """The outcome of a post that may have gone out with no answer (``cause``: why)."""
    return Outcome("failed", error=unconfirmed_post(cause), unconfirmed=True)


def unconfirmed_post(cause: str) -> str:
    """The error of a delivery that may have been posted to a provider that cannot
    recognise a repeat: failed, for a person to check and retry (``cause``: why no
    answer came)."""
    return (
        f"{cause}: the update may have been posted; not sent again automatically because "
        "this provider cannot recognise a repeat, so check and retry if it is missing"
    )


# kind -> "module:Class"; modules import lazily so the window never pays for them.
_IMPLEMENTATIONS: dict[str, str] = {
    kind: f"commander.connectors.{kind.replace('-', '_')}:{name}"
    for kind, name in zip(
        KINDS,
        (
            "StatuspageConnector",
            "CachetConnector",
            "SlackWebhookConnector",
            "SlackConnector",
            "TeamsConnector",
            "DiscordConnector",
            "MattermostConnector",
            "MatrixConnector",
            "PagerDutyConnector",
            "EmailConnector",
        ),
        strict=True,
    )
}
_OVERRIDES: dict[str, Connector] = {}


def connector_for(kind: str) -> Connector:
    if kind in _OVERRIDES:
        return _OVERRIDES[kind]
    try:
        module_name, class_name = _IMPLEMENTATIONS[kind].split(":")
    except KeyError:
        known = ", ".join(KINDS)
        raise InvalidInputError(f"unknown target kind {kind!r}; one of {known}") from None
    connector: Connector = getattr(importlib.import_module(module_name), class_name)()
    return connector


def override_connector(kind: str, connector: Connector | None) -> None:
    """Swap a kind's connector (tests of the outbox mechanics); None restores it."""
    if connector is None:
        _OVERRIDES.pop(kind, None)
    else:
        _OVERRIDES[kind] = connector
