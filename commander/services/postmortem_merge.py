"""Merging a person's postmortem draft with the revision another seat saved meanwhile.

A save based on an older revision is refused (``StalePostmortemError``). The editor
then shows the person's version beside the saved one, part by part, and saves what
the person settles on against the newer revision. This module decides what differs
and what to propose, without a store: a part only one side changed since the
revision the person started from (the base) takes that side; a part both changed
starts as the person's and is marked, for them to decide.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from commander.services.postmortem import PostmortemView, checked_draft

# The fields besides the sections, in the order the editor shows them, with their names.
FIELDS = (
    ("template", "Template"),
    ("status", "Status"),
    ("written_on", "Date"),
    ("authors", "Authors"),
    ("participants", "Participants"),
    ("entry_ids", "Timeline entries"),
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One part (a section key or a field name) the two versions hold differently."""

    key: str
    mine: str  # as the person sees it
    saved: str
    take_saved: bool  # proposed: only the other seat changed it since the base
    both_changed: bool


@dataclass(frozen=True, slots=True)
class MergeProposal:
    mine: PostmortemView
    saved: PostmortemView
    sections: tuple[Difference, ...]
    fields: tuple[Difference, ...]

    def merged(
        self, section_texts: Mapping[str, str], saved_fields: Collection[str]
    ) -> PostmortemView:
        """The draft to save over the saved revision: the person's version, with
        ``section_texts`` for the sections that differ and the saved value of every
        field named in ``saved_fields``."""
        taken = {name: getattr(self.saved, name) for name, _label in FIELDS if name in saved_fields}
        return replace(
            self.mine,
            **taken,
            sections={**self.mine.sections, **section_texts},
            revision=self.saved.revision,
            saved_at=self.saved.saved_at,
            saved_by=self.saved.saved_by,
        )

    def proposed(self) -> PostmortemView:
        """The merge as proposed, before the person changes anything."""
        return self.merged(
            {d.key: d.saved if d.take_saved else d.mine for d in self.sections},
            {d.key for d in self.fields if d.take_saved},
        )


def propose_merge(
    base: PostmortemView, mine: PostmortemView, saved: PostmortemView
) -> MergeProposal:
    """What differs between the person's ``mine`` (started from ``base``) and ``saved``."""
    mine = checked_draft(mine)  # compared as it would be stored: blanks dropped, names tidied
    keys = list(dict.fromkeys([*mine.sections, *saved.sections, *base.sections]))
    sections = tuple(
        difference
        for key in keys
        if (difference := _compare(key, base.section(key), mine.section(key), saved.section(key)))
    )
    fields = tuple(
        difference
        for name, _label in FIELDS
        if (
            difference := _compare(
                name, field_text(base, name), field_text(mine, name), field_text(saved, name)
            )
        )
    )
    return MergeProposal(mine, saved, sections, fields)


def _compare(key: str, base: str, mine: str, saved: str) -> Difference | None:
    if mine == saved:
        return None
    mine_changed, saved_changed = mine != base, saved != base
    return Difference(
        key, mine, saved, saved_changed and not mine_changed, mine_changed and saved_changed
    )


def field_text(view: PostmortemView, name: str) -> str:
    """A field as a person reads it (what the merge compares and shows)."""
    if name == "template":
        return view.template
    if name == "status":
        return view.status.label
    if name == "written_on":
        return view.written_on.isoformat() if view.written_on else "(no date)"
    if name == "authors":
        return ", ".join(view.authors) or "(nobody)"
    if name == "participants":
        people = (f"{p.name}: {p.role}" if p.role else p.name for p in view.participants)
        return "; ".join(people) or "(nobody)"
    if name == "entry_ids":
        if view.entry_ids is None:
            return "the key entries"
        return f"{len(view.entry_ids)} picked entries: " + ", ".join(map(str, view.entry_ids))
    raise KeyError(name)
