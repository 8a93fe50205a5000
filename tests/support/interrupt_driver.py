"""``commander`` run the way its console script runs it, telling the test when it may
press Ctrl-C: once the entry point has taken over SIGINT (commander/interrupts.py),
one byte goes to the descriptor named by READY_FD. What comes before, the
interpreter's own start-up, is Python's and not the app's.

``sys.argv[1]`` picks the entry point: ``launcher`` (the ``commander`` script) or
``cli`` (``commander.cli.main``, what ``python -m commander`` reaches). With
EXITING_FD set, a byte goes there from the last atexit hook, which then lingers
for a moment: a Ctrl-C can be sent while the interpreter shuts down. For
``deliver``, the test webhook connector stands in for one kind, as in cli_driver.py.
"""

import atexit
import os
import sys
import time
from collections.abc import Callable

from commander import interrupts
from tests.support.cli import EXITING_FD, READY_FD

LINGER = 0.5  # seconds the last atexit hook waits after telling the test


def _announce(variable: str) -> None:
    descriptor = int(os.environ[variable])
    os.write(descriptor, b"!")
    os.close(descriptor)


def _announcing(install: Callable[[str], bool]) -> Callable[[str], bool]:
    def install_then_announce(prog: str) -> bool:
        installed = install(prog)
        _announce(READY_FD)
        return installed

    return install_then_announce


def _linger_at_exit() -> None:
    _announce(EXITING_FD)
    time.sleep(LINGER)


def _use_the_webhook_double() -> None:
    from commander.connectors.base import override_connector
    from tests.support.webhook import KIND, JsonWebhookConnector

    override_connector(KIND, JsonWebhookConnector())


if __name__ == "__main__":
    if "deliver" in sys.argv:  # only the outbox needs it; the rest start faster without
        _use_the_webhook_double()
    interrupts.install = _announcing(interrupts.install)
    if EXITING_FD in os.environ:
        atexit.register(_linger_at_exit)  # registered first, so it runs last
    entry = sys.argv.pop(1)
    if entry == "launcher":
        from ui.launcher import main
    else:
        from commander.cli import main
    sys.exit(main())
