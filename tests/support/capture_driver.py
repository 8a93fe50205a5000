"""`commander` whose slack targets read the chat a test writes in a JSON file
(``COMMANDER_TEST_CHAT_FILE``; tests/support/chat_source.py), for subprocess tests."""

import os

from commander.capture.sources import override_source
from commander.cli import main
from tests.support.chat_source import FileChatSource

if __name__ == "__main__":
    override_source("slack", FileChatSource(os.environ["COMMANDER_TEST_CHAT_FILE"]))  # type: ignore[arg-type]
    raise SystemExit(main())
