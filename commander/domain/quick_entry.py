"""What the scribe types into the quick-entry bar, read into one of three intents.

Grammar (tokens are separated by whitespace; command names ignore case)::

    line   := [time] ( sev | phase | entry )
    time   := HH:MM | HH:MM:SS | -5m | -1h30m | -90s | ISO 8601 (2026-11-27T10:05Z)
    sev    := ("/sev" | "/severity") SEVERITY [reason ...]   -> SeverityChange
    phase  := "/phase" PHASE                                 -> PhaseChange
    deploy := ("/rollback" | "/hotfix") [WHAT] [FROM] -> TO [note ...]
            | ("/rollback" | "/hotfix") [to] TO [note ...]   -> DeployEntry
    report := "/report" [reporter=]NAME [channel=C] [contact=X] ": " TEXT
                                                             -> UserReportEntry
    entry  := {flag} text {flag}                             -> LogEntry
    flag   := "/note" | "/action" | "/decision" | "/observation" | "/hypothesis" | "/pin"

- Only the first token can be a time. One that looks like an attempt at a time
  (``-5x``, ``10:99``, ``2026-11-27T…``) but does not parse is an error, not
  text; ``-`` or ``500`` are plain text. Text that really starts like a time
  can be logged by putting ``/note`` first.
- ``/sev`` and ``/phase`` come first (after the time) and own the rest of the
  line: ``/sev`` takes P0-P4 and an optional free-text reason, ``/phase``
  exactly one phase name (detect, triage, mitigate, resolve, postmortem).
- ``/rollback`` and ``/hotfix`` also come first and own the rest of the line
  (grammar in ``commander.domain.deploys``); a time prefix backdates them.
  It cannot backdate ``/sev`` or ``/phase``: ``refuse_backdated_change`` says so.
- ``/report`` also comes first and owns the rest of the line (grammar in
  ``commander.domain.user_reports``); a time prefix backdates it.
- Flags may lead and/or trail the text, in any order; at most one kind
  (default ``note``), ``/pin`` pins the entry.
- A leading ``/word`` that is not a command is an error; ``//word`` logs
  ``/word``. A ``/word`` inside the text, or an unknown one at its end, is text.
- The text is stripped of surrounding whitespace and otherwise kept verbatim; text
  over ``limits.ENTRY_TEXT_MAX`` is refused whole (never cut).

Errors are ``InvalidInputError`` with a one-line message a UI can show inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TypeAlias

from commander.domain.deploys import DeployChange, DeployKind, parse_change
from commander.domain.entry_facts import EntryFact, HotfixDeployed, RolledBack, UserReported
from commander.domain.kinds import USER_KINDS, EntryKind
from commander.domain.limits import refuse_long_entry
from commander.domain.phase import Phase
from commander.domain.severity import Severity
from commander.domain.user_reports import UserReport, parse_report, report_line
from commander.domain.when import parse_when
from commander.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class LogEntry:
    text: str
    kind: EntryKind
    pinned: bool
    occurred_at: datetime | None  # None: it happened now, not backdated


@dataclass(frozen=True, slots=True)
class SeverityChange:
    severity: Severity
    reason: str
    occurred_at: datetime | None


@dataclass(frozen=True, slots=True)
class PhaseChange:
    phase: Phase
    occurred_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeployEntry:
    change: DeployChange
    occurred_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserReportEntry:
    report: UserReport
    occurred_at: datetime | None


QuickEntry: TypeAlias = LogEntry | SeverityChange | PhaseChange | DeployEntry | UserReportEntry

# Loose on purpose: anything that starts like a time is meant as one, so a typo
# gets a hint instead of silently becoming the text of a note.
_TIME_ATTEMPT = re.compile(r"-\d|\d{1,2}:\d|\d{4}-\d{2}-\d{2}[Tt]")

_KINDS = {f"/{kind.value}": kind for kind in USER_KINDS}
_PIN = "/pin"
_SEV = ("/sev", "/severity")
_PHASE = "/phase"
_DEPLOYS = {f"/{kind.value}": kind for kind in DeployKind}
_REPORT = "/report"
COMMANDS: tuple[str, ...] = (*_KINDS, _PIN, "/sev", _PHASE, *_DEPLOYS, _REPORT)
"""Every command the bar understands, in the order a completer should offer them."""

_SEVERITIES = ", ".join(Severity)
_PHASES = ", ".join(Phase)


def parse_quick_entry(
    text: str, now: datetime | None = None, zone: tzinfo | None = None
) -> QuickEntry:
    """Read one quick-entry line (grammar in the module docstring), or explain why not.

    ``now`` and ``zone`` are handed to ``parse_when`` so tests stay deterministic.
    """
    occurred_at, rest = _take_time(text.strip(), now, zone)
    word, args = _split_first(rest)
    if word.lower() in _SEV:
        return _severity_change(args, occurred_at)
    if word.lower() == _PHASE:
        return _phase_change(args, occurred_at)
    if word.lower() in _DEPLOYS:
        return DeployEntry(parse_change(_DEPLOYS[word.lower()], args), occurred_at)
    if word.lower() == _REPORT:
        return UserReportEntry(parse_report(args), occurred_at)
    return _log_entry(rest, occurred_at)


def refuse_backdated_change(parsed: QuickEntry) -> None:
    """Severity and phase changes are stamped when they are made (the phase clock and
    the milestones count from that moment), so a time prefix on them is refused
    rather than silently dropped."""
    if isinstance(parsed, SeverityChange | PhaseChange) and parsed.occurred_at is not None:
        raise InvalidInputError("a time prefix cannot backdate /sev or /phase")


def _split_first(text: str) -> tuple[str, str]:
    """First token and the rest; ``str.split`` keeps the rest's inner whitespace."""
    parts = text.split(None, 1)
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")


def _take_time(text: str, now: datetime | None, zone: tzinfo | None) -> tuple[datetime | None, str]:
    first, rest = _split_first(text)
    if not _TIME_ATTEMPT.match(first):
        return None, text
    try:
        return parse_when(first, now, zone), rest
    except InvalidInputError as error:
        raise InvalidInputError(f"{error}; to log it as text, start the line with /note") from None


def _severity_change(args: str, occurred_at: datetime | None) -> SeverityChange:
    level, reason = _split_first(args)
    if not level:
        raise InvalidInputError(
            f"/sev needs a severity: use one of {_SEVERITIES}, e.g. /sev P1 why"
        )
    return SeverityChange(Severity.parse(level), reason.strip(), occurred_at)


def _phase_change(args: str, occurred_at: datetime | None) -> PhaseChange:
    words = args.split()
    if len(words) != 1:
        raise InvalidInputError(f"/phase needs exactly one phase name: use one of {_PHASES}")
    return PhaseChange(Phase.parse(words[0]), occurred_at)


def _log_entry(rest: str, occurred_at: datetime | None) -> LogEntry:
    leading, body = _leading_flags(rest)
    body, trailing = _trailing_flags(body)
    flags = leading + trailing
    kinds = sorted({_KINDS[flag] for flag in flags if flag in _KINDS}, key=USER_KINDS.index)
    if len(kinds) > 1:
        named = " and ".join(f"/{kind.value}" for kind in kinds)
        raise InvalidInputError(f"an entry has one kind, not {named}: keep only one")
    if not body:
        raise InvalidInputError("nothing to log: type what happened")
    refuse_long_entry(body)  # said before anything is written, so the text is never cut
    return LogEntry(body, kinds[0] if kinds else EntryKind.NOTE, _PIN in flags, occurred_at)


def _leading_flags(text: str) -> tuple[list[str], str]:
    """Consume flags at the start; the first other word begins the text."""
    flags: list[str] = []
    while True:
        word, rest = _split_first(text)
        if word.startswith("//"):
            return flags, text[1:]  # the escape: drop one slash, the rest is text
        if not word.startswith("/") or word == "/":
            return flags, text
        command = word.lower()
        if command in _SEV or command in (_PHASE, _REPORT) or command in _DEPLOYS:
            raise InvalidInputError(f"{word} must start the line and cannot follow other commands")
        if command not in _KINDS and command != _PIN:
            raise _unknown_command(word)
        flags.append(command)
        text = rest


def _trailing_flags(text: str) -> tuple[str, list[str]]:
    """Consume known flags at the end; an unknown trailing ``/word`` stays text.

    Needs a word before the flag, so an escaped ``//pin`` (now ``/pin``) is not
    taken back. ``rsplit`` rather than a regex: a 1 MB line must stay linear.
    """
    flags: list[str] = []
    while True:
        parts = text.rsplit(None, 1)
        if len(parts) < 2 or (parts[1].lower() not in _KINDS and parts[1].lower() != _PIN):
            return text.strip(), flags
        flags.append(parts[1].lower())
        text = parts[0]


def _unknown_command(word: str) -> InvalidInputError:
    known = ", ".join(COMMANDS)
    return InvalidInputError(
        f"unknown command {word!r}: use one of {known}; "
        "to log text starting with '/', start it with '//'"
    )


# -- the way back: an entry as the line that would log it -------------------------------


def recall_text(kind: str, text: str, pinned: bool, fact: EntryFact | None) -> str | None:
    """The line that parses back into this entry (its time aside), or None if none does.

    What ``Up`` puts in the bar to correct an entry. None for what one line of the
    grammar cannot say: several lines, text with surrounding blanks or ending in a
    command word, a pinned rollback or report, a kind the bar does not log.
    """
    if kind == EntryKind.USER_REPORT:
        if pinned or not isinstance(fact, UserReported):
            return None  # as for a rollback: no pin, and no line without its record
        return report_line(fact.report(text))
    if kind in _DEPLOYS_BY_KIND:
        if pinned or not isinstance(fact, RolledBack | HotfixDeployed):
            return None  # the bar cannot pin a record, nor retype one without its fact
        return _deploy_line(fact)
    if kind not in {k.value for k in USER_KINDS}:
        return None
    if not text or text != text.strip() or "\n" in text or "\r" in text:
        return None
    words = text.split()
    if len(words) > 1 and (words[-1].lower() in _KINDS or words[-1].lower() == _PIN):
        return None  # the parser would take it for a trailing flag; there is no escape
    flags = [] if kind == EntryKind.NOTE else [f"/{kind}"]
    flags += [_PIN] if pinned else []
    if text.startswith("/"):
        text = "/" + text  # the escape: the parser drops one slash
    elif not flags and _TIME_ATTEMPT.match(words[0]):
        flags = [f"/{EntryKind.NOTE.value}"]  # text that starts like a time stays text
    return " ".join([*flags, text])


_DEPLOYS_BY_KIND = {kind.value: kind for kind in DeployKind}


def _deploy_line(fact: RolledBack | HotfixDeployed) -> str | None:
    kind = fact.DEPLOY
    change = DeployChange(
        kind,
        to_version=fact.to_version,
        from_version=fact.from_version,
        what=fact.what,
        note=fact.note,
    )
    parts = [f"/{kind.value}", change.what, change.from_version, "->", change.to_version]
    line = " ".join(part for part in [*parts, change.note] if part)
    # The deploy grammar cannot say every record (a "what" without a "from", a note
    # with blanks it would fold): a line is offered only when it reads back the same.
    try:
        read_back = parse_change(kind, line.split(None, 1)[1])
    except InvalidInputError:
        return None
    return line if read_back == change else None
