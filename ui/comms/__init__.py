"""The comms feature in the window: composer, messages panel, targets, outbox runner, cadence."""
