"""Keeps the Similar panel in step with the open incident.

Ranking reads every past incident's key entries: worth it right after a
declaration made here (the suggestion), otherwise only once someone looks at
the panel.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from commander.domain import EntryKind

if TYPE_CHECKING:
    from commander.services.memory import SimilarIncident
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext
    from ui.memory.similar_panel import SimilarPanel
    from ui.shell import Shell

log = logging.getLogger(__name__)


def _similar(store: Store, ref: str) -> list[SimilarIncident]:
    from commander.services.memory import similar_incidents

    return similar_incidents(store, ref)


class SimilarSuggestions(QObject):
    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(context)
        self.context = context
        self.shell = shell
        self.panel: SimilarPanel | None = None
        self._declared: int | None = None  # the incident id declared last, not yet shown
        self._loaded_ref: str | None = None
        self._shown_ref: str | None = None  # the incident open now (maybe not loaded yet)
        context.changed.connect(self._on_changed)
        context.incident_opened.connect(self._on_opened)

    def _on_changed(self, changes: Changes) -> None:
        if any(entry.kind == EntryKind.DECLARED for entry in changes.entries):
            self._declared = changes.incident_id

    def _ensure_panel(self) -> SimilarPanel:
        if self.panel is None:
            from ui.memory.install import open_incident
            from ui.memory.similar_panel import SimilarPanel

            self.panel = SimilarPanel()
            self.panel.open_requested.connect(
                lambda ref: open_incident(self.context, self.shell, ref)
            )
            self.panel.shown.connect(self._on_panel_shown)
            self.shell.add_side_panel(self.panel, "Similar")
        return self.panel

    def _on_opened(self, incident: IncidentDetail | None) -> None:
        if incident is None:
            self._shown_ref = None
            return
        ref = incident.ref
        just_declared = incident.id == self._declared
        if ref == self._loaded_ref and not just_declared:
            return  # the same incident read again (severity, phase): its past did not change
        if just_declared:
            self._declared = None
        panel = self._ensure_panel()
        self._shown_ref = ref
        if not just_declared and not panel.isVisible():
            return
        self._load(ref, just_declared)

    def _on_panel_shown(self) -> None:
        if self._shown_ref is not None and self._shown_ref != self._loaded_ref:
            self._load(self._shown_ref, just_declared=False)

    def _load(self, ref: str, just_declared: bool) -> None:
        if self.context.store is None:
            return
        self._loaded_ref = ref
        self.context.read(
            lambda store: _similar(store, ref),
            lambda items: self._show(ref, items, just_declared),
            self._failed,
            slow=True,
        )

    def _show(self, ref: str, items: list[SimilarIncident], just_declared: bool) -> None:
        if self._loaded_ref != ref or self.panel is None:
            return  # another incident was opened meanwhile
        self.panel.show_similar(ref, items, just_declared)
        if just_declared and items:
            self.shell.bring_forward(self.panel)

    def _failed(self, error: BaseException) -> None:
        # A suggestion is a nicety: never a dialog in the middle of an incident.
        log.warning("similar incidents unavailable: %s", error)
