"""The comms dialogs read KEY=VALUE text with the core's one reader."""

from __future__ import annotations

import pytest

from commander.errors import CommanderError
from ui.comms.composer import parse_components
from ui.comms.targets_dialog import parse_options


def test_the_window_dialogs_read_pairs_with_it() -> None:
    assert parse_components("Checkout=major_outage") == {"Checkout": "major_outage"}
    assert parse_options("channel=#ops") == {"channel": "#ops"}
    with pytest.raises(CommanderError, match=r"^options, line 1: 'x' is not KEY=VALUE$"):
        parse_options("x")
    with pytest.raises(CommanderError, match=r"^components, item 1: 'x' is not name=status$"):
        parse_components("x")
