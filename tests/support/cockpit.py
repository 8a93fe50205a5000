"""The timeline and response features on a real store, without the main window.

A ``Cockpit`` is what the window assembles, minus the window: an AppContext over a
real SQLite file, a shell double with room for the timeline, the incident opener
(which keeps the open incident fresh) and the two features, installed as the window
installs them. The live feed starts only when a test asks for it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from commander.domain import Severity
from commander.views.incidents import IncidentDetail
from tests.support.shell_double import ShellDouble
from ui.context import AppContext
from ui.incidents.opener import IncidentOpener
from ui.live import LiveFeed
from ui.main_window import MainWindow
from ui.response.feature import ResponseFeature
from ui.response.header import IncidentHeader
from ui.timeline.feature import TimelineFeature
from ui.timeline.panel import TimelinePanel


class TimelineShellDouble(ShellDouble):
    """The shell double with the timeline's place (ui.timeline.feature.TimelineShell)."""

    def __init__(self) -> None:
        super().__init__()
        self.main_view: QWidget | None = None
        self._layout = QVBoxLayout(self.widget)

    def set_main_view(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)  # it takes the double's size, as in the window
        self.main_view = widget


class Cockpit:
    def __init__(self, context: AppContext, shell: TimelineShellDouble) -> None:
        self.context = context
        self.shell = shell
        self.opener = IncidentOpener(context, shell.report_error)
        self.timeline = TimelineFeature(context, shell)
        self.response = ResponseFeature(context, shell)
        self.live: LiveFeed | None = None

    @property
    def panel(self) -> TimelinePanel:
        return self.timeline.panel

    @property
    def header(self) -> IncidentHeader:
        assert self.response.header is not None, "no incident opened yet"
        return self.response.header

    @property
    def incident(self) -> IncidentDetail:
        assert self.context.incident is not None
        return self.context.incident

    def declare(self, qtbot, title: str, severity: Severity = Severity.P2) -> None:  # noqa: ANN001
        """Declare an incident through the context and wait until it is shown."""
        from commander.services.incidents import declare_incident

        author = self.context.author()
        with qtbot.waitSignal(self.context.incident_opened, timeout=10_000):
            self.context.write(
                lambda store: declare_incident(store, title, severity, author=author),
                lambda incident: self.context.open_incident(incident.ref),
            )
        qtbot.waitUntil(self.idle, timeout=10_000)  # its timeline, checklist and roles read

    def open(self, qtbot, ref: str) -> None:  # noqa: ANN001
        with qtbot.waitSignal(self.context.incident_opened, timeout=10_000):
            self.context.open_incident(ref)
        qtbot.waitUntil(self.idle, timeout=10_000)

    def start_live(self, qtbot) -> LiveFeed:  # noqa: ANN001
        """The live feed, started like the window starts it once the store is open."""
        live = LiveFeed(self.context)
        live._start()
        qtbot.waitUntil(lambda: live.feed is not None, timeout=10_000)
        self.live = live
        return live

    def idle(self) -> bool:
        return not self.context.writer.busy() and not self.context.reader.busy()


# -- the same parts inside the real window ----------------------------------------------
def window_timeline(window: MainWindow) -> TimelinePanel:
    panel = window.frame.main_view
    assert isinstance(panel, TimelinePanel), "no incident opened yet"
    return panel


def window_timeline_feature(window: MainWindow) -> TimelineFeature:
    feature = window.findChild(TimelineFeature)
    assert feature is not None
    return feature


def window_header(window: MainWindow) -> IncidentHeader:
    header = window.findChild(IncidentHeader)
    assert header is not None, "no incident opened yet"
    return header
