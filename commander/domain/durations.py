"""Durations as a person writes them: "1h 12m", "3d 4h", "11m 35s", "2h".

The header's clocks and the incident list use it: the two largest units, no
leading zeros, a zero second unit left out. ``when.format_duration`` keeps its
fixed-width form for the exports and the phase history.
"""

from __future__ import annotations

from datetime import timedelta

_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def human_duration(span: timedelta, units: int = 2) -> str:
    """``span`` in its ``units`` largest units; a negative span reads as none ("0s")."""
    seconds = max(int(span.total_seconds()), 0)
    parts: list[str] = []
    for name, size in _UNITS:
        value, seconds = divmod(seconds, size)
        if value or parts:
            parts.append(f"{value}{name}")
        if len(parts) == units:
            break
    shown = [part for part in parts if not part.startswith("0")]
    return " ".join(shown) or "0s"
