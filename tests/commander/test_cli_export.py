"""``commander export`` in every format, through a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import cli_ok, run_cli

GENERATED = "2026-11-25T12:00Z"


# Bytes out, and no display: the PDF path must set offscreen itself.
_EXPORTING: dict[str, Any] = {
    "binary": True,
    "timeout": 120,
    "env": {"COMMANDER_AUTHOR": "ana", "DISPLAY": None, "QT_QPA_PLATFORM": None},
}
commander = partial(run_cli, **_EXPORTING)
ok = partial(cli_ok, **_EXPORTING)


@pytest.fixture
def stuck_queue(db_path: Path) -> str:
    ref = ok("declare", "Queue <b>stuck</b>", "--severity", "P1", db=db_path).decode().strip()
    ok("log", ref, "drained the queue", "--kind", "action", db=db_path)
    return ref


def test_each_format_is_byte_identical_run_to_run(
    db_path: Path, tmp_path: Path, stuck_queue: str
) -> None:
    for fmt in ("md", "html", "json", "pdf"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for out in (first, second):
            ok(
                "export",
                stuck_queue,
                "--format",
                fmt,
                "-o",
                str(out),
                "--generated-at",
                GENERATED,
                db=db_path,
            )
        assert first.read_bytes() == second.read_bytes(), fmt
        assert len(first.read_bytes()) > 500
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF-")


def test_stdout_is_the_file(db_path: Path, tmp_path: Path, stuck_queue: str) -> None:
    out = tmp_path / "x.md"
    ok(
        "export",
        stuck_queue,
        "--format",
        "md",
        "-o",
        str(out),
        "--generated-at",
        GENERATED,
        db=db_path,
    )
    stdout = ok("export", stuck_queue, "--format", "md", "--generated-at", GENERATED, db=db_path)
    assert stdout == out.read_bytes()
    assert b"drained the queue" in stdout and b"Queue \\<b\\>stuck\\</b\\>" in stdout


def test_json_keeps_the_show_keys(db_path: Path, stuck_queue: str) -> None:
    exported = json.loads(ok("export", stuck_queue, "--format", "json", db=db_path))
    shown = json.loads(ok("show", stuck_queue, "--json", db=db_path))
    assert {key: exported[key] for key in shown} == shown
    assert {"postmortem", "action_items", "audit", "generated_at"} <= exported.keys()


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)
def test_pdf_text(db_path: Path, tmp_path: Path, stuck_queue: str) -> None:
    out = tmp_path / "x.pdf"
    ok("export", stuck_queue, "--format", "pdf", "-o", str(out), db=db_path)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
    assert "Queue <b>stuck</b>" in text.stdout and "drained the queue" in text.stdout


def test_bad_format_and_time_are_usage_errors(db_path: Path, stuck_queue: str) -> None:
    assert commander("export", stuck_queue, "--format", "docx", db=db_path).returncode == 2
    bad_time = commander("export", stuck_queue, "--generated-at", "soon", db=db_path)
    assert bad_time.returncode == 2 and b"Traceback" not in bad_time.stderr
    missing = commander("export", "INC-99", "--format", "md", db=db_path)
    assert (missing.returncode, missing.stderr) == (1, b"commander: no incident INC-99\n")


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_never_writes_onto_the_open_store(
    db_path: Path, stuck_queue: str, suffix: str
) -> None:
    target = Path(f"{db_path}{suffix}")
    before = target.read_bytes() if target.exists() else None
    result = commander("export", stuck_queue, "--format", "md", "-o", str(target), db=db_path)
    assert result.returncode == 1
    assert b"not overwritten" in result.stderr and b"Traceback" not in result.stderr
    after = target.read_bytes() if target.exists() else None
    assert after == before
    ok("show", stuck_queue, db=db_path)  # the store still opens and holds the incident


def test_export_and_report_csv_refuse_any_sqlite_file(
    db_path: Path, tmp_path: Path, stuck_queue: str
) -> None:
    other = tmp_path / "other.sqlite"
    ok("declare", "Elsewhere", "--severity", "P3", db=other)
    before = other.read_bytes()
    exported = commander("export", stuck_queue, "--format", "md", "-o", str(other), db=db_path)
    reported = commander("report", "--csv", str(other), db=db_path)
    assert (exported.returncode, reported.returncode) == (1, 1)
    assert b"is a SQLite database" in exported.stderr and b"is a SQLite database" in reported.stderr
    assert other.read_bytes() == before


def test_an_export_replaces_a_file_whole_and_keeps_its_mode(
    db_path: Path, tmp_path: Path, stuck_queue: str
) -> None:
    target = tmp_path / "out.md"
    target.write_text("old content that is much longer than nothing\n" * 100)
    target.chmod(0o640)
    ok("export", stuck_queue, "--format", "md", "-o", str(target), db=db_path)
    assert target.read_bytes().startswith(b"# ")
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.md.")] == []
