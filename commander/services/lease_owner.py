"""Who holds an outbox lease: the one name the outbox and the window's runner give it.

Kept apart from services/outbox.py so the window can name its runner without
loading the outbox, its connectors and SQLAlchemy on the UI thread.
"""

from __future__ import annotations

import os
import socket
import uuid


def worker_id() -> str:
    """Unique per worker: host, process and a random part (threads share a process)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
