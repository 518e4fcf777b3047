"""The rules of docs/architecture.md, on the source.

The dependency direction is import-linter's job (`make lint`, contracts in pyproject.toml); the tests
here show that it catches each forbidden kind of import, that its lists cover every part of the
registry package, and check what import-linter cannot express: the harness imports exactly
`registry.compatibility` (its public names, no submodule), modules stay small, classes are not built
from a chain of mixins, no module calls another module's private functions, and every package says
what it is for.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "client", "contracts")
MAX_MODULE_LINES = 500
MAX_BASES = 2
# namedtuple's public API happens to start with an underscore
NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def sources(*packages: str, root: Path = ROOT) -> list[Path]:
    return sorted(path for package in packages for path in (root / package).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


# -- import-linter: the contracts hold, and catch what they must -------------------------------------


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *(f"--contract={contract}" for contract in contracts)],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three packages and the lint configuration, in a folder of their own."""
    root = tmp_path_factory.mktemp("project")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


def test_the_real_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


FORBIDDEN_IMPORTS = [
    ("client/serde.py", "import registry.schemas.store", "client-stands-alone"),
    ("registry/schemas/lookup.py", "import contracts.checks", "registry-without-harness"),
    ("registry/schemas/repository.py", "import registry.schemas.api", "feature-layers"),
    ("registry/audit/repository.py", "import registry.audit.api", "feature-layers"),
    ("contracts/checks.py", "import registry.schemas", "harness-through-kernel"),
    ("registry/compatibility/levels.py", "import sqlalchemy", "pure-kernel"),
    ("registry/schemas/registration.py", "import registry.contract_store", "registration-guard-seam"),
    ("registry/settings/service.py", "import registry.ui.pages", "features-below-ui"),
]


@pytest.mark.parametrize(("module", "line", "contract"), FORBIDDEN_IMPORTS)
def test_make_lint_fails_on_a_forbidden_import(
    project_copy: Path, module: str, line: str, contract: str
) -> None:
    path = project_copy / module
    original = path.read_text()
    kept = lint_imports(project_copy, contract)
    path.write_text(f"{original}\n{line}  # noqa\n")
    try:
        broken = lint_imports(project_copy, contract)
    finally:
        path.write_text(original)

    assert kept.returncode == 0, kept.stdout[-3000:]
    assert broken.returncode == 1, broken.stdout[-3000:]
    assert "1 broken" in broken.stdout


def test_the_contracts_name_every_part_of_the_registry_package() -> None:
    """A new part of the registry package must be placed in the rules, not slip past them."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    parts = {f"registry.{path.stem}" for path in (ROOT / "registry").iterdir() if _is_module(path)}
    parts -= {"registry.__init__", "registry.compatibility"}
    for contract_id in ("harness-through-kernel", "pure-kernel"):
        (contract,) = [contract for contract in contracts if contract["id"] == contract_id]
        assert parts - set(contract["forbidden_modules"]) == set(), contract_id


def _is_module(path: Path) -> bool:
    return (path.suffix == ".py") or (path.is_dir() and (path / "__init__.py").is_file())


# -- the harness imports the kernel's public face only ------------------------------------------------


def registry_imports_of(package_root: Path) -> list[str]:
    return [
        f"{path.relative_to(package_root.parent)} imports {module}"
        for path in sorted(package_root.rglob("*.py"))
        for module in imported_modules(path)
        if (module == "registry" or module.startswith("registry.")) and module != "registry.compatibility"
    ]


def test_the_harness_imports_exactly_the_kernel_s_public_module() -> None:
    assert registry_imports_of(ROOT / "contracts") == []


def test_the_public_module_check_sees_a_submodule(tmp_path: Path) -> None:
    package = tmp_path / "contracts"
    package.mkdir()
    (package / "ok.py").write_text("from registry.compatibility import parse_schema\n")
    (package / "inner.py").write_text("from registry.compatibility.jsonschema.drafts import draft_of\n")

    assert registry_imports_of(package) == [
        "contracts/inner.py imports registry.compatibility.jsonschema.drafts"
    ]


# -- small modules, no mixin chains, private things stay private, packages say what they are for -----


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in sources(*PACKAGES)
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }

    assert long == {}


def classes_with_many_bases(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = [base for base in node.bases if not _is_typing_base(base)]
                if len(bases) > MAX_BASES:
                    found.append(f"{path.relative_to(ROOT)}: {node.name}")
    return found


def _is_typing_base(base: ast.expr) -> bool:
    target = base.value if isinstance(base, ast.Subscript) else base
    return isinstance(target, ast.Name) and target.id in {"Generic", "Protocol"}


def test_no_class_is_composed_of_more_than_two_mixins() -> None:
    assert classes_with_many_bases(sources(*PACKAGES)) == []


def private_uses_from_elsewhere(path: Path, root: Path = ROOT) -> list[str]:
    """Names with one leading underscore that `path` reaches in another module: imported by name, or
    used as an attribute that the module itself does not define."""
    tree = ast.parse(path.read_text())
    own = _names_defined(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found += [f"{node.module}.{alias.name}" for alias in node.names if _is_private(alias.name)]
        elif _is_private_attribute_from_elsewhere(node, own):
            found.append(ast.unparse(node))
    return [f"{path.relative_to(root)}: {use}" for use in found]


def _is_private_attribute_from_elsewhere(node: ast.AST, own: set[str]) -> bool:
    """A private attribute the module does not define itself: of another object, or of self inherited
    from a class of another module (the mixin pattern)."""
    return (
        isinstance(node, ast.Attribute) and _is_private(node.attr) and node.attr not in NAMEDTUPLE_API | own
    )


def _names_defined(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def _assignment_targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    return [node.target] if isinstance(node, ast.AnnAssign) else []


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_uses_another_module_s_private_names() -> None:
    assert [use for path in sources(*PACKAGES) for use in private_uses_from_elsewhere(path)] == []


def test_the_private_name_check_sees_a_use_from_elsewhere(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "from registry.schemas.store import _load\n"
        "class A(Base):\n    def _own(self):\n        return self._own, self._inherited()\n"
        "def f(registry, row):\n    registry._candidate()\n    return row._replace(a=1)\n"
    )

    assert sorted(private_uses_from_elsewhere(module, root=tmp_path)) == [
        "sample.py: registry._candidate",
        "sample.py: registry.schemas.store._load",
        "sample.py: self._inherited",
    ]


def test_every_package_says_what_it_is_for() -> None:
    silent = [
        str(init.relative_to(ROOT))
        for package in PACKAGES
        for init in sorted((ROOT / package).rglob("__init__.py"))
        if not ast.get_docstring(ast.parse(init.read_text()))
    ]

    assert silent == []
