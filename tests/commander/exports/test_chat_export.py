"""Captured chat text is untrusted: stored verbatim, escaped by every export like any entry."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from commander.clock import FrozenClock
from commander.exports.render import export_incident
from commander.services.chat_capture import capture_pairs, capture_pass
from commander.services.targets import save_target
from tests.conftest import FROZEN_AT
from tests.support.chat_source import chat_source
from tests.support.postmortem_sample import GENERATED_AT

HOSTILE = (
    "<script>alert('x')</script> [click](javascript:alert(1)) **loud** "
    '<img src=x onerror="alert(2)"> | cell | `code`'
)


def test_captured_text_is_escaped_in_html_and_markdown_and_exact_in_json(
    store: Any, incident: str, clock: FrozenClock
) -> None:
    save_target(store, "ops-chat", "slack", secret="xoxb-export-secret")
    with chat_source("slack") as source:
        channel = source.channel_for(incident, "Checkout errors")
        source.post(channel, "1", HOSTILE, FROZEN_AT, author="<b>Mallory</b>")
        [pair] = capture_pairs(store, incident)
        assert capture_pass(store, pair).counts.added == 1

    page = export_incident(store, incident, "html", GENERATED_AT).decode()
    parsed = _Page()
    parsed.feed(page)
    assert {"script", "img", "a"}.isdisjoint(parsed.tags)  # nothing the text held became HTML
    assert not [name for name in parsed.attributes if name.startswith("on")]
    assert f"<b>Mallory</b>: {HOSTILE}" in parsed.text  # read as text, whole (a key entry)

    markdown = export_incident(store, incident, "md", GENERATED_AT).decode()
    assert (
        r"\<script\>alert('x')\</script\> \[click\](javascript:alert(1)) \*\*loud\*\*" in markdown
    )
    assert r"\| cell \| \`code\`" in markdown and r"\<b\>Mallory\</b\>" in markdown

    document = json.loads(export_incident(store, incident, "json", GENERATED_AT))
    [entry] = [e for e in document["audit"]["entries"] if e["kind"] == "chat"]
    assert (entry["text"], entry["author"]) == (HOSTILE, "<b>Mallory</b>")
    assert entry["data"]["permalink"] == "https://chat.example/C0001/1"


class _Page(HTMLParser):
    """The elements, attributes and text a browser would find in the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _value in attrs)

    def handle_data(self, data: str) -> None:
        self.text += data
