"""``KEY=VALUE`` pairs as people type them: a CLI ``--option``, the lines of a
target's options, the comma-separated component statuses of an update."""

from __future__ import annotations

from commander.errors import InvalidInputError


def parse_pair(text: str, form: str = "KEY=VALUE") -> tuple[str, str]:
    """Key and value, both stripped; the value may be empty, the key may not.

    Only the first ``=`` splits, so a value may hold one (a URL's query).
    """
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise InvalidInputError(f"{text.strip()!r} is not {form}")
    return key.strip(), value.strip()


def parse_pairs(text: str, separator: str, form: str = "KEY=VALUE") -> dict[str, str]:
    """Pairs split at ``separator`` (a newline, a comma); blank parts are skipped and a
    key given twice keeps its last value. An error names the line or item at fault."""
    place = "line" if separator == "\n" else "item"
    pairs: dict[str, str] = {}
    for number, part in enumerate(text.split(separator), start=1):
        if not part.strip():
            continue
        try:
            key, value = parse_pair(part, form)
        except InvalidInputError as error:
            raise InvalidInputError(f"{place} {number}: {error}") from None
        pairs[key] = value
    return pairs
