"""The wheel, installed outside the source checkout, creates its tables and serves: the migrations
ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INSTALLED_REGISTRY = """
import sys
from fastapi.testclient import TestClient

import registry
from registry.app import create_app
from registry.cli import app
from registry.config import Settings

assert registry.__file__.startswith(sys.argv[1]), registry.__file__
database_url = sys.argv[2]
try:
    app(["migrate", "--database-url", database_url])
except SystemExit as done:
    assert done.code in (0, None), done.code
with TestClient(create_app(Settings(database_url=database_url))) as client:
    answer = client.post("/subjects/orders-value/versions", json={"schema": '"string"'})
    print(answer.status_code, answer.json())
"""


def test_the_wheel_installed_elsewhere_migrates_and_serves(tmp_path: Path) -> None:
    built = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(built),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = built.glob("accord-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "registry/migration_scripts/env.py" in names
    assert any(name.startswith("registry/migration_scripts/versions/0001_") for name in names)

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED_REGISTRY, str(site), f"sqlite:///{workdir / 'accord.db'}"],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("200 {'id': 1}")
