"""The house rules of DESIGN.md: which package may import which."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OURS = {"classifier", "hashes", "reports", "crawler", "tamsoat"}
ALLOWED = {
    "classifier": set(),
    "hashes": set(),
    "reports": {"classifier.taxonomy"},
    "crawler": {"classifier", "hashes", "reports"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_domain_packages_import_only_what_the_design_allows(package: str) -> None:
    bad = []
    for path in sorted((REPO / package).rglob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top not in OURS or top == package:
                continue
            if not any(name == a or name.startswith(a + ".") for a in ALLOWED[package]):
                bad.append(f"{path.relative_to(REPO)} imports {name}")
    assert bad == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_domain_packages_do_not_print(package: str) -> None:
    offenders = []
    for path in sorted((REPO / package).rglob("*.py")):
        if "migrations" in path.parts or path.name == "new_migration.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == [], "domain packages log; only the face prints"
