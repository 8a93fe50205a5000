"""A report from a user or customer: who reported, how it reached us, how to reach them back.

The quick-entry bar's form (``/report`` owns the rest of the line)::

    /report [reporter=]NAME [channel=CHANNEL] [contact=CONTACT]: TEXT

e.g. ``/report Ana Lima channel=support ticket contact=ana@example.com: checkout fails``.
Words before the first ``KEY=`` name the reporter; each value runs to the next
``KEY=``; the first ``:`` followed by a blank (or ending the line) starts the
report's text, so a contact such as ``https://…`` or ``tel:+49…`` keeps its colon.
Keys ignore case. The CLI passes the same fields as options.

The contact is personal data: it is stored in the entry's fact only, never in
its text, so the timeline, search and the shared exports show who reported and
through which channel but not how to reach them (see exports/json_doc.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commander.domain.limits import refuse_long_entry, refuse_nul
from commander.errors import InvalidInputError

REPORTER_MAX = 200
CHANNEL_MAX = 200
CONTACT_MAX = 320  # an e-mail address is at most 254; room for a phone with a note
COMMAND = "/report"
EXAMPLE = f"{COMMAND} Ana Lima channel=email contact=ana@example.com: checkout fails"

_FIELDS = ("reporter", "channel", "contact")
_LIMITS = {"reporter": REPORTER_MAX, "channel": CHANNEL_MAX, "contact": CONTACT_MAX}
# A word that names a field: letters, then "=" (an URL's "?a=b" is not one).
_KEYED = re.compile(r"^([A-Za-z]+)=(.*)$")
# Where the text begins: a colon followed by a blank or the end of the line.
_SEPARATOR = re.compile(r":(?=\s|$)")


@dataclass(frozen=True, slots=True)
class UserReport:
    """One report as recorded (``channel`` and ``contact`` may be empty)."""

    reporter: str
    text: str
    channel: str = ""
    contact: str = ""

    def describe(self) -> str:
        """The entry's text: who and how, then what they said (never the contact)."""
        return entry_prefix(self.reporter, self.channel) + self.text


def entry_prefix(reporter: str, channel: str) -> str:
    """What comes before the report's own words in its timeline entry."""
    via = f" via {channel}" if channel else ""
    return f"Reported by {reporter}{via}: "


def make_report(
    text: str, reporter: str, channel: str | None = None, contact: str | None = None
) -> UserReport:
    """A report with its fields checked and tidied, or a one-line reason why not."""
    return UserReport(
        check_reporter(reporter),
        check_text(text),
        check_channel(channel or ""),
        check_contact(contact or ""),
    )


def check_reporter(reporter: str) -> str:
    """Who reported it, on one line (inner blanks folded); required."""
    tidy = _one_line(reporter, "reporter")
    if not tidy:
        raise InvalidInputError("a user report needs its reporter: who reported it?")
    return tidy


def check_channel(channel: str) -> str:
    """How the report reached the team, on one line; may be empty."""
    return _one_line(channel, "channel")


def check_contact(contact: str) -> str:
    """How to reach the reporter back, on one line; may be empty."""
    return _one_line(contact, "contact")


def check_text(text: str) -> str:
    """What they reported, kept as written (several lines allowed), blanks around it aside."""
    refuse_nul(text, "the report")
    if not text.strip():
        raise InvalidInputError("a user report needs its text: what did they report?")
    return refuse_long_entry(text.strip())


def _one_line(value: str, name: str) -> str:
    refuse_nul(value, f"the {name}")
    tidy = " ".join(value.split())
    if len(tidy) > _LIMITS[name]:
        raise InvalidInputError(f"the {name} is longer than {_LIMITS[name]} characters")
    return tidy


def parse_report(args: str) -> UserReport:
    """Read what follows ``/report`` (grammar in the module docstring), or explain the shape."""
    found = _SEPARATOR.search(args)
    if found is None:
        raise InvalidInputError(f"{COMMAND} needs ': ' before what was reported, e.g. {EXAMPLE}")
    header, text = args[: found.start()], args[found.end() :]
    values: dict[str, list[str]] = {}
    field = "reporter"  # words before the first KEY= name the reporter
    for word in header.split():
        keyed = _KEYED.match(word)
        if keyed is None:
            values.setdefault(field, []).append(word)
            continue
        field, first = keyed.group(1).lower(), keyed.group(2)
        if field not in _FIELDS:
            known = ", ".join(f"{name}=" for name in _FIELDS)
            raise InvalidInputError(f"{COMMAND} knows {known}, not {keyed.group(1)}=")
        if field in values:
            raise InvalidInputError(f"{COMMAND}: the {field} is given twice")
        values[field] = [first] if first else []
    for name, words in values.items():
        if not words:
            raise InvalidInputError(f"{COMMAND}: {name}= needs a value, e.g. {EXAMPLE}")
    if "reporter" not in values:
        raise InvalidInputError(f"{COMMAND} needs who reported it, e.g. {EXAMPLE}")
    joined = {name: " ".join(words) for name, words in values.items()}
    return make_report(text, **joined)


def report_line(report: UserReport) -> str | None:
    """The ``/report`` line that reads back as ``report``, or None if no line can say it
    (a text of several lines, a field the grammar would split differently)."""
    if "\n" in report.text or "\r" in report.text:
        return None
    rest = [f"channel={report.channel}"] * bool(report.channel)
    rest += [f"contact={report.contact}"] * bool(report.contact)
    # The bare name reads best; "reporter=" keeps a name that starts like a KEY= word.
    for reporter in (report.reporter, f"reporter={report.reporter}"):
        line = " ".join([COMMAND, reporter, *rest]) + ": " + report.text
        try:
            if parse_report(line.split(None, 1)[1]) == report:
                return line
        except InvalidInputError:
            continue
    return None
