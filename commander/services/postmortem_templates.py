"""Postmortem templates: JSON files shipped in ``resources/templates/postmortem/``
and written by users in ``<data dir>/templates/postmortem/``.

A template is an ordered list of sections (key, title, prompt). Its id is the
file name without ``.json``; a user template with a shipped template's id
replaces it. A malformed file is reported by name with what is wrong, never
half-loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commander.errors import InvalidInputError, NotFoundError
from commander.paths import data_dir
from commander.resources import resource_path

FORMAT = "incident-commander/postmortem-template"
DEFAULT_TEMPLATE = "sre"
# Sections whose body the document builds from the store (the user may add notes).
GENERATED_SECTIONS = frozenset({"timeline", "action_items"})
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    title: str
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: str
    description: str
    sections: tuple[SectionSpec, ...]
    source: str  # "shipped" or "user"

    def section_keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    path: Path
    message: str


def shipped_dir() -> Path:
    return resource_path("templates", "postmortem")


def user_dir() -> Path:
    return data_dir() / "templates" / "postmortem"


def load_templates(
    folders: tuple[Path, ...] | None = None,
) -> tuple[list[Template], list[TemplateProblem]]:
    """Every readable template (by name) and a problem for each unreadable file."""
    found: dict[str, Template] = {}
    problems: list[TemplateProblem] = []
    for folder, source in folders_with_source(folders):
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                found[path.stem] = read_template(path, source)
            except InvalidInputError as exc:
                problems.append(TemplateProblem(path, str(exc)))
    templates = sorted(found.values(), key=lambda template: (template.name.lower(), template.id))
    return templates, problems


def folders_with_source(folders: tuple[Path, ...] | None) -> list[tuple[Path, str]]:
    if folders is not None:
        return [(folder, "user") for folder in folders]
    return [(shipped_dir(), "shipped"), (user_dir(), "user")]


def get_template(template_id: str, folders: tuple[Path, ...] | None = None) -> Template:
    """The template with this id; a malformed file raises its problem, not 'not found'."""
    for folder, source in reversed(folders_with_source(folders)):  # user templates win
        path = folder / f"{template_id}.json"
        if path.is_file():
            return read_template(path, source)
    raise NotFoundError(f"no postmortem template {template_id!r}")


def read_template(path: Path, source: str) -> Template:
    where = f"postmortem template {path}"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"{where}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{where}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_template(raw, path.stem, source, where)


def parse_template(raw: Any, template_id: str, source: str, where: str) -> Template:
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{where}: must be a JSON object")
    if raw.get("format") != FORMAT:
        raise InvalidInputError(f'{where}: "format" must be "{FORMAT}"')
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f'{where}: "name" must be a non-empty string')
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise InvalidInputError(f'{where}: "description" must be a string')
    sections = raw.get("sections")
    if not isinstance(sections, list) or not sections:
        raise InvalidInputError(f'{where}: "sections" must be a non-empty list')
    specs = tuple(_section(item, index, where) for index, item in enumerate(sections, 1))
    keys = [spec.key for spec in specs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise InvalidInputError(f"{where}: section key {duplicates[0]!r} appears twice")
    return Template(template_id, name.strip(), description.strip(), specs, source)


def _section(item: Any, index: int, where: str) -> SectionSpec:
    here = f"{where}: section {index}"
    if not isinstance(item, dict):
        raise InvalidInputError(f"{here} must be an object with key, title and prompt")
    key, title, prompt = item.get("key"), item.get("title"), item.get("prompt", "")
    if not isinstance(key, str) or not key or not set(key) <= _KEY_CHARS:
        raise InvalidInputError(f'{here}: "key" must be lower-case letters, digits or _')
    if not isinstance(title, str) or not title.strip():
        raise InvalidInputError(f'{here} ({key}): "title" must be a non-empty string')
    if not isinstance(prompt, str):
        raise InvalidInputError(f'{here} ({key}): "prompt" must be a string')
    return SectionSpec(key, title.strip(), prompt.strip())
