"""Which incident the window shows, kept fresh: opened on request, re-read when its header changed.

A feature asks for an incident with ``context.open_incident(ref)``; the list
and the window do the same. The incident is read on the writer (after the
writes queued before it) and handed to ``context.set_incident``, which every
feature follows. When a change announces a new header (severity, phase,
milestones) for the incident shown, it is read again and handed over the same
way: features tell a re-read from a newly opened incident by its id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from commander.domain.changes import Aspect

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.changes import Changes
    from commander.views.incidents import IncidentDetail
    from ui.context import AppContext


def read_incident(store: Store, ref: str) -> IncidentDetail:
    """The incident without its timeline (the timeline reads its rows a page at a time)."""
    from commander.services.incidents import get_incident

    return get_incident(store, ref, with_timeline=False)


class IncidentOpener(QObject):
    def __init__(
        self, context: AppContext, on_error: Callable[[BaseException], None] | None = None
    ) -> None:
        super().__init__(context)
        self._context = context
        self._on_error = on_error
        # Chosen before the store finished opening (from the peeked list).
        self.pending_ref: str | None = None
        context.incident_requested.connect(self.open)
        context.store_opened.connect(self._on_store_opened)
        context.changed.connect(self._on_changed)

    def open(self, ref: str) -> None:
        if self._context.store is None:
            self.pending_ref = ref
            return
        self._context.read(
            lambda store: read_incident(store, ref), self._context.set_incident, self._on_error
        )

    def _on_store_opened(self) -> None:
        pending, self.pending_ref = self.pending_ref, None
        if pending:
            self.open(pending)

    def _on_changed(self, changes: Changes) -> None:
        incident = self._context.incident
        if incident is None or not changes.touches(Aspect.HEADER):
            return
        if not self._context.shows(changes):
            return
        ref, incident_id = incident.ref, incident.id
        self._context.read(
            lambda store: read_incident(store, ref),
            lambda fresh: self._refreshed(fresh, incident_id),
            self._on_error,
        )

    def _refreshed(self, fresh: IncidentDetail, incident_id: int) -> None:
        shown = self._context.incident
        if shown is not None and shown.id == incident_id:  # not replaced meanwhile
            self._context.set_incident(fresh)
