"""The core's PDF renderer, importing Qt's PDF writer only when a PDF is asked for.

Both front doors hand it to the core (``commander.exports.pdf_hook``): the CLI,
so a command that writes no PDF never loads Qt, and the window, so its first
paint does not wait for the PDF module.
"""

from __future__ import annotations

import os
from datetime import datetime


class LazyQtPdf:
    def render_pdf(self, html: str, title: str, generated_at: datetime) -> bytes:
        # Without a screen (the CLI on a server), draw offscreen.
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # Qt embeds fonts in QHash order, seeded randomly per process; a fixed seed makes
        # two CLI runs write identical files. It only counts before Qt starts, so a PDF
        # made in the window may order its fonts differently.
        os.environ.setdefault("QT_HASH_SEED", "0")
        from ui.exports.pdf import render_pdf

        return render_pdf(html, title, generated_at)
