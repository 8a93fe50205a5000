"""Pieces every subcommand module shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from commander.errors import CommanderError

if TYPE_CHECKING:
    from commander.store.engine import Store

Handler = Callable[["Store", argparse.Namespace], int]


def argument_type(parse: Callable[[str], object]) -> Callable[[str], object]:
    """Adapt a domain parser so argparse reports its message as a usage error."""

    def convert(text: str) -> object:
        try:
            return parse(text)
        except CommanderError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def author_of(args: argparse.Namespace) -> str:
    """``--author`` when given, else the remembered name, else the OS user."""
    if getattr(args, "author", None):
        return str(args.author)
    from commander.settings import load_settings

    return load_settings().author_or_default()


def typed_time(text: str) -> datetime:
    """A time typed on the command line (``--at``): ``HH:MM`` on the clock the settings
    choose, as the window's bar reads it (``domain.when.typing_zone``)."""
    from commander.domain.when import parse_when, typing_zone
    from commander.settings import load_settings

    return parse_when(text, zone=typing_zone(load_settings().show_local_time))


TIME_TYPE = argument_type(typed_time)
"""The argparse type of every option that takes a time."""
