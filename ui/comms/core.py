"""Core calls the comms widgets make, imported lazily on a worker thread."""

from __future__ import annotations

from dataclasses import dataclass

from commander.connectors.base import Message, Rendered, connector_for
from commander.services.cadence import CadenceStatus, cadence_status, set_cadence
from commander.services.channels import create_incident_channel, slack_targets
from commander.services.comms_views import TargetView
from commander.services.deliveries import retry_delivery
from commander.services.messages import compose, get_message, list_messages, send_message
from commander.services.outbox import claim_due, deliver_claimed, worker_id
from commander.services.targets import list_targets, remove_target, save_target, target_of
from commander.services.templates import load_template, template_names
from commander.store.engine import Store


@dataclass(frozen=True)
class Preview:
    target: TargetView
    rendered: Rendered | None
    problem: str | None  # why there is no preview (connector not installed, bad input)


def previews(message: Message, targets: list[TargetView]) -> list[Preview]:
    """Each target's rendering of ``message``; a missing connector is reported, not raised."""
    shown = []
    for target in targets:
        try:
            rendered = connector_for(target.kind).render(message, target_of(target))
        except ImportError:
            shown.append(
                Preview(
                    target,
                    None,
                    f"The {target.kind} connector is not installed "
                    "in this build yet, so there is no preview; sending will fail.",
                )
            )
        except Exception as exc:  # noqa: BLE001 - a preview problem must not block composing
            shown.append(Preview(target, None, f"Cannot preview: {type(exc).__name__}: {exc}"))
        else:
            shown.append(Preview(target, rendered, None))
    return shown


def templates_with_descriptions() -> list[tuple[str, str]]:
    found = []
    for name in template_names():
        try:
            found.append((name, load_template(name).description))
        except Exception:  # noqa: BLE001 - a broken user template is listed; compose explains
            found.append((name, f"{name} (cannot be read)"))
    return found


def composer_start(store: Store, ref: str) -> tuple[list[tuple[str, str]], list[TargetView]]:
    return templates_with_descriptions(), list_targets(store)


def storage_warning() -> str | None:
    from commander.secrets import secret_storage_warning

    return secret_storage_warning()


def has_secret(name: str) -> bool:
    from commander.secrets import get_secret

    return get_secret(name) is not None


__all__ = [
    "CadenceStatus",
    "Preview",
    "cadence_status",
    "claim_due",
    "compose",
    "composer_start",
    "create_incident_channel",
    "deliver_claimed",
    "get_message",
    "has_secret",
    "list_messages",
    "list_targets",
    "previews",
    "remove_target",
    "retry_delivery",
    "save_target",
    "send_message",
    "set_cadence",
    "slack_targets",
    "storage_warning",
    "worker_id",
]
