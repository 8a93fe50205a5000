"""``install(context, shell)`` for the health checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.shell import Shell


def install(context: AppContext, shell: Shell) -> None:
    from ui.health.feature import HealthFeature

    HealthFeature(context, shell)
