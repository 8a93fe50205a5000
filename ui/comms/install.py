"""``install(context, shell)`` for the comms feature.

Its menu, widgets and outbox runner are not needed for the first paint (and
its Qt classes cost start-up time to load), so the feature is built once the
store is open, as the window did before the feature shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.shell import Shell


def install(context: AppContext, shell: Shell) -> None:
    def build() -> None:
        from ui.comms.feature import CommsFeature

        CommsFeature(context, shell)

    if context.store is not None:
        build()
        return
    context.store_opened.connect(build, Qt.ConnectionType.SingleShotConnection)
