"""Telling a full disk from a damaged database.

SQLite reports a write refused for lack of space as SQLITE_FULL. When what cannot
grow is its shared-memory index or a memory-mapped page (the ``-shm`` file, which
even a read needs in WAL mode), it says "disk I/O error" (SQLITE_IOERR_*) instead,
as it does for a failing disk: those are told apart by asking the file system how
much room is left. PostgreSQL says so itself (SQLSTATE 53100). Either way the
message names the store and what to do, instead of "damaged or not a database".
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

# Below this much free space a file system counts as full: writing anything takes
# SQLite a page or more, WAL frames and a 32 KiB shared-memory index.
NEARLY_FULL = 1 << 20
_NO_SPACE = {errno.ENOSPC} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_POSTGRES_DISK_FULL = "53100"


def disk_full_message(location: str) -> str:
    return f"disk full at {location}: free some space, then try again"


def is_disk_full(error: BaseException, sqlite_file: Path | None = None) -> bool:
    """Whether ``error`` (a driver error, SQLAlchemy's wrapper of one, or an OSError)
    came from a full disk; ``sqlite_file`` lets a vague I/O error be checked."""
    cause = getattr(error, "orig", None) or error  # SQLAlchemy's DBAPIError wraps the driver's
    if isinstance(cause, OSError):
        return cause.errno in _NO_SPACE
    if getattr(cause, "sqlstate", None) == _POSTGRES_DISK_FULL:
        return True
    if not isinstance(cause, sqlite3.Error):
        return False
    code = getattr(cause, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    if code == sqlite3.SQLITE_FULL:
        return True
    return code == sqlite3.SQLITE_IOERR and sqlite_file is not None and no_room(sqlite_file.parent)


def no_room(folder: Path) -> bool:
    """True when the file system holding ``folder`` has (next to) no space or no inode left."""
    try:
        if shutil.disk_usage(folder).free < NEARLY_FULL:
            return True
        if hasattr(os, "statvfs"):
            stats = os.statvfs(folder)
            # f_files is 0 where a file system does not count inodes (btrfs).
            return stats.f_files > 0 and stats.f_favail == 0
    except OSError:
        return False
    return False
