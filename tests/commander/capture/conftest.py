from tests.support.contracts.fixtures import slack_capture_server  # noqa: F401
