"""The health feature on its own: the header strip, probing off the UI thread on the
checks' intervals, changes logged once, "all green for" in Resolve, and the dialog."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from commander.clock import FrozenClock
from commander.domain import EntryKind, Phase, Severity
from commander.domain.health import HealthState
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.health_server import HealthServer
from ui import health
from ui.health.dialog import HealthChecksDialog
from ui.health.feature import HealthFeature
from ui.health.strip import HealthStrip

# Offscreen Qt says this whenever a dialog is shown; it is not a problem of ours.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

UP, DOWN, SLOW = HealthState.UP, HealthState.DOWN, HealthState.SLOW


@pytest.fixture
def server() -> Iterator[HealthServer]:
    running = HealthServer()
    yield running
    running.close()


@pytest.fixture
def feature(rig: Rig) -> HealthFeature:  # noqa: F811
    rig.install(health.install)
    installed = rig.context.findChild(HealthFeature)
    assert installed is not None
    return installed


def _declare(rig: Rig) -> str:  # noqa: F811
    from commander.services.incidents import declare_incident

    return declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref


def _add(rig: Rig, ref: str, target: str, every: int = 1, slow_ms: int = 2000) -> int:  # noqa: F811
    from commander.services.health_checks import add_check

    return add_check(rig.store, ref, target, "ana", every, slow_ms).id


def _health_entries(rig: Rig, ref: str) -> list[Any]:  # noqa: F811
    from commander.services.incidents import get_incident

    return [e for e in get_incident(rig.store, ref).timeline if e.kind == EntryKind.HEALTH]


def _strip(feature: HealthFeature) -> HealthStrip:
    assert feature.strip is not None, "no incident opened yet"
    return feature.strip


def test_install_adds_the_menu_action_and_the_strip_with_the_first_incident(
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
) -> None:
    assert [a.text() for a in rig.shell.actions["&Response"]] == ["Health &checks…"]
    assert rig.shell.header_widgets == []
    rig.open_incident(_declare(rig))
    assert rig.shell.header_widgets == [feature.strip]
    assert _strip(feature).isHidden()  # no checks: nothing to show


def test_the_strip_follows_a_server_up_and_down_logging_each_change_once(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
    server: HealthServer,
) -> None:
    ref = _declare(rig)
    check_id = _add(rig, ref, server.url, every=1, slow_ms=150)
    rig.open_incident(ref)
    strip = _strip(feature)
    name = f"127.0.0.1:{server.port}/health"
    qtbot.waitUntil(lambda: strip.shown() == [(name, UP)], timeout=10_000)
    assert not strip.isHidden()
    dot = strip._dots[check_id]
    assert dot.property("state") == "up" and "#2e7d32" in dot.text()
    assert "up since" in dot.toolTip() and " ms" in dot.toolTip()

    server.answer(500)
    qtbot.waitUntil(lambda: strip.shown() == [(name, DOWN)], timeout=10_000)
    assert "#c62828" in dot.text() and "HTTP 500" in dot.toolTip()
    hits = server.hits()
    qtbot.waitUntil(lambda: server.hits() > hits, timeout=10_000)  # probed again: still down

    server.answer(200, delay=0.3)
    qtbot.waitUntil(lambda: strip.shown() == [(name, SLOW)], timeout=10_000)
    server.answer(200)
    qtbot.waitUntil(lambda: strip.shown() == [(name, UP)], timeout=10_000)
    qtbot.waitUntil(rig.idle, timeout=10_000)
    changes = [(e.fact.from_state, e.fact.to_state) for e in _health_entries(rig, ref)]
    assert [(old.value, new.value) for old, new in changes] == [
        ("unknown", "up"),
        ("up", "down"),
        ("down", "slow"),
        ("slow", "up"),
    ]
    assert rig.shell.errors == []


def test_probing_never_blocks_the_ui_thread(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
    server: HealthServer,
) -> None:
    """A target that takes a second to answer: the UI thread keeps turning meanwhile."""
    server.answer(200, delay=1.0)
    ref = _declare(rig)
    _add(rig, ref, server.url, every=60)
    ticks: list[float] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    rig.open_incident(ref)
    qtbot.waitUntil(lambda: server.hits() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: _strip(feature).shown()[0][1] is UP, timeout=10_000)
    timer.stop()
    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 20 and max(gaps) < 0.8  # a probe on the UI thread: a 1 s gap


def test_all_green_for_shows_in_resolve_and_counts_on(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
    server: HealthServer,
    clock: FrozenClock,
) -> None:
    from commander.services.incidents import change_phase

    ref = _declare(rig)
    _add(rig, ref, server.url, every=1)
    rig.open_incident(ref)
    strip = _strip(feature)
    qtbot.waitUntil(
        lambda: strip.shown() == [(f"127.0.0.1:{server.port}/health", UP)], timeout=10_000
    )
    assert strip.green.isHidden()  # Detect: the strip shows dots only

    change_phase(rig.store, ref, Phase.RESOLVE, "ana")
    rig.open_incident(ref)  # the window re-reads the incident after a header change
    assert not strip.green.isHidden()
    assert strip.green.text() == "all green for <1m"
    clock.advance(timedelta(minutes=12, seconds=10))
    strip.refresh()
    assert strip.green.text() == "all green for 12m"

    server.answer(503)
    qtbot.waitUntil(lambda: strip.shown()[0][1] is DOWN, timeout=10_000)
    assert strip.green.isHidden()


def test_a_closed_incident_is_not_probed(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
    server: HealthServer,
) -> None:
    from commander.services.incidents import change_phase

    ref = _declare(rig)
    _add(rig, ref, server.url, every=60)
    change_phase(rig.store, ref, Phase.POSTMORTEM, "ana")
    rig.open_incident(ref)
    qtbot.waitUntil(lambda: feature.watch is not None, timeout=10_000)
    qtbot.wait(300)
    assert server.hits() == 0 and feature.prober.watched() == []
    assert _strip(feature).shown() == [(f"127.0.0.1:{server.port}/health", HealthState.UNKNOWN)]


def test_the_dialog_adds_refuses_and_removes_checks(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: HealthFeature,
    server: HealthServer,
) -> None:
    from commander.services.checklist import checklist

    ref = _declare(rig)
    rig.open_incident(ref)
    qtbot.waitUntil(lambda: feature.watch is not None, timeout=10_000)
    dialog = feature.edit_checks()
    assert isinstance(dialog, HealthChecksDialog)

    dialog.target_edit.setText("ftp://files.example.com/")
    dialog.add_button.click()
    assert dialog.problem.text() == (
        "health target 'ftp://files.example.com/': give an http:// or https:// URL, "
        "or tcp://HOST:PORT"
    )
    assert not dialog.problem.isHidden()

    dialog.target_edit.setText(server.url)
    dialog.every_box.setValue(60)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.check_list.count() == 1, timeout=10_000)
    assert dialog.problem.isHidden() and dialog.target_edit.text() == ""
    assert f"{server.url}  (every 60 s, slow over 2000 ms)" in dialog.check_list.item(0).text()
    qtbot.waitUntil(lambda: server.hits() == 1, timeout=10_000)  # probed at once
    detect = checklist(rig.store, ref).of_phase(Phase.DETECT)
    assert next(i for i in detect if i.text == "Automated checks run").checked

    dialog.target_edit.setText(server.url)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: "already watches" in dialog.problem.text(), timeout=10_000)

    dialog.check_list.setCurrentRow(0)
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.check_list.count() == 0, timeout=10_000)
    qtbot.waitUntil(lambda: _strip(feature).isHidden(), timeout=10_000)
    assert feature.prober.watched() == []
    dialog.close()
