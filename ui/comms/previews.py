"""What the composer shows beside the texts: each target's rendering of the text its
audience gets, the templates and the targets.

Runs on a worker thread (the connectors and templates load on first use there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from commander.connectors.base import Message, Rendered, connector_for
from commander.domain.audiences import Audience, text_for
from commander.views.comms import TargetView

if TYPE_CHECKING:
    from commander.store.engine import Store


@dataclass(frozen=True)
class Preview:
    target: TargetView
    rendered: Rendered | None
    problem: str | None  # why there is no preview (connector not installed, bad input)
    audience: Audience | None = None  # whose text the target gets (None: none it may read)


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    description: str
    audience: Audience


def previews(texts: Mapping[Audience, Message], targets: list[TargetView]) -> list[Preview]:
    """Each target's rendering of the text its audience gets (domain.audiences.text_for);
    a missing connector or text is reported, not raised."""
    from commander.services.targets import target_of

    shown = []
    for target in targets:
        audience = text_for(Audience(target.audience), texts)
        if audience is None:
            readers = Audience(target.audience).readers
            shown.append(Preview(target, None, f"No text for {readers} yet.", None))
            continue
        try:
            rendered = connector_for(target.kind).render(texts[audience], target_of(target))
        except ImportError:
            shown.append(
                Preview(
                    target,
                    None,
                    f"The {target.kind} connector is not installed "
                    "in this build yet, so there is no preview; sending will fail.",
                    audience,
                )
            )
        except Exception as exc:  # noqa: BLE001 - a preview problem must not block composing
            problem = f"Cannot preview: {type(exc).__name__}: {exc}"
            shown.append(Preview(target, None, problem, audience))
        else:
            shown.append(Preview(target, rendered, None, audience))
    return shown


def template_choices() -> list[TemplateChoice]:
    from commander.services.templates import load_template, template_names

    found = []
    for name in template_names():
        try:
            template = load_template(name)
        except Exception:  # noqa: BLE001 - a broken user template is listed; compose explains
            # Offered to responders only: its audience cannot be read.
            found.append(TemplateChoice(name, f"{name} (cannot be read)", Audience.INTERNAL))
        else:
            found.append(TemplateChoice(name, template.description, template.audience))
    return found


def composer_start(store: Store) -> tuple[list[TemplateChoice], list[TargetView]]:
    """The templates to offer and the targets to send to, in one trip to the worker."""
    from commander.services.targets import list_targets

    return template_choices(), list_targets(store)
