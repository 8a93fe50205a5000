"""Which checklist template applies: the shipped one, overridden by the user's file."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from commander.domain.checklists import ChecklistTemplate, parse_template
from commander.errors import CommanderError, InvalidInputError
from commander.paths import data_dir
from commander.resources import resource_path

log = logging.getLogger(__name__)

USER_FILE_NAME = "checklists.json"


@dataclass(frozen=True, slots=True)
class TemplateLoad:
    template: ChecklistTemplate
    # Why the user's file was ignored, in words a person can act on; None if fine.
    problem: str | None = None


def default_template_file() -> Path:
    return resource_path("checklists", "default.json")


def user_template_file() -> Path:
    """Phases or severities named in this file replace the shipped ones."""
    return data_dir() / USER_FILE_NAME


def load_template(user_file: Path | None = None, default_file: Path | None = None) -> TemplateLoad:
    """The shipped template with the user's overrides; a broken user file is skipped, said so."""
    default_file = default_file or default_template_file()
    try:
        default = read_template_file(default_file)
    except InvalidInputError as error:  # a broken shipped file is a broken build
        raise CommanderError(f"the shipped checklists are broken: {error}") from None
    user_file = user_file or user_template_file()
    if not user_file.exists():
        return TemplateLoad(default)
    try:
        return TemplateLoad(default.overridden_by(read_template_file(user_file)))
    except InvalidInputError as error:
        log.warning("ignoring the user checklist file: %s", error)
        return TemplateLoad(default, f"{error}; using the shipped checklists until it is fixed")


def read_template_file(path: Path) -> ChecklistTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_template(data, str(path))
