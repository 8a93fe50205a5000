"""Message templates: data files in ``resources/templates/messages``, overridable.

A template is a small text file: ``key: value`` header lines (``headline`` is
required; ``audience``, ``description``, ``status`` and ``page_action`` are
optional), a line ``---``, then the Markdown body. ``audience`` says who the
text is for: ``internal`` (responders, the default), ``public`` (customers) or
``executive``. A public template may only use the fields a person fills in for
customers (``PUBLIC_PLACEHOLDERS``; there ``$title`` is the public title), so
no ref, severity, summary or internal entry reaches a public text by itself.
``$name`` placeholders are filled with ``string.Template`` (no code runs); ``$$``
is a literal dollar sign. A file of the same name in
``<data dir>/templates/messages/`` replaces the shipped one.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

from commander import paths
from commander.domain.audiences import Audience
from commander.errors import InvalidInputError
from commander.resources import resource_path

SHIPPED = ("update", "customer", "resolved", "executive")
DEFAULT_TEMPLATE = "update"
# What a target gets when nobody picked a template: its audience's own.
DEFAULT_BY_AUDIENCE: dict[Audience, str] = {
    Audience.INTERNAL: "update",
    Audience.PUBLIC: "customer",
    Audience.EXECUTIVE: "executive",
}
HEADER_KEYS = frozenset({"headline", "audience", "description", "status", "page_action"})
# What a template may ask for; compose() supplies every one of them.
PLACEHOLDERS = frozenset(
    {
        "ref",
        "title",
        "summary",
        "severity",
        "severity_label",
        "phase",
        "phase_label",
        "status",
        "impact",
        "eta",
        "updates",
        "public_updates",
        "next_update",
        "duration",
        "now",
    }
)
# The only fields a public template may use: what a person wrote for customers, the
# status page wording and times. ``$title`` there is the public title.
PUBLIC_PLACEHOLDERS = frozenset(
    {"title", "status", "impact", "eta", "public_updates", "next_update", "duration", "now"}
)
_SEPARATOR = "---"


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    path: Path
    headline: string.Template
    body: string.Template
    header: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return self.header.get("description", self.name)

    @property
    def audience(self) -> Audience:
        return Audience(self.header.get("audience") or Audience.INTERNAL)

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """(headline, body) with every placeholder filled."""
        return self.headline.substitute(values).strip(), self.body.substitute(values).strip()


def user_template_dir() -> Path:
    return paths.data_dir() / "templates" / "messages"


def shipped_template_dir() -> Path:
    return resource_path("templates", "messages")


def template_names() -> list[str]:
    """Shipped templates first (in their usual order), then the user's own."""
    names = list(SHIPPED)
    folder = user_template_dir()
    if folder.is_dir():
        names += sorted(p.stem for p in folder.glob("*.md") if p.stem not in names)
    return names


def load_template(name: str) -> MessageTemplate:
    clean = name.strip().lower()
    if not clean or not all(c.isalnum() or c in "-_" for c in clean):
        raise InvalidInputError(f"template name {name!r}: use letters, digits, - and _")
    for folder in (user_template_dir(), shipped_template_dir()):
        path = folder / f"{clean}.md"
        if path.is_file():
            return parse_template(clean, path)
    known = ", ".join(template_names())
    raise InvalidInputError(f"no message template {name!r}; one of {known}")


def parse_template(name: str, path: Path) -> MessageTemplate:
    """Read and check a template file; every problem is named with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read template {path}: {exc}") from None
    lines = text.splitlines()
    header: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip() == _SEPARATOR:
            body = "\n".join(lines[number:])
            break
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon or key not in HEADER_KEYS:
            raise _malformed(
                path, number, f"expected 'key: value' with key one of {sorted(HEADER_KEYS)}"
            )
        header[key] = value.strip()
        if key == "audience" and header[key] not in set(Audience):
            known = ", ".join(a.value for a in Audience)
            raise _malformed(path, number, f"audience {header[key]!r} is not one of {known}")
    else:
        raise _malformed(path, len(lines), f"no '{_SEPARATOR}' line between header and body")
    if not header.get("headline"):
        raise _malformed(path, 1, "the header needs a 'headline:' line")
    headline, body_template = string.Template(header["headline"]), string.Template(body)
    public = header.get("audience") == Audience.PUBLIC
    for part, template in (("headline", headline), ("body", body_template)):
        _check_placeholders(path, part, template, public)
    return MessageTemplate(name, path, headline, body_template, header)


def _check_placeholders(path: Path, part: str, template: string.Template, public: bool) -> None:
    if not template.is_valid():
        raise InvalidInputError(
            f"template {path}: a '$' in the {part} is not followed by a field name "
            "(write $$ for a dollar sign)"
        )
    unknown = set(template.get_identifiers()) - PLACEHOLDERS
    if unknown:
        raise InvalidInputError(
            f"template {path}: unknown field(s) {', '.join('$' + u for u in sorted(unknown))} "
            f"in the {part}; known: {', '.join('$' + p for p in sorted(PLACEHOLDERS))}"
        )
    internal = set(template.get_identifiers()) - PUBLIC_PLACEHOLDERS
    if public and internal:
        raise InvalidInputError(
            f"template {path}: a public template cannot use "
            f"{', '.join('$' + u for u in sorted(internal))} in the {part} (internal); "
            f"it may use {', '.join('$' + p for p in sorted(PUBLIC_PLACEHOLDERS))}"
        )


def _malformed(path: Path, line: int, why: str) -> InvalidInputError:
    return InvalidInputError(f"template {path}, line {line}: {why}")
