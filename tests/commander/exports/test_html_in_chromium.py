"""The exported HTML in a real browser: it renders, and nothing in it runs.

Needs a headless Chromium (``apt-get install chromium``); skipped, saying so, without one.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from commander.exports.render import export_incident
from tests.support.postmortem_sample import GENERATED_AT, build_sample

BROWSER = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-browser", "google-chrome")
        if shutil.which(name)
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no headless Chromium here (apt-get install chromium)"
)

# Each would change the page if it ran: the DOM Chromium dumps after load tells.
ATTACK = (
    "<img src=x onerror=\"document.title='PWNED'\">"
    "<script>document.body.innerHTML='PWNED'</script>"
    "<svg onload=\"document.title='PWNED'\"></svg>"
)


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, "--headless", "--disable-gpu", "--hide-scrollbars", *sandbox, *args],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=cwd,
        env={**os.environ, "HOME": str(cwd)},
    )


def test_chromium_renders_the_page_and_runs_nothing(sqlite_store, tmp_path: Path) -> None:
    ref = build_sample(
        sqlite_store,
        {"title": f"Outage {ATTACK}", "entry": f"Entry {ATTACK}", "section": f"Text {ATTACK}"},
    )
    page = tmp_path / "postmortem.html"
    page.write_bytes(export_incident(sqlite_store, ref, "html", GENERATED_AT))
    dom = chromium("--dump-dom", page.as_uri(), cwd=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Postmortem: INC-1: Outage" in dom.stdout
    assert "PWNED" not in dom.stdout.replace("document.title='PWNED'", "").replace(
        "document.body.innerHTML='PWNED'", ""
    )
    assert "<title>Postmortem: INC-1: Outage" in dom.stdout
    shot = tmp_path / "shot.png"
    result = chromium(
        f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri(), cwd=tmp_path
    )
    assert result.returncode == 0 and shot.exists()
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG header
    assert (width, height) == (1000, 1400)
