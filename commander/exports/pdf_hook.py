"""Where the PDF renderer plugs in.

PDF is drawn with Qt, which the core may not import. The front end that owns Qt
(``ui.launcher`` for the CLI and the window) hands the core a renderer at start;
the core only knows its shape. Kept tiny: the launcher imports it before the
window paints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commander.errors import CommanderError


class PdfRenderer(Protocol):
    def render_pdf(self, html: str, title: str, generated_at: datetime) -> bytes: ...


_renderer: PdfRenderer | None = None


def use_pdf_renderer(renderer: PdfRenderer | None) -> None:
    global _renderer
    _renderer = renderer


def pdf_renderer() -> PdfRenderer:
    if _renderer is None:
        raise CommanderError(
            "PDF export needs the Qt front end: run it with the `commander` command"
        )
    return _renderer
