"""Severity colours for charts, read from the stylesheet so charts and badges agree."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtGui import QColor

from commander.domain import Severity
from commander.resources import resource_path

# QLabel#severityBadge[severity="P0"] { background: #b71c1c; }
_RULE = re.compile(
    r'severityBadge\[severity="(?P<level>P\d)"\]\s*\{[^}]*?background:\s*(?P<colour>#[0-9a-fA-F]{3,8})'
)
_FALLBACK = "#607d8b"  # the badge's default background


@cache
def severity_colors() -> dict[Severity, QColor]:
    """One colour per severity, as the header's severity badge paints it."""
    try:
        style = resource_path("styles", "app.qss").read_text(encoding="utf-8")
    except OSError:
        style = ""
    found = {match["level"]: match["colour"] for match in _RULE.finditer(style)}
    return {severity: QColor(found.get(severity.value, _FALLBACK)) for severity in Severity}
