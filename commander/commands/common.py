"""Pieces every subcommand module shares."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from commander.errors import CommanderError
from commander.terminal_text import block, one_line

if TYPE_CHECKING:
    from commander.store.engine import Store
    from commander.views.incidents import EntryView

Handler = Callable[["Store", argparse.Namespace], int]


class CommandParser(argparse.ArgumentParser):
    """The CLI's parser (its subcommands' too): an argument that is not valid text is a
    usage error naming it, wherever no ``type`` says otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("type", None, valid_text)

    def add_subparsers(self, **kwargs: Any) -> Any:
        subcommands = super().add_subparsers(**kwargs)
        # Everything after the subcommand's name passes through this action; the
        # subcommand's own parser checks (and names) each of its arguments.
        subcommands.type = str
        return subcommands


def valid_text(text: str) -> str:
    """``text`` as given, unless it holds bytes that are not UTF-8.

    Python hands such bytes over as lone surrogates, which no store, file or terminal
    can take: refused here, before they fail deep inside with an encoding error.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "not valid text (it holds bytes that are not UTF-8)"
        ) from None
    return text


def argument_type(parse: Callable[[str], object]) -> Callable[[str], object]:
    """Adapt a domain parser so argparse reports its message as a usage error."""

    def convert(text: str) -> object:
        valid_text(text)
        try:
            return parse(text)
        except CommanderError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def add_at_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--at TIME``: when ``what`` happened, for a scribe backfilling an incident after
    the fact (default: now). Read like every other time option; ``domain.backdating``
    says how far back a severity, phase or role change may go."""
    from commander.domain.when import HELP

    parser.add_argument(
        "--at",
        type=TIME_TYPE,
        metavar="TIME",
        help=f"when {what} (default now): {HELP}",
    )


def author_of(args: argparse.Namespace) -> str:
    """``--author`` when given, else the remembered name, else $COMMANDER_AUTHOR, else the
    OS user (``Settings.author_or_default``)."""
    if getattr(args, "author", None):
        return str(args.author)
    from commander.settings import load_settings

    return load_settings().author_or_default()


def say(line: str = "") -> None:
    """One line of human output; control characters in the stored text it quotes
    are shown escaped (``commander.terminal_text``), so a row stays one row."""
    sys.stdout.write(one_line(line) + "\n")


def entry_line(entry: EntryView) -> str:
    """One timeline entry as ``show`` and ``tail`` print it (``say`` escapes its text)."""
    pin = "*" if entry.pinned else " "
    return f"{pin} {entry.occurred_at:%H:%M:%SZ}  {entry.author:<12} {entry.kind:<11} {entry.text}"


def say_block(text: str, indent: str = "") -> None:
    """A multi-line text (a summary, a drafted runbook) as it is, line breaks and tabs
    kept and every other control character escaped, each line after ``indent``."""
    shown = textwrap.indent(block(text), indent)
    sys.stdout.write(shown if shown.endswith("\n") else shown + "\n")


def warn(message: str) -> None:
    """A warning on stderr, one line whatever the text it quotes."""
    sys.stderr.write(f"commander: warning: {one_line(message)}\n")


def typed_time(text: str) -> datetime:
    """A time typed on the command line (``--at``): ``HH:MM`` on the clock the settings
    choose, as the window's bar reads it (``domain.when.typing_zone``)."""
    from commander.domain.when import parse_when, typing_zone
    from commander.settings import load_settings

    return parse_when(text, zone=typing_zone(load_settings().show_local_time))


TIME_TYPE = argument_type(typed_time)
"""The argparse type of every option that takes a time."""
