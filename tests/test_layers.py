"""Imports only point down: schemas < text < validators < archive < downstream < crawler.

DESIGN.md's layers, with the read-only downstream side between the archive and the
crawler package (whose command line serves and exports through it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
#: Each package and the wirearchive packages it may import.
ALLOWED = {
    "text": set(),
    "validators": {"text"},
    "archive": {"text", "validators"},
    "downstream": {"text", "validators", "archive"},
    "crawler": {"text", "validators", "archive", "downstream"},
}


def _imports(path: Path) -> set[str]:
    """The wirearchive subpackages a module imports, absolute or relative."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: climb from the module's own package
                package = list(path.relative_to(ROOT).parts[:-1])
                base = package[: len(package) - (node.level - 1)]
                if base:
                    found.add(base[0])
                elif node.module:  # climbed to wirearchive itself: ``from ..archive import``
                    found.add(node.module.split(".")[0])
            elif node.module and node.module.startswith("wirearchive."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("wirearchive."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package: str) -> None:
    wrong = {}
    for module in sorted((ROOT / package).rglob("*.py")):
        bad = _imports(module) - ALLOWED[package] - {package, "schemas"}
        if bad:
            wrong[str(module.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def test_the_check_sees_imports_of_both_kinds() -> None:
    module = ROOT / "text" / "chrome.py"
    assert _imports(module) == set()
    assert "text" in _imports(ROOT / "validators" / "rules.py")
    assert _imports(ROOT / "crawler" / "cli" / "upkeep.py") >= {"archive", "crawler"}
    assert "validators" in _imports(ROOT / "crawler" / "cli" / "intake.py")
    assert "crawler" in _imports(ROOT / "crawler" / "readers" / "text.py")  # from .base
