"""Which reader captures a provider's channels: provider kind -> "module:Class".

The readers import lazily (the window never loads a provider it does not use),
as connectors/base.py does for the outbox; tests swap one with ``override_source``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from commander.errors import InvalidInputError

if TYPE_CHECKING:
    from commander.capture.source import ChatSource

# Target kinds whose channels capture reads, in the order the user reads them.
_IMPLEMENTATIONS: dict[str, str] = {
    "slack": "commander.capture.slack:SlackSource",
    "matrix": "commander.capture.matrix:MatrixSource",
    "mattermost": "commander.capture.mattermost:MattermostSource",
}
CHAT_KINDS: tuple[str, ...] = tuple(_IMPLEMENTATIONS)
_OVERRIDES: dict[str, ChatSource] = {}


def source_for(kind: str) -> ChatSource:
    """The reader of ``kind``'s channels (ImportError when this build has none)."""
    if kind in _OVERRIDES:
        return _OVERRIDES[kind]
    try:
        module_name, class_name = _IMPLEMENTATIONS[kind].split(":")
    except KeyError:
        known = ", ".join(CHAT_KINDS)
        raise InvalidInputError(f"{kind} targets have no chat to capture; one of {known}") from None
    source: ChatSource = getattr(importlib.import_module(module_name), class_name)()
    return source


def override_source(kind: str, source: ChatSource | None) -> None:
    """Swap a kind's reader (tests of the capture mechanics); None restores it."""
    if kind not in _IMPLEMENTATIONS:
        raise InvalidInputError(f"{kind} targets have no chat to capture")
    if source is None:
        _OVERRIDES.pop(kind, None)
    else:
        _OVERRIDES[kind] = source
