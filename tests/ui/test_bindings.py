"""The Qt bindings must not corrupt reference counts the app depends on."""

import sys

import pytest
from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683)"
)
def test_calls_returning_nothing_keep_none_alive(qtbot) -> None:
    # PySide6 6.12.0 lost one reference to None per call like setText: a window
    # kept open through an outage aborted after some tens of thousands of calls.
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1_000):
        label.setText("x")
    assert sys.getrefcount(None) - before > -100
