"""What the window remembers between runs: its size and place, its splitters, the open incident.

Kept in the app's settings file (``commander.settings``) with the rest of the
user's choices. Whatever is missing or malformed there (an older file, a hand
edit) is ignored: the window opens at its defaults instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

from commander.settings import Settings

# The part of the title bar that must land on a screen for the kept place to be used.
_GRIP = 40


def save_geometry(window: QWidget, settings: Settings) -> None:
    """Its unmaximised place and size, and whether it is maximised."""
    normal = window.normalGeometry() if window.isMaximized() else window.geometry()
    # Kept as move() takes it: the frame's corner, not the inside's (else the window
    # would creep down by a title bar each run).
    corner = normal.topLeft() - (window.geometry().topLeft() - window.pos())
    settings.window_geometry = [corner.x(), corner.y(), normal.width(), normal.height()]
    settings.window_maximized = window.isMaximized()


def restore_geometry(window: QWidget, settings: Settings) -> bool:
    """Give the window its kept size, and its place if that is still on a screen (a
    monitor unplugged since); False, and nothing changed, when nothing usable is kept."""
    kept = settings.window_geometry
    if not isinstance(kept, list) or len(kept) != 4:
        return False
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in kept):
        return False
    x, y, width, height = kept
    if width <= 0 or height <= 0:
        return False
    window.resize(width, height)
    grip = QRect(x, y, min(width, _GRIP), _GRIP)
    if any(screen.availableGeometry().intersects(grip) for screen in QGuiApplication.screens()):
        window.move(QPoint(x, y))
    if settings.window_maximized is True:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    return True


def save_splitter(splitter: QSplitter, name: str, settings: Settings) -> None:
    sizes = splitter.sizes()
    if any(sizes):  # a splitter never shown has no sizes worth keeping
        settings.splitter_sizes = {**_splitters(settings), name: sizes}


def remembered_sizes(settings: Settings, name: str, count: int) -> list[int] | None:
    """The sizes kept for splitter ``name`` if they fit one with ``count`` parts."""
    sizes = _splitters(settings).get(name)
    if not isinstance(sizes, list) or len(sizes) != count:
        return None
    if not all(isinstance(size, int) and size >= 0 for size in sizes) or not any(sizes):
        return None
    return list(sizes)


def remember_incident(settings: Settings, store_key: str, ref: str | None) -> None:
    kept = {key: value for key, value in _open_incidents(settings).items() if key != store_key}
    if ref:
        kept[store_key] = ref
    settings.open_incidents = kept


def remembered_incident(settings: Settings, store_key: str, refs: Sequence[str]) -> str | None:
    """The incident open when the window last closed on this store, if it still exists."""
    ref = _open_incidents(settings).get(store_key)
    return ref if isinstance(ref, str) and ref in refs else None


def _splitters(settings: Settings) -> dict[str, list[int]]:
    kept = settings.splitter_sizes
    return dict(kept) if isinstance(kept, dict) else {}


def _open_incidents(settings: Settings) -> dict[str, str]:
    kept = settings.open_incidents
    return dict(kept) if isinstance(kept, dict) else {}
