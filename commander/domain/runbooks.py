"""Runbooks: Markdown with a title, sections and numbered steps.

The shape (from the seed's example runbook)::

    # Title
    ## Symptoms        - bullet points
    ## Investigation   1. numbered steps, commands in `code spans`
    ## Mitigation      1. ...
    ## Resolution      1. ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commander.errors import InvalidInputError

SECTIONS = ("Symptoms", "Investigation", "Mitigation", "Resolution")
NAME_MAX = 80
_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_STEP = re.compile(r"^\s{0,3}\d+[.)]\s+(.+?)\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_NOT_IN_NAME = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class RunbookStep:
    section: str
    text: str

    def as_checklist_item(self) -> str:
        return f"{self.section}: {self.text}" if self.section else self.text


@dataclass(frozen=True, slots=True)
class Runbook:
    name: str  # the file's stem, unique in the library
    title: str
    text: str
    steps: tuple[RunbookStep, ...]
    user: bool = False  # from the user's folder rather than shipped

    def matches(self, words: list[str]) -> bool:
        haystack = f"{self.title}\n{self.text}".casefold()
        return all(word.casefold() in haystack for word in words)


def parse_runbook(name: str, text: str, user: bool = False) -> Runbook:
    title, section = "", ""
    steps: list[RunbookStep] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence  # numbered lines inside a code block are not steps
            continue
        if in_fence:
            continue
        if not title and (match := _TITLE.match(line)):
            title = match.group(1)
        elif match := _SECTION.match(line):
            section = match.group(1)
        elif match := _STEP.match(line):
            steps.append(RunbookStep(section, match.group(1)))
    return Runbook(name, title or name.replace("-", " ").capitalize(), text, tuple(steps), user)


def code_spans(text: str) -> list[str]:
    """The commands a reader may want to copy, in order (fence lines are not spans)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("```")]
    return [match.group(2).strip() for match in _CODE_SPAN.finditer("\n".join(lines))]


def runbook_name(title: str) -> str:
    """A file stem for a title: ``High CPU Usage`` -> ``high-cpu-usage``."""
    name = _NOT_IN_NAME.sub("-", title.casefold()).strip("-")[:NAME_MAX].strip("-")
    if not name:
        raise InvalidInputError("a runbook needs a title with a letter or digit")
    return name


def new_runbook_text(title: str) -> str:
    """An empty runbook in the library's shape, for the author to fill in."""
    title = " ".join(title.split())
    if not title:
        raise InvalidInputError("a runbook needs a title")
    return (
        f"# {title}\n\n"
        "## Symptoms\n- What people and alerts notice\n\n"
        "## Investigation\n1. First thing to check: `command`\n\n"
        "## Mitigation\n1. Stop the bleeding: `command`\n\n"
        "## Resolution\n1. Fix the cause\n2. Watch the metrics before closing\n"
    )
