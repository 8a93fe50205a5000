"""Captured chat messages on the timeline: author and text as captured, shown as text (in
the tooltip too), and the permalink and files as links, escaped, opening only web links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from commander.clock import now as clock_now
from commander.domain import EntryKind, Severity
from commander.domain.entry_facts import ChatCaptured, ChatFileLink, encode
from commander.views.incidents import EntryView
from tests.support.chat_source import chat_source
from tests.support.cockpit import Cockpit
from ui.timeline import chat_link
from ui.timeline.chat_link import ChatLinks, links_html, openable
from ui.timeline.model import AUTHOR, TEXT, TimelineModel

AT = datetime(2026, 11, 27, 9, 50, tzinfo=UTC)
HOSTILE = '<img src="x" onerror="alert(1)"> <b>all</b> pods down'


def chat_entry(text: str = HOSTILE, permalink: str = "https://chat.example/C1/1") -> EntryView:
    fact = ChatCaptured(
        "slack",
        "C1",
        "inc-1-<checkout>",
        "1",
        permalink,
        files=(ChatFileLink('graph "<1>".png', "https://files.example/g.png?a=1&b=2"),),
    )
    return EntryView(7, 1, AT, AT, "Bo <Chen>", EntryKind.CHAT, text, False, encode(fact))


def test_the_row_shows_the_chat_author_and_the_text_as_text(qtbot) -> None:
    model = TimelineModel()
    model.set_entries([chat_entry()])
    assert model.index(0, AUTHOR).data() == "Bo <Chen>"
    assert model.index(0, TEXT).data() == HOSTILE
    tooltip = model.index(0, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    document = QTextDocument()
    document.setHtml(tooltip)  # how Qt shows a tooltip that looks like HTML
    shown = document.toPlainText().replace("\xa0", " ")
    assert shown.startswith(HOSTILE)
    assert "Captured from slack inc-1-<checkout>: https://chat.example/C1/1" in shown


def test_links_are_escaped_and_only_web_links_are_links() -> None:
    html = links_html(chat_entry().fact)  # type: ignore[arg-type]
    assert html == (
        '<a href="https://chat.example/C1/1">Open in slack #inc-1-&lt;checkout&gt;</a> · '
        '<a href="https://files.example/g.png?a=1&amp;b=2">graph &quot;&lt;1&gt;&quot;.png</a>'
    )
    sneaky = chat_entry(permalink="javascript:alert(1)").fact
    assert links_html(sneaky).startswith("Open in slack")  # type: ignore[arg-type]
    assert "javascript" not in links_html(sneaky)  # type: ignore[arg-type]
    assert [openable(u) for u in ("https://a", "HTTP://a", "file:///etc/passwd", "slack://x")] == [
        True,
        True,
        False,
        False,
    ]


def test_a_click_opens_only_web_links(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        chat_link.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    links = ChatLinks()
    qtbot.addWidget(links)
    links.show_entry(chat_entry())
    assert not links.isHidden()
    links.linkActivated.emit("https://chat.example/C1/1")
    links.linkActivated.emit("file:///etc/passwd")
    assert opened == ["https://chat.example/C1/1"]
    links.show_entry(None)
    assert links.isHidden() and links.text() == ""


def test_selecting_a_captured_entry_shows_its_links_under_the_rows(qtbot, cockpit: Cockpit) -> None:
    from commander.services.chat_capture import capture_pairs, capture_pass
    from commander.services.targets import save_target

    cockpit.declare(qtbot, "Checkout errors", Severity.P2)
    store = cockpit.context.require_store()
    ref = cockpit.incident.ref
    save_target(store, "ops-chat", "slack", secret="xoxb-timeline-secret")
    with chat_source("slack") as source:
        posted = clock_now()
        source.post(source.channel_for(ref, "Checkout errors"), "1", "rolled back", posted, "Bo")
        [pair] = capture_pairs(store, ref)
        with qtbot.waitSignal(cockpit.context.changed, timeout=10_000):
            cockpit.context.write(lambda store: capture_pass(store, pair))
    model, view = cockpit.panel.timeline_model, cockpit.panel.timeline_view
    qtbot.waitUntil(lambda: any(model.entry_at(r).kind == "chat" for r in range(model.rowCount())))
    row = next(r for r in range(model.rowCount()) if model.entry_at(r).kind == "chat")
    view.setCurrentIndex(model.index(row, TEXT))
    links = cockpit.panel.chat_links
    assert not links.isHidden()
    assert links.text() == (
        '<a href="https://chat.example/C0001/1">Open in slack #inc-1-checkout-errors</a>'
    )
    view.setCurrentIndex(model.index(0, TEXT))  # the declaration
    assert links.isHidden()
