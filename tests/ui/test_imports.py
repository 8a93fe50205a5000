"""The window assembles the features; nothing imports it back, features stay apart,
and every feature plugs in the same way: ``install(context, shell)``.

Reads every module under ui/ (imports inside functions and TYPE_CHECKING blocks
count too: each is a way to reach into the window).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "ui"
WINDOW = "ui.main_window"
# The modules that put the window together: they alone may import it.
ASSEMBLERS = {"ui.app", "ui.launcher", "ui.main_window", "ui.__main__"}
# Feature packages that install with install(context, shell): none imports another.
FEATURES = (
    "ui.timeline",
    "ui.response",
    "ui.comms",
    "ui.postmortem",
    "ui.reports",
    "ui.memory",
    "ui.health",
    "ui.alerts",
    "ui.capture",
    "ui.presence",
    "ui.connection",
    "ui.offline",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(UI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (``from a import b`` gives a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: a relative import (ui/ spells imports out)"
            base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def modules() -> dict[str, set[str]]:
    return {module_name(path): imported(path) for path in sorted(UI.rglob("*.py"))}


def test_only_the_assembling_modules_import_the_window() -> None:
    importers = {name for name, imports in modules().items() if WINDOW in imports}
    assert importers <= ASSEMBLERS, importers - ASSEMBLERS


def test_a_feature_never_imports_another_feature() -> None:
    crossings = [
        (name, other)
        for name, imports in modules().items()
        for feature in FEATURES
        if name == feature or name.startswith(feature + ".")
        for other in FEATURES
        if other != feature and any(i == other or i.startswith(other + ".") for i in imports)
    ]
    assert crossings == []


def test_the_walk_sees_the_imports_it_checks() -> None:
    # A walk that found nothing would pass the tests above for nothing.
    found = modules()
    assert WINDOW in found["ui.app"]
    assert "ui.timeline" in found[WINDOW]
    assert "ui.context" in found["ui.comms.install"]  # inside TYPE_CHECKING


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_installs_through_install_context_shell(feature: str) -> None:
    install = importlib.import_module(feature).install
    assert list(inspect.signature(install).parameters) == ["context", "shell"]
