"""The dependency direction of DESIGN.md, checked on the source: registry -> client,
contracts -> client and the compatibility kernel's public API, client -> nothing of ours, registry ->
never contracts (the `accord` command loads the harness's commands from an entry-point group), and
a compatibility kernel free of web and database.

contracts may import exactly `registry.compatibility` (the names in its __all__: schema parsing,
compatibility, expectation gaps and the CI report formats), none of its submodules. Everything else
of the registry it reaches over HTTP."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "client": {"registry", "contracts", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "typer"},
    "registry/compatibility": {"fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "registry.api"},
    "contracts": {"registry"},
    "registry": {"contracts"},
}
# Modules a package may import although a forbidden package holds them: these modules exactly, not
# their submodules.
ALLOWED = {"contracts": {"registry.compatibility"}}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def within(module: str, packages: set[str]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def violations(package: str, forbidden: set[str]) -> list[str]:
    allowed = ALLOWED.get(package, set())
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            if within(module, forbidden) and module not in allowed:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_the_dependency_direction(package):
    assert (ROOT / package).is_dir()
    assert violations(package, FORBIDDEN[package]) == []


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import fastapi\nfrom sqlalchemy.orm import Session\nfrom . import sibling\n")
    assert imported_modules(sample) == {"fastapi", "sqlalchemy.orm"}


def test_allowed_parts_of_a_forbidden_package_pass(tmp_path, monkeypatch):
    package = tmp_path / "contracts"
    package.mkdir()
    (package / "ok.py").write_text("from registry.compatibility import parse_schema\n")
    (package / "bad.py").write_text("from registry.service import Registry\n")
    (package / "inner.py").write_text("from registry.compatibility.jsonschema.drafts import draft_of\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert violations("contracts", {"registry"}) == [
        "contracts/bad.py imports registry.service",
        "contracts/inner.py imports registry.compatibility.jsonschema.drafts",
    ]


def test_an_import_of_contracts_from_the_registry_is_a_violation(tmp_path, monkeypatch):
    package = tmp_path / "registry" / "cli"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("def main():\n    from contracts.cli import app\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert violations("registry", FORBIDDEN["registry"]) == ["registry/cli/__init__.py imports contracts.cli"]
