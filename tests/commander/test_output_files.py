"""Writing an output file: never onto a database, never half written."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from commander.errors import CommanderError, InvalidInputError
from commander.output_files import write_output


def test_a_new_file_is_written_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    write_output(target, b"a,b\n")
    assert target.read_bytes() == b"a,b\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_symlink_to_the_store_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "incidents.sqlite"
    store.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    link = tmp_path / "looks-harmless.md"
    link.symlink_to(store)
    with pytest.raises(InvalidInputError, match="open store"):
        write_output(link, b"# export", store_file=store)
    assert store.read_bytes().startswith(b"SQLite format 3\x00")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="is a folder"):
        write_output(tmp_path, b"x")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_bytes(b"the old export")

    def fail(_source: object, _target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CommanderError, match="No space left on device"):
        write_output(target, b"the new export")
    assert target.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_an_interrupted_write_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"

    def interrupt(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_output(target, b"half")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_stays_a_link_and_its_file_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "exports" / "latest.md"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    write_output(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    # Renaming over a device or a pipe replaces the node itself: -o /dev/null once
    # left a regular file in /dev.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"streamed")
    reader.join(timeout=10)
    assert received == [b"streamed"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
