"""``install(context, shell)`` for the team database settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.shell import Shell


def install(context: AppContext, shell: Shell) -> None:
    from ui.connection.feature import ConnectionFeature

    ConnectionFeature(context, shell)
