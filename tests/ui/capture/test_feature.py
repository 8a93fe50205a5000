"""Chat capture in the window: every open incident's channel captured off the UI thread,
announced like any write, the header's status line, and stopping when the window closes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from commander.capture.source import CaptureError
from commander.domain import EntryKind, Severity
from commander.views.changes import Changes
from tests.support.chat_source import MemoryChatSource, chat_source
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import capture
from ui.capture.feature import CaptureFeature

SECRET = "xoxb-window-secret-2718"
POSTED = datetime(2026, 11, 27, 9, 50, tzinfo=UTC)


@pytest.fixture
def chat(rig: Rig) -> Iterator[MemoryChatSource]:  # noqa: F811
    from commander.services.targets import save_target

    save_target(rig.store, "ops-chat", "slack", secret=SECRET)
    with chat_source("slack") as source:
        yield source


def _declare(rig: Rig, title: str) -> str:  # noqa: F811
    from commander.services.incidents import declare_incident

    return declare_incident(rig.store, title, Severity.P1, "ana").ref


def _install(rig: Rig) -> CaptureFeature:  # noqa: F811
    rig.install(capture.install)
    feature = rig.context.findChild(CaptureFeature)
    assert feature is not None
    return feature


def _chat_entries(rig: Rig, ref: str) -> list[str]:  # noqa: F811
    from commander.services.incidents import get_incident

    return [e.text for e in get_incident(rig.store, ref).timeline if e.kind == EntryKind.CHAT]


def test_every_open_incident_is_captured_off_the_ui_thread_and_announced(
    qtbot,
    rig: Rig,  # noqa: F811
    chat: MemoryChatSource,
) -> None:
    first, second = _declare(rig, "Checkout errors"), _declare(rig, "Search slow")
    chat.post(chat.channel_for(first, "Checkout errors", "C1"), "1", "rolled back", POSTED)
    chat.post(chat.channel_for(second, "Search slow", "C2"), "1", "index rebuilt", POSTED)
    announced: list[Changes] = []
    rig.context.changed.connect(announced.append)

    feature = _install(rig)
    rig.open_incident(first)
    qtbot.waitUntil(lambda: len({c.incident_id for c in announced}) == 2, timeout=10_000)

    assert _chat_entries(rig, first) == ["rolled back"]
    assert _chat_entries(rig, second) == ["index rebuilt"]
    assert threading.get_ident() not in chat.threads  # never on the UI thread
    kinds = {e.kind for changes in announced for e in changes.entries}
    assert kinds == {EntryKind.CHAT}
    qtbot.waitUntil(feature.status.isVisibleTo(rig.shell.widget).__bool__, timeout=5_000)
    assert feature.status.text().startswith("Chat capture: slack #inc-1-checkout-errors read ")
    assert feature.status in rig.shell.header_lines
    rig.shell.widget.close()  # the window closes: its closing steps run
    assert not feature.runner.running() and not feature.runner._timer.isActive()


def test_a_failing_channel_shows_in_the_status_line_as_text_and_nothing_is_written(
    qtbot,
    rig: Rig,  # noqa: F811
    chat: MemoryChatSource,
) -> None:
    ref = _declare(rig, "Checkout errors")
    chat.channel_for(ref, "Checkout errors")
    chat.fail_with(CaptureError(f"<b>rate limited</b> token {SECRET}", retry_after=60))
    feature = _install(rig)
    rig.open_incident(ref)

    qtbot.waitUntil(lambda: "failing" in feature.status.text(), timeout=10_000)
    assert feature.status.text() == "Chat capture: slack (ops-chat) failing"  # no channel found
    tooltip = feature.status.toolTip()
    assert "&lt;b&gt;rate limited&lt;/b&gt;" in tooltip and SECRET not in tooltip
    assert _chat_entries(rig, ref) == []


def test_another_incident_opened_shows_its_own_status(
    qtbot,
    rig: Rig,  # noqa: F811
    chat: MemoryChatSource,
) -> None:
    with_channel, without = _declare(rig, "Checkout errors"), _declare(rig, "Quiet one")
    chat.channel_for(with_channel, "Checkout errors")
    feature = _install(rig)
    rig.open_incident(with_channel)
    qtbot.waitUntil(lambda: feature.status.text().startswith("Chat capture: "), timeout=10_000)
    rig.open_incident(without)
    assert feature.status.text() == "" and not feature.status.isVisibleTo(rig.shell.widget)
