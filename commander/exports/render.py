"""One entry point for every export format, for the CLI and the window alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from commander.errors import InvalidInputError
from commander.exports.document import IncidentDocument, load_document
from commander.exports.pdf_hook import pdf_renderer
from commander.services.postmortem import PostmortemView
from commander.store.engine import Store

FORMATS = ("md", "html", "pdf", "json")
SUFFIXES = {"md": ".md", "html": ".html", "pdf": ".pdf", "json": ".json"}


def render(doc: IncidentDocument, fmt: str) -> bytes:
    """The document in one format, as the bytes a file should hold."""
    if fmt == "md":
        from commander.exports.markdown import render_markdown

        return render_markdown(doc).encode("utf-8")
    if fmt == "html":
        from commander.exports.html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "json":
        from commander.exports.json_doc import render_json

        return render_json(doc).encode("utf-8")
    if fmt == "pdf":
        from commander.exports.html import render_html

        return pdf_renderer().render_pdf(render_html(doc), doc.title, doc.generated_at)
    raise InvalidInputError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


Progress = Callable[[str, float], None]


def export_incident(
    store: Store,
    ref: str,
    fmt: str,
    generated_at: datetime | None = None,
    postmortem: PostmortemView | None = None,
    progress: Progress | None = None,
) -> bytes:
    """Read, build and render; ``progress(step, fraction)`` hears about each step."""
    report = progress or _quiet
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    report(f"Reading {ref.upper()}", 0.05)
    # Only the JSON export shows the response record: the others skip its reads.
    doc = load_document(store, ref, generated_at, postmortem, response=fmt == "json")
    report(f"Rendering {fmt.upper()} ({len(doc.timeline):,} timeline entries)", 0.3)
    data = render(doc, fmt)
    report("Done", 1.0)
    return data


def _quiet(_step: str, _fraction: float) -> None:
    pass
