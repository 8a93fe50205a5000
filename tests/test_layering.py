"""The core never imports Qt or the UI (house rule, enforced here)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "commander"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_imports_neither_qt_nor_ui() -> None:
    offenders = [
        f"{path.relative_to(CORE.parent)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []
    assert len(list(CORE.rglob("*.py"))) > 10  # the walk really saw the core


# Lower layers never import higher ones: the store reads and writes rows, the
# services build on it, so the frozen views both hand out live below the two.
LAYERS_ABOVE = {
    "store": ("commander.services", "commander.exports", "commander.commands", "commander.cli"),
    "views": (
        "commander.services",
        "commander.store",
        "commander.exports",
        "commander.commands",
        "commander.cli",
        "commander.connectors",
    ),
}


def runtime_imports(path: Path) -> list[str]:
    """Like ``imported_modules``, minus what only type checkers read (``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            node.body = []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_store_and_views_import_nothing_above_them() -> None:
    offenders = []
    for layer, above in LAYERS_ABOVE.items():
        files = sorted((CORE / layer).rglob("*.py"))
        assert len(files) > 2  # the walk really saw the layer
        check = imported_modules if layer == "store" else runtime_imports
        offenders += [
            f"{path.relative_to(CORE.parent)}: {name}"
            for path in files
            for name in check(path)
            if name.startswith(above)
        ]
    assert offenders == []


def test_the_layer_check_sees_imports_inside_functions_and_skips_type_only_ones(
    tmp_path: Path,
) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from commander.store.orm import Incident\n"
        "def later():\n"
        "    from commander.services import timeline\n"
    )
    assert imported_modules(module) == ["typing", "commander.store.orm", "commander.services"]
    assert runtime_imports(module) == ["typing", "commander.services"]
