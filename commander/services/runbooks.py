"""The runbook library (shipped plus the user's folder), search, attach, write, draft."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import EntryKind, Phase
from commander.domain.checklists import ITEM_MAX
from commander.domain.entry_facts import RunbookAttached, decode
from commander.domain.limits import refuse_nul
from commander.domain.runbooks import Runbook, new_runbook_text, parse_runbook, runbook_name
from commander.domain.when import utc_now
from commander.errors import CommanderError, InvalidInputError, NotFoundError
from commander.paths import data_dir
from commander.resources import resource_path
from commander.services.checklist import ChecklistItemView, add_items
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import TimelineEntry

log = logging.getLogger(__name__)

RUNBOOK_SIZE_MAX = 1_000_000


@dataclass(frozen=True, slots=True)
class RunbookLibrary:
    runbooks: tuple[Runbook, ...]
    # Files that could not be read, one line each; the rest still load.
    problems: tuple[str, ...] = ()

    def get(self, name: str) -> Runbook:
        wanted = name.strip().removesuffix(".md").casefold()
        for runbook in self.runbooks:
            if wanted in (runbook.name.casefold(), runbook.title.casefold()):
                return runbook
        raise NotFoundError(f"no runbook named {name!r}")

    def search(self, query: str) -> list[Runbook]:
        """Runbooks containing every word; title matches first."""
        words = query.split()
        if not words:
            return list(self.runbooks)
        found = [runbook for runbook in self.runbooks if runbook.matches(words)]
        return sorted(
            found, key=lambda r: not all(w.casefold() in r.title.casefold() for w in words)
        )


def shipped_folder() -> Path:
    return resource_path("runbooks")


def user_folder() -> Path:
    """Where the user's runbooks live; the window watches it."""
    return data_dir() / "runbooks"


def load_library(shipped: Path | None = None, user: Path | None = None) -> RunbookLibrary:
    """Every ``*.md`` runbook, sorted by title; a user file replaces a shipped one of that name."""
    by_name: dict[str, Runbook] = {}
    problems: list[str] = []
    for folder, is_user in ((shipped or shipped_folder(), False), (user or user_folder(), True)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                by_name[path.stem] = parse_runbook(path.stem, _read(path), user=is_user)
            except InvalidInputError as error:
                log.warning("skipping runbook: %s", error)
                problems.append(str(error))
    runbooks = sorted(by_name.values(), key=lambda r: r.title.casefold())
    return RunbookLibrary(tuple(runbooks), tuple(problems))


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > RUNBOOK_SIZE_MAX:
            raise InvalidInputError(f"{path} is over {RUNBOOK_SIZE_MAX // 1000} kB; not a runbook")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path} is not UTF-8 text") from None
    # Its steps would attach on SQLite and fail on PostgreSQL, which stores no NUL.
    refuse_nul(text, str(path))
    return text


def attach_runbook(
    store: Store,
    ref: str,
    runbook: Runbook,
    author: str,
    now: datetime | None = None,
) -> list[ChecklistItemView]:
    """The runbook's numbered steps become checklist items of the current phase, logged once."""
    if not runbook.steps:
        raise InvalidInputError(f"runbook “{runbook.title}” has no numbered steps to attach")
    now = now or utc_now()
    with store.write() as session:
        incident = locked_incident(session, ref)
        phase = Phase(incident.phase)
        if _already_attached(session, incident.id, runbook.name, phase):
            raise InvalidInputError(f"“{runbook.title}” is already attached to {phase.label}")
        texts = [_clip(step.as_checklist_item()) for step in runbook.steps]
        rows = add_items(session, incident, texts, phase, "runbook", author, now)
        add_entry(
            session,
            incident,
            fact=RunbookAttached(runbook.name, runbook.title, phase, tuple(r.id for r in rows)),
            text=f"Attached runbook “{runbook.title}”: {len(rows)} steps added to {phase.label}",
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        return [ChecklistItemView.of(row) for row in rows]


def _already_attached(session: Session, incident_id: int, name: str, phase: Phase) -> bool:
    entries = session.scalars(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident_id,
            TimelineEntry.kind == EntryKind.RUNBOOK.value,
        )
    )
    facts = (decode(entry.kind, entry.data) for entry in entries)
    return any(
        isinstance(fact, RunbookAttached) and fact.name == name and fact.phase is phase
        for fact in facts
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ITEM_MAX else text[: ITEM_MAX - 1] + "…"


def save_runbook(text: str, folder: Path | None = None, overwrite: bool = False) -> Path:
    """Write a runbook to the user's folder, named after its title; returns the file."""
    refuse_nul(text, "the runbook")
    runbook = parse_runbook("draft", text)
    if not text.lstrip().startswith("# "):
        raise InvalidInputError("a runbook starts with its title: a line like '# Disk full'")
    folder = folder or user_folder()
    path = folder / f"{runbook_name(runbook.title)}.md"
    if path.exists() and not overwrite:
        raise InvalidInputError(f"{path} already exists; choose another title")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CommanderError(f"cannot save the runbook to {path}: {exc.strerror}") from None
    return path


def new_runbook(title: str) -> str:
    return new_runbook_text(title)


_DRAFT_KINDS = (EntryKind.ACTION, EntryKind.ROLLBACK, EntryKind.HOTFIX)


def draft_from_incident(store: Store, ref: str) -> str:
    """A runbook draft whose mitigation steps are what was done in this incident.

    Actions, rollbacks and hotfixes become numbered steps in the order they
    happened; observations become symptoms. The author edits it before saving.
    """
    with store.read() as session:
        incident = load_incident(session, ref)
        entries = list(
            session.scalars(
                select(TimelineEntry)
                .where(
                    TimelineEntry.incident_id == incident.id,
                    TimelineEntry.deleted_at.is_(None),
                    TimelineEntry.kind.in_(
                        [k.value for k in (*_DRAFT_KINDS, EntryKind.OBSERVATION)]
                    ),
                )
                .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
            )
        )
        title, summary, incident_ref = incident.title, incident.summary, incident.ref
    symptoms = [e.text for e in entries if e.kind == EntryKind.OBSERVATION.value]
    steps = [e.text for e in entries if e.kind != EntryKind.OBSERVATION.value]
    lines = [f"# {title}", "", f"Drafted from {incident_ref}. Edit before saving.", ""]
    if summary:
        lines += [summary, ""]
    lines += ["## Symptoms"]
    lines += [f"- {_one_line(text)}" for text in symptoms] or ["- What people and alerts noticed"]
    lines += ["", "## Investigation", "1. First thing to check: `command`", ""]
    lines += ["## Mitigation"]
    lines += [f"{n}. {_one_line(text)}" for n, text in enumerate(steps, 1)] or [
        "1. No actions, rollbacks or hotfixes were logged in this incident"
    ]
    lines += ["", "## Resolution", "1. Fix the cause", "2. Watch the metrics before closing", ""]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
