"""The comms, postmortem, reports and memory features plug in only through
``install(context, shell)``: none imports the main window or another feature."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("comms", "postmortem", "reports", "memory")
# Packages that are features too (stream F's), which these must not reach into either.
OTHER_FEATURES = ("timeline", "response")
FORBIDDEN = ("ui.main_window", "ui.legacy_window_bridge")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top, in a function or under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _reaches(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_imports_neither_the_window_nor_another_feature(feature: str) -> None:
    others = [f"ui.{name}" for name in (*FEATURES, *OTHER_FEATURES) if name != feature]
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "ui" / feature).rglob("*.py"))
        for name in _imports(path)
        if any(_reaches(name, bad) for bad in (*FORBIDDEN, *others))
    }
    assert not wrong


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_installs_through_install_context_shell(feature: str) -> None:
    install = importlib.import_module(f"ui.{feature}").install
    assert list(inspect.signature(install).parameters) == ["context", "shell"]
