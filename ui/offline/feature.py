"""Losing the database server, seen from the window.

On a server store (PostgreSQL) the feature asks the server ``SELECT 1`` every
half second on a one-thread worker of its own: never on the UI thread, and
never on the writer, whose queue a stalled server would hold. The first
failure (or a write that finds the server gone: the timeline reports it) sets
``context.server_lost`` and shows the banner in the header; the timeline then
keeps plain entries in the journal (commander/store/journal.py), shown as
waiting. Once the server answers, the journal is written back through
``context.write`` (services/journal_replay.py: in typing order, each entry once
by its idempotency key), announced like any write, and the banner goes when the
journal is empty. A journal left from an earlier run is written back the same
way once the store is open.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from ui.shell import Shell
from ui.workers import Worker

if TYPE_CHECKING:
    from commander.services.journal_replay import Replayed
    from ui.context import AppContext

log = logging.getLogger(__name__)

# How often the server is asked while the window is open: a lost server shows
# within a second, and a probe costs the server one ``SELECT 1``.
PROBE_INTERVAL_MS = 500
_BANNER_STYLE = "QLabel { background: #c62828; color: white; padding: 2px 8px; }"


class ServerWatch(QObject):
    def __init__(self, context: AppContext, shell: Shell) -> None:
        super().__init__(shell.parent_widget())
        self._context = context
        self._shell = shell
        self.banner = QLabel()
        self.banner.setObjectName("serverLostBanner")
        self.banner.setStyleSheet(_BANNER_STYLE)
        self.banner.hide()
        shell.add_header_line(self.banner)
        self._timer = QTimer(self)
        self._timer.setInterval(PROBE_INTERVAL_MS)
        self._timer.timeout.connect(self.probe)
        self._probes = Worker(on_error=self._probe_failed, parent=self)
        self._probing = False
        self._replaying = False
        self._waiting = 0
        context.store_opened.connect(self._on_store_opened)
        context.server_lost_changed.connect(lambda _lost: self._show())
        context.journal_changed.connect(self._count_and_show)
        shell.when_closing(self._stop)

    def _on_store_opened(self) -> None:
        from commander.paths import journal_path
        from commander.store.journal import EntryJournal

        store = self._context.store
        if store is None or store.is_sqlite:
            return  # one file on this computer: there is no server to lose
        if self._context.journal is None:
            try:
                self._context.journal = EntryJournal(journal_path())
            except Exception as exc:  # noqa: BLE001 - the window works on without a journal
                self._shell.report_error(exc)
                return
        self._timer.start()
        self.probe()  # at once: a journal an earlier run left is written back

    def probe(self) -> None:
        """Ask the server on the probe worker, unless a probe is on its way."""
        store, journal = self._context.store, self._context.journal
        if self._probing or store is None or journal is None:
            return
        from commander.store.journal import journal_key

        self._probing = True
        key = journal_key(store)
        self._probes.submit(lambda: (store.reachable(), journal.count(key)), self._probed)

    def _probed(self, outcome: tuple[bool, int]) -> None:
        self._probing = False
        reachable, self._waiting = outcome
        if not reachable:
            self._context.set_server_lost(True)
        elif self._waiting and not self._replaying:
            self._replay()
        elif not self._waiting and not self._replaying:
            self._context.set_server_lost(False)
        self._show()

    def _probe_failed(self, error: BaseException) -> None:
        # Any other failure to answer (a login refused while the server restarts, ...)
        # also means entries cannot be written now: journal them.
        self._probing = False
        log.info("server probe failed: %s", error)
        self._context.set_server_lost(True)

    def _replay(self) -> None:
        from commander.services.journal_replay import replay_journal

        journal = self._context.journal
        assert journal is not None
        self._replaying = True
        self._context.write(
            lambda store: replay_journal(store, journal), self._replayed, self._replay_failed
        )

    def _replayed(self, done: Replayed) -> None:
        self._replaying = False
        for item, reason in done.refused:
            self._shell.show_status(
                f"an entry kept while the server was away was refused: {item.text[:40]!r}: {reason}"
            )
        self._context.journal_changed.emit()
        if not done.interrupted:
            self.probe()  # empty now unless more was typed meanwhile: the banner goes

    def _replay_failed(self, error: BaseException) -> None:
        self._replaying = False
        self._shell.report_error(error)

    def _count_and_show(self) -> None:
        from commander.store.journal import journal_key

        journal, store = self._context.journal, self._context.store
        if journal is not None and store is not None:
            try:
                self._waiting = journal.count(journal_key(store))
            except Exception as exc:  # noqa: BLE001 - shown, the banner keeps its count
                log.warning("cannot count the journal: %s", exc)
        self._show()

    def _show(self) -> None:
        if not self._context.server_lost:
            if not self.banner.isHidden():
                self.banner.hide()
                self._shell.clear_status()  # the line below said the server was away
            return
        waiting = self._waiting
        kept = (
            f"{waiting} {'entry' if waiting == 1 else 'entries'} kept on this computer"
            if waiting
            else "entries you log are kept on this computer"
        )
        text = f"Database server unreachable: {kept}, written when it is back"
        self.banner.setText(text)
        self.banner.show()
        self._shell.show_status(text)  # also seen with no incident open (no header then)

    def _stop(self) -> None:
        self._timer.stop()
        self._probes.wait(2_000)


def install(context: AppContext, shell: Shell) -> None:
    ServerWatch(context, shell)
