"""Subcommand groups that features add to the CLI.

Each module listed in ``commander.cli.FEATURE_COMMANDS`` defines
``register(sub) -> dict[str, Handler]``: it adds its subparsers to ``sub`` and
returns the handler for each subcommand name. Modules keep heavy imports inside
their handlers, like ``commander.cli`` does.
"""
