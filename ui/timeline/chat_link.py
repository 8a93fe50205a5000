"""A captured chat message's links under the timeline: where it was said, and its files.

The text and the addresses come from the chat, so they are untrusted: every piece
is escaped into the label's rich text, and only http(s) links are ever opened.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel

from commander.domain.kinds import EntryKind

if TYPE_CHECKING:
    from commander.domain.entry_facts import ChatCaptured
    from commander.views.incidents import EntryView

_OPENABLE = ("http", "https")


def chat_fact(entry: EntryView | None) -> ChatCaptured | None:
    if entry is None or entry.kind != EntryKind.CHAT:
        return None
    from commander.domain.entry_facts import ChatCaptured

    fact = entry.fact
    return fact if isinstance(fact, ChatCaptured) else None


def openable(url: str) -> bool:
    """Only web links open from the timeline (never file:, javascript: or an app's own)."""
    try:
        return urlsplit(url.strip()).scheme.lower() in _OPENABLE
    except ValueError:
        return False


def links_html(fact: ChatCaptured) -> str:
    channel = fact.channel_name or fact.channel_id
    shown = channel if channel.startswith(("#", "!", "@")) else f"#{channel}"
    parts = [_link(fact.permalink, f"Open in {fact.provider} {shown}")]
    parts += [_link(file.url, file.name or file.url) for file in fact.files]
    return " · ".join(part for part in parts if part)


def _link(url: str, text: str) -> str:
    label = html.escape(text, quote=True)
    if not openable(url):
        return label
    return f'<a href="{html.escape(url.strip(), quote=True)}">{label}</a>'


def open_link(url: str) -> bool:
    if not openable(url):
        return False
    return QDesktopServices.openUrl(QUrl(url.strip(), QUrl.ParsingMode.StrictMode))


class ChatLinks(QLabel):
    """The selected chat entry's permalink and files, clickable; hidden for other entries."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("chatLinks")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(False)  # opened by open_link, which checks the scheme
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.linkActivated.connect(open_link)
        self.hide()

    def show_entry(self, entry: EntryView | None) -> None:
        fact = chat_fact(entry)
        if fact is None:
            self.clear()
            self.hide()
            return
        self.setText(links_html(fact))
        self.show()
