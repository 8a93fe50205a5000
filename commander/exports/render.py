"""One entry point for every export format, for the CLI and the window alike."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, cast

from commander.errors import CommanderError, InvalidInputError
from commander.exports.document import IncidentDocument, load_document
from commander.services.postmortem import PostmortemView
from commander.store.engine import Store

FORMATS = ("md", "html", "pdf", "json")
SUFFIXES = {"md": ".md", "html": ".html", "pdf": ".pdf", "json": ".json"}

# PDF is drawn with Qt, which only ui/ may import. The core names the module and
# loads it on demand (never at import time), so the CLI can write PDFs while
# commander/ stays free of Qt.
PDF_RENDERER = "ui.exports.pdf"


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


class PdfRenderer(Protocol):
    def render_pdf(self, html: str, title: str, generated_at: datetime) -> bytes: ...


def pdf_renderer() -> PdfRenderer:
    # Qt needs a display platform; without a screen, draw offscreen.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt embeds fonts in QHash order, which is seeded randomly per process; a fixed
    # seed makes two runs write identical files. It only takes effect before Qt
    # starts, i.e. in the CLI; a PDF made in the window may order fonts differently.
    os.environ.setdefault("QT_HASH_SEED", "0")
    try:
        return cast(PdfRenderer, importlib.import_module(PDF_RENDERER))
    except ImportError as exc:
        raise CommanderError(f"PDF export needs the Qt front end (PySide6): {exc}") from None


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
    doc = load_document(store, ref, generated_at, postmortem)
    report(f"Rendering {fmt.upper()} ({len(doc.timeline):,} timeline entries)", 0.3)
    data = render(doc, fmt)
    report("Done", 1.0)
    return data


def _quiet(_step: str, _fraction: float) -> None:
    pass
