"""The schemas package never reaches the contract store (the registration guard is its seam), and
the settings package is below the schemas package (it never imports it)."""

from __future__ import annotations

import pytest

from tests.test_architecture import ROOT, imported_modules, within

CONTRACT_STORE = {"registry.contract_store"}
BOUNDARIES = {
    "registry/schemas": CONTRACT_STORE | {"registry.api"},
    "registry/settings": CONTRACT_STORE | {"registry.schemas", "registry.api"},
}


@pytest.mark.parametrize("package", sorted(BOUNDARIES))
def test_the_package_keeps_to_its_side(package: str) -> None:
    modules = sorted((ROOT / package).glob("*.py"))
    assert modules
    crossing = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in modules
        for module in imported_modules(path)
        if within(module, BOUNDARIES[package])
    ]
    assert crossing == []
