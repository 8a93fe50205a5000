"""Markdown anyone may have written, as HTML that runs nothing, loads nothing and links
only where it may: the one sanitiser behind the runbook viewer and the HTML export.

Raw HTML in the Markdown is shown as text (a runbook is a file anyone may drop
in the user folder; a postmortem section is typed by anyone on the team), links
keep their address only for the schemes the caller allows, and images show
their alt text instead of loading. Whatever comes out then passes ``nh3`` with
a short allow-list, so no script, event handler, style or ``javascript:`` link
survives even if the Markdown package let one through.
"""

from __future__ import annotations

from typing import Any, Final

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS: Final = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "footer",
        "section",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
ALLOWED_ATTRIBUTES: Final = {
    "*": {"class"},
    "a": {"href", "title"},
    "th": {"align", "colspan"},
    "td": {"align", "colspan"},
    "ol": {"start"},
}
URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
WEB_SCHEMES: Final = frozenset({"http", "https"})
LINK_REL: Final = "noopener noreferrer"


def clean_html(
    fragment: str, link_schemes: frozenset[str] = URL_SCHEMES, link_rel: str | None = LINK_REL
) -> str:
    """Keep only the allowed tags, attributes and link schemes; drop scripts and styles
    with their content, and comments."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(link_schemes),
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel=link_rel,
    )


def markdown_to_html(text: str, link_schemes: frozenset[str] = URL_SCHEMES) -> str:
    """Markdown (tables, fenced code, sane lists) as a clean HTML fragment.

    No ``rel`` is added to links here: a page that is opened in a browser gets it
    when the whole page is cleaned (the export does); the runbook viewer is no browser.
    """
    converter = markdown.Markdown(
        extensions=[
            TableExtension(),
            SaneListExtension(),
            FencedCodeExtension(),
            _RawHtmlAsText(link_schemes),
        ],
        output_format="html",
    )
    return clean_html(converter.convert(text), link_schemes, link_rel=None)


class _LinksAndImages(Treeprocessor):
    def __init__(self, md: Any, link_schemes: frozenset[str]) -> None:
        super().__init__(md)
        self.prefixes = tuple(f"{scheme}:" for scheme in link_schemes)

    def run(self, root: Any) -> None:
        for element in root.iter("a"):
            if not element.get("href", "").strip().lower().startswith(self.prefixes):
                element.attrib.pop("href", None)
        for element in root.iter("img"):  # a local file or a tracker: show the alt text
            element.tag, element.text = "span", element.get("alt", "")
            element.attrib.clear()


class _RawHtmlAsText(Extension):
    """Raw HTML blocks and inline tags stay text; links and images as described above."""

    def __init__(self, link_schemes: frozenset[str]) -> None:
        super().__init__()
        self.link_schemes = link_schemes

    def extendMarkdown(self, md: Any) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinksAndImages(md, self.link_schemes), "links_and_images", 0)
