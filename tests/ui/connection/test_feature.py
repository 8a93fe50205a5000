"""View → Team database…: the saved connection through the window, its password in the
keyring and never in the settings, a bad one refused in the dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commander.settings import load_settings, settings_path
from commander.store import connection
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.secret_stores import MemoryKeyring, memory_keyring
from ui import connection as connection_feature
from ui.connection.feature import MENU, SAVED_STATUS, ConnectionFeature

pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise"
)
PASSWORD = "Window-Typed-Password-7"


@pytest.fixture
def keyring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture
def feature(rig: Rig) -> ConnectionFeature:  # noqa: F811
    rig.install(connection_feature.install)
    installed = rig.context.findChild(ConnectionFeature)
    assert installed is not None
    return installed


def _open(qtbot: Any, rig: Rig, feature: ConnectionFeature) -> Any:  # noqa: F811
    feature.dialog = None
    rig.shell.action("Team database…").trigger()
    qtbot.waitUntil(lambda: feature.dialog is not None and feature.dialog.isVisible())
    return feature.dialog


def test_a_typed_server_is_saved_with_its_password_in_the_keyring(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: ConnectionFeature,
    keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    assert [a.text() for a in rig.shell.actions[MENU]] == ["Team &database…"]
    ca = tmp_path / "ca.pem"
    ca.write_text("a CA")
    dialog = _open(qtbot, rig, feature)
    dialog.host.setText("db.example.net")
    dialog.database.setText("incidents")
    dialog.user.setText("scribe")
    dialog.password.setText(PASSWORD)
    dialog.sslmode.setCurrentText("verify-full")
    dialog.save_requested.emit()  # verify-full without its CA file
    assert "needs the CA file" in dialog.problem.text() and dialog.isVisible()
    dialog.ca_file.setText(str(ca))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert rig.shell.status[-1] == SAVED_STATUS
    saved = connection.saved()
    assert saved == connection.SavedConnection(
        "db.example.net", "incidents", "scribe", 5432, "verify-full", str(ca)
    )
    assert PASSWORD not in settings_path().read_text()
    assert list(keyring.passwords.values()) == [PASSWORD]
    # Opened again, the kept password stays when the field is left empty.
    again = _open(qtbot, rig, feature)
    assert again.host.text() == "db.example.net" and again.password.placeholderText() == "(kept)"
    again.port.setValue(6432)
    again.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not again.isVisible())
    assert load_settings().connection["port"] == 6432
    assert list(keyring.passwords.values()) == [PASSWORD]


def test_forgetting_removes_the_server_and_its_password(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: ConnectionFeature,
    keyring: MemoryKeyring,
) -> None:
    saved, _ = connection.from_url("postgresql://scribe@db.example.net/incidents")
    connection.save(saved, PASSWORD)
    rig.context.settings.connection = connection.to_settings(saved, True)
    dialog = _open(qtbot, rig, feature)
    dialog.forget.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert keyring.passwords == {} and connection.saved() is None
