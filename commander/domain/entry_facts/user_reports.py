"""Facts of the Detect phase that people record: a report from a user or customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, text_of
from commander.domain.kinds import EntryKind
from commander.domain.user_reports import UserReport, entry_prefix


@dataclass(frozen=True, slots=True)
class UserReported(EntryFact):
    """Who reported (not the scribe, who is the entry's author), through which channel
    (support ticket, chat, phone…) and how to reach them. The report's words are the
    entry's text, after ``entry_prefix``."""

    KIND: ClassVar[EntryKind] = EntryKind.USER_REPORT
    PERSONAL_KEYS: ClassVar[tuple[str, ...]] = ("contact",)
    reporter: str
    channel: str = ""
    contact: str = ""

    def report(self, entry_text: str) -> UserReport:
        """The report an entry with this fact and ``entry_text`` records."""
        prefix = entry_prefix(self.reporter, self.channel)
        said = entry_text[len(prefix) :] if entry_text.startswith(prefix) else entry_text
        return UserReport(self.reporter, said, self.channel, self.contact)

    def to_data(self) -> dict[str, Any]:
        return {"reporter": self.reporter, "channel": self.channel, "contact": self.contact}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        reporter = data["reporter"]
        if not isinstance(reporter, str) or not reporter:
            return None
        return cls(reporter, text_of(data, "channel"), text_of(data, "contact"))


def user_reported(report: UserReport) -> UserReported:
    """The fact recording ``report`` (its text goes in the entry: ``report.describe()``)."""
    return UserReported(report.reporter, report.channel, report.contact)
