"""The postmortem as PDF, drawn by Qt's own PDF writer from the exported HTML.

No browser or external tool: ``QTextDocument`` lays the HTML out and
``QPdfWriter`` paints it onto A4 pages. Qt stamps each file with the current
time, so the creation date is replaced by the document's ``generated_at``
(same length, offsets in the file stay valid) to keep exports byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF, QUuid
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

# Where Qt writes the wall-clock time: the Info dictionary and the XMP metadata.
_INFO_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}([^)]*)\)")
_XMP_DATE = re.compile(rb'xmp:(CreateDate|ModifyDate|MetadataDate)="([^"]*)"')
RESOLUTION_DPI = 300


def _application() -> QGuiApplication:
    """Qt needs an application object to lay text out; the CLI has none."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["commander-export"])
    assert isinstance(app, QGuiApplication)
    return app


def render_pdf(html: str, title: str, generated_at: datetime) -> bytes:
    _application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Incident Commander")
    # Qt picks a random document id; one derived from the content keeps files identical.
    digest = hashlib.sha256(f"{title}\n{html}".encode()).digest()[:16]
    writer.setDocumentId(QUuid.fromRfc4122(QByteArray(digest)))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(16, 18, 16, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(html)
    page = writer.pageLayout().paintRectPixels(writer.resolution()).size()
    document.setPageSize(QSizeF(page))
    document.print_(writer)
    del writer  # finishes the file
    buffer.close()
    return fix_creation_date(bytes(QByteArray(buffer.data()).data()), generated_at)


def fix_creation_date(pdf: bytes, generated_at: datetime) -> bytes:
    """Put ``generated_at`` where Qt wrote "now", keeping every length (and so the
    byte offsets the PDF's cross-reference table points at) unchanged."""
    moment = generated_at.astimezone(UTC)
    compact = moment.strftime("%Y%m%d%H%M%S").encode()

    def info(match: re.Match[bytes]) -> bytes:
        zone = match.group(2)
        fixed = (b"Z" + b" " * (len(zone) - 1)) if zone else b""
        return b"/" + match.group(1) + b" (D:" + compact + fixed + b")"

    def xmp(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        for form in ("%Y-%m-%dT%H:%M:%S+00:00", "%Y-%m-%dT%H:%M:%SZ"):
            fixed = moment.strftime(form).encode()
            if len(fixed) == len(value):
                return b"xmp:" + match.group(1) + b'="' + fixed + b'"'
        return match.group(0)

    return _XMP_DATE.sub(xmp, _INFO_DATE.sub(info, pdf))


class QtPdfRenderer:
    """Hands ``render_pdf`` to the core (``commander.exports.pdf_hook``)."""

    def render_pdf(self, html: str, title: str, generated_at: datetime) -> bytes:
        return render_pdf(html, title, generated_at)
