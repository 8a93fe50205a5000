"""A real Matrix Synapse homeserver on 127.0.0.1 for the Matrix connector tests.

Synapse lives in its own venv (``scripts/synapse.sh install``, about 40 s the first
time, cached under ~/.cache). The homeserver gets a fresh folder, SQLite, a free
port, no federation and relaxed rate limits; a bot user is registered with the
shared secret, logs in and creates a room. Anything that fails becomes a skip
with the reason, never a silent pass.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "synapse.sh"
PASSWORD = "correct horse battery staple"

# Run with the Synapse venv's Python: load the generated config, make it local and fast.
_CONFIGURE = """
import sys, yaml
path, port = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    config = yaml.safe_load(f)
config["listeners"] = [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http",
    "tls": False, "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}]
config["trusted_key_servers"] = []
config["suppress_key_server_warning"] = True
config["report_stats"] = False
fast = {"per_second": 1000, "burst_count": 1000}
for key in ("rc_message", "rc_registration", "rc_joins", "rc_invites", "rc_3pid_validation",
        "rc_room_creation", "rc_media_create"):
    config[key] = fast
config["rc_login"] = {"address": fast, "account": fast, "failed_attempts": fast}
# A repeated /sync (same token and filter) is answered from a 2-minute cache by default:
# an older but consistent answer. Off, so a test's first pass reads the room as it is.
config["caches"] = {"sync_response_cache_duration": 0}
with open(path, "w") as f:
    yaml.safe_dump(config, f)
"""


@dataclass(frozen=True)
class Homeserver:
    url: str
    access_token: str
    room_id: str
    room_alias: str
    config: Path
    python: str

    def register(self, user: str) -> str:
        """A new (non-admin) user ``user``: its access token."""
        register = str(Path(self.python).parent / "register_new_matrix_user")
        args = ["-c", str(self.config), "-u", user, "-p", PASSWORD, "--no-admin", self.url]
        _run([register, *args], f"registering {user}", 60)
        return _login(self.url, user)


def _login(url: str, user: str) -> str:
    login = requests.post(
        f"{url}/_matrix/client/v3/login",
        json={
            "type": "m.login.password",
            "password": PASSWORD,
            "identifier": {"type": "m.id.user", "user": user},
        },
        timeout=30,
    )
    login.raise_for_status()
    return str(login.json()["access_token"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], what: str, timeout: float, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Matrix Synapse: {what} failed: {exc}")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        pytest.skip(f"Matrix Synapse: {what} failed (exit {done.returncode}): {' | '.join(tail)}")


def _python() -> str:
    python = subprocess.run(
        ["bash", str(SCRIPT), "path"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not python or not Path(python).exists():
        _run(["bash", str(SCRIPT), "install"], "installing matrix-synapse from PyPI", 600)
    return python


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            pytest.skip(
                f"Matrix Synapse exited at start ({process.returncode}): {' | '.join(tail)}"
            )
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.skip("Matrix Synapse did not become healthy within 90 s")


def start_homeserver(folder: Path) -> Iterator[Homeserver]:
    python = _python()
    config = folder / "homeserver.yaml"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    _run(
        [
            python,
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            "localhost",
            "--config-path",
            str(config),
            "--data-directory",
            str(folder),
            "--generate-config",
            "--report-stats=no",
        ],
        "generating a config",
        120,
        cwd=folder,
    )
    _run([python, "-c", _CONFIGURE, str(config), str(port)], "adjusting the config", 60)
    log = folder / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [python, "-m", "synapse.app.homeserver", "--config-path", str(config)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, process, log)
        register = str(Path(python).parent / "register_new_matrix_user")
        _run(
            [register, "-c", str(config), "-u", "commander", "-p", PASSWORD, "--no-admin", url],
            "registering the bot user",
            60,
        )
        token = _login(url, "commander")
        with requests.Session() as session:
            room = session.post(
                f"{url}/_matrix/client/v3/createRoom",
                json={"name": "incidents", "room_alias_name": "incidents"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            room.raise_for_status()
        yield Homeserver(
            url=url,
            access_token=token,
            room_id=room.json()["room_id"],
            room_alias="#incidents:localhost",
            config=config,
            python=python,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
