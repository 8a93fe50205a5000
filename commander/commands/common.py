"""Pieces every subcommand module shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from commander.errors import CommanderError

if TYPE_CHECKING:
    from commander.store.engine import Store

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


def author_of(args: argparse.Namespace) -> str:
    """``--author`` when given, else the remembered name, else the OS user."""
    if getattr(args, "author", None):
        return str(args.author)
    from commander.settings import load_settings

    return load_settings().author_or_default()
