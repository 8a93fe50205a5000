"""The composer with the real connectors: one preview tab per target kind, showing
exactly what that connector renders of the text its audience gets, with its length
warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from commander.connectors.base import KINDS, Target, connector_for
from commander.domain import Severity
from commander.domain.audiences import Audience, audience_of_target, text_for
from commander.store.engine import Store
from tests.support.feature_rig import Rig, rig  # noqa: F401
from ui import comms
from ui.comms.feature import CommsFeature

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

OPTIONS = {
    "statuspage": {"page_id": "page1"},
    "slack": {"channel": "C0INCIDENT"},
    "matrix": {"room_id": "!incidents:localhost"},
    "email": {"host": "127.0.0.1", "from": "ic@example.com", "to": "ops@example.com"},
}
BASE_URLS = {"cachet": "https://status.example.com", "matrix": "https://matrix.example.com"}
LONG_BODY = "**Status:** Investigating\n\n" + "\n".join(
    f"- 10:{i % 60:02d} step {i}: " + "rolled back the checkout service again " * 4
    for i in range(400)
)


def _add_every_kind(store: Store) -> list[Target]:
    from commander.services.targets import save_target

    return [
        Target(v.name, v.kind, v.base_url, dict(v.options), v.audience)
        for v in (
            save_target(store, kind, kind, BASE_URLS.get(kind), OPTIONS.get(kind, {}))
            for kind in KINDS
        )
    ]


def _tab(dialog: Any, index: int) -> tuple[str, str, str]:
    """Title, preview text and warning text of one preview tab."""
    page: QWidget = dialog.previews.widget(index)
    warning = page.findChild(QLabel, "previewWarning")
    text = page.findChild(QPlainTextEdit)
    assert text is not None
    return (
        dialog.previews.tabText(index),
        text.toPlainText(),
        warning.text() if warning is not None else "",
    )


def _expected(dialog: Any, targets: list[Target]) -> dict[str, tuple[str, tuple[str, ...]]]:
    texts = dialog.current_messages()
    rendered = {}
    for target in targets:
        audience = text_for(audience_of_target(target.kind, target.audience), texts)
        assert audience is not None
        rendered[target.name] = connector_for(target.kind).render(texts[audience], target)
    return {name: (r.preview, r.warnings) for name, r in rendered.items()}


def _shown(dialog: Any) -> dict[str, tuple[str, str, str]]:
    """By target name: the tab's title ("name · readers", ⚠ when warned), text, warning."""
    tabs = [_tab(dialog, i) for i in range(dialog.previews.count())]
    return {title.split(" · ")[0]: (title, text, warning) for title, text, warning in tabs}


def _matches(dialog: Any, targets: list[Target]) -> bool:
    shown, expected = _shown(dialog), _expected(dialog, targets)
    if set(shown) != set(expected):
        return False
    for name, (preview, warnings) in expected.items():
        title, text, warning = shown[name]
        if text != preview or warning != "\n".join(f"⚠ {w}" for w in warnings):
            return False
        if title.endswith(" ⚠") != bool(warnings):
            return False
    return True


def test_every_kind_previews_its_real_render_and_warns_when_too_long(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    tmp_path: Path,
) -> None:
    from commander.services.incidents import declare_incident

    targets = _add_every_kind(rig.store)
    rig.install(comms.install)
    feature = rig.context.findChild(CommsFeature)
    assert feature is not None
    rig.open_incident(
        declare_incident(
            rig.store, "Checkout errors", Severity.P1, "ana", summary="Card payments fail"
        ).ref
    )
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.previews.count() == len(KINDS), timeout=10_000)
    qtbot.waitUntil(lambda: _matches(dialog, targets), timeout=10_000)
    assert not any(warning for _t, _p, warning in _shown(dialog).values())
    assert "Card payments fail" in _shown(dialog)["discord"][1]

    # The status pages show the customers' text, the others the responders'.
    assert _shown(dialog)["statuspage"][0] == "statuspage · customers"
    assert _shown(dialog)["discord"][0] == "discord · responders"

    # The person writes a long update by hand, for each audience: the previews follow it.
    dialog.editor(Audience.PUBLIC).body_edit.setPlainText(LONG_BODY)
    dialog.body_edit.setPlainText(LONG_BODY)
    qtbot.waitUntil(lambda: "⚠" in _shown(dialog)["discord"][0], timeout=10_000)
    qtbot.waitUntil(lambda: _matches(dialog, targets), timeout=10_000)
    shown = _shown(dialog)
    assert "2,000 characters (Discord limit)" in shown["discord"][2]
    assert len(shown["discord"][1]) <= 2000
    for kind in ("statuspage", "slack", "slack-webhook", "teams", "mattermost", "matrix"):
        assert shown[kind][2].startswith("⚠"), kind
    dialog.grab().save(str(tmp_path / "composer_previews.png"))

    # And a headline edited by hand reaches the previews too.
    dialog.headline_edit.setText("[INCIDENT] Checkout errors: card payments")
    dialog.headline_edit.textEdited.emit(dialog.headline_edit.text())
    qtbot.waitUntil(
        lambda: _shown(dialog)["discord"][1].startswith("[INCIDENT] Checkout errors: card"),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: _matches(dialog, targets), timeout=10_000)
