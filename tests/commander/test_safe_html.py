"""The one Markdown sanitiser behind the runbook viewer and the HTML export."""

from __future__ import annotations

import pytest

from commander.safe_html import WEB_SCHEMES, clean_html, markdown_to_html


def test_markdown_becomes_html() -> None:
    body = markdown_to_html("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <x>\n```\n")
    assert "<h1>Title</h1>" in body and "<td>1</td>" in body
    assert "<pre><code>code &lt;x&gt;" in body


@pytest.mark.parametrize(
    "raw",
    ["<script>alert(1)</script>", "<b>bold</b>", '<img src="x" onerror="alert(1)">', "<!-- c -->"],
)
def test_raw_html_shows_as_text(raw: str) -> None:
    body = markdown_to_html(f"before {raw} after\n\n{raw}\n")
    assert "<script" not in body and "<b>" not in body and "<img" not in body
    assert raw.replace("<", "&lt;").replace(">", "&gt;").split(" ")[0] in body


def test_links_keep_their_address_only_for_the_allowed_schemes() -> None:
    text = (
        "[web](https://example.com/a) [mail](mailto:a@example.com) [js](javascript:alert(1)) "
        "[file](file:///etc/passwd) [copy](copy:0) [spaced]( JavaScript:alert(1))"
    )
    export = markdown_to_html(text)
    assert '<a href="https://example.com/a">web</a>' in export
    assert '<a href="mailto:a@example.com">mail</a>' in export
    for gone in ("javascript:", "JavaScript:", "file:", "copy:"):
        assert gone not in export
    viewer = markdown_to_html(text, link_schemes=WEB_SCHEMES)
    assert '<a href="https://example.com/a">web</a>' in viewer
    assert "mailto:" not in viewer and "<a>mail</a>" in viewer


def test_images_show_their_alt_text_and_load_nothing() -> None:
    body = markdown_to_html("![the graph](https://tracker.example/pixel.png)")
    assert "<img" not in body and "tracker.example" not in body
    assert "<span>the graph</span>" in body


def test_clean_html_drops_what_could_run_and_keeps_the_text() -> None:
    cleaned = clean_html(
        '<p onclick="x()" style="color:red">hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)">a</a><a href="https://e.example">b</a></p>'
    )
    rel = 'rel="noopener noreferrer"'
    assert cleaned == f'<p>hi <a {rel}>a</a><a href="https://e.example" {rel}>b</a></p>'
