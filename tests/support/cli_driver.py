"""`commander` with the test webhook connector standing in for one kind (subprocess tests)."""

import sys

from commander.cli import main
from commander.connectors.base import override_connector
from tests.support.webhook import KIND, JsonWebhookConnector

if __name__ == "__main__":
    override_connector(KIND, JsonWebhookConnector())
    sys.exit(main(sys.argv[1:]))
