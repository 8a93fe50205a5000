"""Writing what a command produces (an export, a CSV) to a file the user named.

Two promises: no output overwrites a database (the store that is open, its
``-wal``/``-shm``/``-journal`` files, or any SQLite file: ``export -o s.sqlite``
once replaced the store with Markdown), and an interrupted write never leaves
half a file (the bytes go to a temporary file beside the target, which is then
renamed over it in one step). A device or a pipe is written into as it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from commander.errors import CommanderError, InvalidInputError

SQLITE_HEADER = b"SQLite format 3\x00"
# The files SQLite keeps beside a database while it is open or recovering.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _read_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# Read once, at import: os.umask can only be read by setting it, which is not thread-safe.
_NEW_FILE_MODE = 0o666 & ~_read_umask()


def write_output(path: Path, data: bytes, store_file: Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically, refusing to replace a database.

    ``store_file`` is the open store's SQLite file, when it has one.
    """
    named = path.expanduser()
    refuse_database_target(named, store_file)
    # The file a symlink points at is the one replaced; the link stays a link.
    target = named.resolve()
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/stdout, /dev/null, a FIFO) is written into as it is:
        # renaming a file over it would replace the device node itself.
        _write_in_place(target, data)
        return
    folder = target.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise CommanderError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CommanderError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:  # Ctrl-C included: the target is untouched, the temporary gone
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_in_place(target: Path, data: bytes) -> None:
    try:
        with target.open("wb") as out:
            out.write(data)
    except OSError as exc:
        raise CommanderError(f"cannot write {target}: {exc.strerror}") from None


def refuse_database_target(path: Path, store_file: Path | None = None) -> None:
    """Raise ``InvalidInputError`` if writing to ``path`` would destroy a database."""
    resolved = path.resolve()
    if store_file is not None:
        store = store_file.resolve()
        for suffix in _COMPANIONS:
            if resolved == Path(f"{store}{suffix}"):
                what = f"the open incident store's {suffix} file" if suffix else "the open store"
                raise InvalidInputError(
                    f"{path} is {what}: not overwritten; choose another output file"
                )
    if resolved.is_dir():
        raise InvalidInputError(f"{path} is a folder: name a file to write")
    if _is_sqlite_file(resolved):
        raise InvalidInputError(
            f"{path} is a SQLite database: not overwritten; choose another output file"
        )


def _is_sqlite_file(path: Path) -> bool:
    if not path.is_file():  # opening a pipe to read its header would wait for a writer
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return False  # unreadable: the write itself will say why


def _mode_for(target: Path) -> int:
    """Keep a replaced file's permissions; a new file gets the usual 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return _NEW_FILE_MODE
