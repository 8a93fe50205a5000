"""``install(context, shell)`` for chat capture: built once the store is open (nothing
of it is needed for the first paint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.shell import Shell


def install(context: AppContext, shell: Shell) -> None:
    def build() -> None:
        from ui.capture.feature import CaptureFeature

        CaptureFeature(context, shell)

    if context.store is not None:
        build()
        return
    context.store_opened.connect(build, Qt.ConnectionType.SingleShotConnection)
