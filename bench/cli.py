"""How fast the CI commands are, against their floors, in one run.

    .venv/bin/python -m bench.cli [--runs 20] [--files 200]

1. Start-up: `accord --help` (every command group declared, none run) and `accord schema diff` on
   two small files (a whole command) against the floor of starting the interpreter
   (`python -c pass`) and importing typer and rich.
2. `accord schema check --against git:HEAD` over a repository of N Avro files against the floor of
   the same parse and compatibility check in-process (no git, no process start, no report).
Cases alternate run by run, so that load on the shared machine hits them alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from registry.compatibility import (
    CompatibilityLevel,
    PreviousVersion,
    SchemaType,
    check_compatibility,
    parse_schema,
)

ACCORD = str(Path(sys.executable).with_name("accord"))


def record(index: int, extra: bool) -> str:
    fields = [{"name": f"f{n}", "type": "string", "doc": "d"} for n in range(12)]
    if extra:
        fields.append({"name": "added", "type": "int", "default": 0, "doc": "d"})
    return json.dumps({"type": "record", "name": f"Thing{index}Happened", "fields": fields}, indent=2)


def repository(root: Path, files: int) -> None:
    (root / "schemas").mkdir(parents=True)
    (root / "accord.toml").write_text('[[schemas]]\npath = "schemas/*.avsc"\nsubject = "{stem}-value"\n')
    for index in range(files):
        (root / "schemas" / f"s{index}.avsc").write_text(record(index, extra=False))
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "one"], cwd=root, check=True)
    for index in range(files):
        (root / "schemas" / f"s{index}.avsc").write_text(record(index, extra=True))


def in_process_floor(root: Path, files: int) -> None:
    for index in range(files):
        old = parse_schema(SchemaType.AVRO, record(index, extra=False))
        new = parse_schema(SchemaType.AVRO, (root / "schemas" / f"s{index}.avsc").read_text())
        assert check_compatibility(
            new, [PreviousVersion(1, old)], level=CompatibilityLevel.BACKWARD
        ).is_compatible


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(command: list[str], cwd: Path) -> None:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    assert completed.returncode == 0, completed.stderr


def report(name: str, samples: list[float], floor: list[float]) -> None:
    p50, p99 = (
        statistics.median(samples),
        max(samples) if len(samples) < 100 else statistics.quantiles(samples, n=100)[98],
    )
    base = statistics.median(floor)
    print(f"{name:58s} p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms  {p50 / base:5.2f}x floor")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--files", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "a.avsc").write_text(record(0, extra=False))
        (root / "b.avsc").write_text(record(0, extra=True))
        cases = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "python -c 'import typer, rich' (floor)": [sys.executable, "-c", "import typer, rich.console"],
            "accord --help": [ACCORD, "--help"],
            "accord schema diff a.avsc b.avsc": [ACCORD, "schema", "diff", "a.avsc", "b.avsc"],
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.runs):
            for name, command in cases.items():
                samples[name].append(timed(lambda command=command: run(command, root)))
        print(f"start-up, {options.runs} runs each")
        for name in cases:
            report(name, samples[name], samples["python -c pass (floor)"])

        project = root / "repo"
        repository(project, options.files)
        floor, check = [], []
        for _ in range(max(3, options.runs // 4)):
            floor.append(timed(lambda: in_process_floor(project, options.files)))
            check.append(timed(lambda: run([ACCORD, "schema", "check", "--against", "git:HEAD"], project)))
        print(f"\ncheck against git, {options.files} files")
        report("engine in-process: parse + check every file (floor)", floor, floor)
        report("accord schema check --against git:HEAD", check, floor)


if __name__ == "__main__":
    main()
