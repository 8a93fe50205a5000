"""What the composer shows beside the text: each target's rendering and the templates.

Runs on a worker thread (the connectors and templates load on first use there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from commander.connectors.base import Message, Rendered, connector_for
from commander.views.comms import TargetView

if TYPE_CHECKING:
    from commander.store.engine import Store


@dataclass(frozen=True)
class Preview:
    target: TargetView
    rendered: Rendered | None
    problem: str | None  # why there is no preview (connector not installed, bad input)


def previews(message: Message, targets: list[TargetView]) -> list[Preview]:
    """Each target's rendering of ``message``; a missing connector is reported, not raised."""
    from commander.services.targets import target_of

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
    from commander.services.templates import load_template, template_names

    found = []
    for name in template_names():
        try:
            found.append((name, load_template(name).description))
        except Exception:  # noqa: BLE001 - a broken user template is listed; compose explains
            found.append((name, f"{name} (cannot be read)"))
    return found


def composer_start(store: Store) -> tuple[list[tuple[str, str]], list[TargetView]]:
    """The templates to offer and the targets to send to, in one trip to the worker."""
    from commander.services.targets import list_targets

    return templates_with_descriptions(), list_targets(store)
