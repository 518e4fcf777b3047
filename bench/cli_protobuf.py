"""`accord schema check` of a `.proto` change against git, against `buf breaking` on the same pair, in one
run.

    .venv/bin/python -m bench.cli_protobuf [--runs 15] [--baseline CHECKOUT]

A git repository holds one `.proto` file (OrderCreated, one message) committed once and then changed
(a field added). Each round runs, in turn: `buf breaking --against .git#ref=HEAD` (Buf's npm wrapper,
as `npx buf` or node_modules/.bin/buf runs it, and the native binary inside the package), `accord
schema check --against git:HEAD` (Accord's Confluent rules), the same with `--buf-category WIRE_JSON`,
`accord --help`, and `python -c pass` as the floor of any Python command; with --baseline, the same
`accord` commands of another checkout of Accord too (`git worktree add /tmp/base main`), run by this
environment's Python with the checkout first on PYTHONPATH. Medians of wall time and of CPU time (user
+ sys of the child, which the load of a shared machine disturbs much less), and ratios to Buf.

The Python sources are byte-compiled first, as `pip install` does for an installed package (this tree
is an editable install, and the environment may set PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCORD = str(Path(sys.executable).with_name("accord"))
BUF_WRAPPER = ROOT / "node_modules" / ".bin" / "buf"
BUF_NATIVE = ROOT / "node_modules" / "@bufbuild" / "buf-linux-x64" / "bin" / "buf"

BASELINE_MAIN = "import sys; from registry.cli import main; sys.exit(main())"  # what the `accord` script runs

ORDER = """\
syntax = "proto3";
package acme.orders;

message OrderCreated {
  string order_id = 1;
  int64 total_cents = 2;
  string currency = 3;
}
"""


def repository(root: Path) -> None:
    (root / "order.proto").write_text(ORDER)
    (root / "buf.yaml").write_text("version: v2\nbreaking:\n  use:\n    - WIRE_JSON\n")
    (root / "accord.toml").write_text(
        '[[schemas]]\npath = "order.proto"\nsubject = "orders-value"\ntype = "PROTOBUF"\n'
    )
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "one"], cwd=root, check=True)
    (root / "order.proto").write_text(
        ORDER.replace("  string currency = 3;\n", "  string currency = 3;\n  string note = 4;\n")
    )


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + sys) of running `command` (a baseline's command starts with its
    PYTHONPATH)."""
    environment = None
    if command[0].startswith("PYTHONPATH="):
        environment = {**os.environ, "PYTHONPATH": command[0].removeprefix("PYTHONPATH=")}
        command = command[1:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="another checkout of Accord, to compare with")
    options = parser.parse_args()
    for checkout in filter(None, (ROOT, options.baseline)):
        for package in ("client", "registry", "contracts"):
            compileall.compile_dir(checkout / package, quiet=1)
    buf = "buf breaking --against .git#ref=HEAD"
    cases = {
        f"{buf} (npm wrapper)": [str(BUF_WRAPPER), "breaking", "--against", ".git#ref=HEAD"],
        f"{buf} (native binary)": [str(BUF_NATIVE), "breaking", "--against", ".git#ref=HEAD"],
        "accord schema check --against git:HEAD": [ACCORD, "schema", "check", "--against", "git:HEAD"],
        "accord schema check --against git:HEAD --buf-category WIRE_JSON": [
            ACCORD,
            "schema",
            "check",
            "--against",
            "git:HEAD",
            "--buf-category",
            "WIRE_JSON",
        ],
        "accord --help": [ACCORD, "--help"],
        "python -c pass (floor of any Python command)": [sys.executable, "-c", "pass"],
    }
    if options.baseline:
        baseline = [f"PYTHONPATH={options.baseline}", sys.executable, "-c", BASELINE_MAIN]
        cases["baseline: accord schema check --against git:HEAD"] = [
            *baseline,
            "schema",
            "check",
            "--against",
            "git:HEAD",
        ]
        cases["baseline: accord --help"] = [*baseline, "--help"]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        repository(root)
        for command in cases.values():  # warm the page cache once
            timed(command, root)
        for _ in range(options.runs):
            for name, command in cases.items():
                samples[name].append(timed(command, root))
    wall = {name: statistics.median(value[0] for value in values) for name, values in samples.items()}
    cpu = {name: statistics.median(value[1] for value in values) for name, values in samples.items()}
    npm, native = f"{buf} (npm wrapper)", f"{buf} (native binary)"
    print(f"one-file .proto pair, {options.runs} rounds, cases alternating; {os.cpu_count()} cores")
    print(f"{'':66s} {'wall':>9s} {'cpu':>9s}  wall vs buf npm/native  cpu vs buf npm/native")
    for name in cases:
        print(
            f"{name:66s} {wall[name] * 1000:6.0f} ms {cpu[name] * 1000:6.0f} ms  "
            f"{wall[name] / wall[npm]:5.2f}x {wall[name] / wall[native]:5.2f}x      "
            f"{cpu[name] / cpu[npm]:5.2f}x {cpu[name] / cpu[native]:5.2f}x"
        )


if __name__ == "__main__":
    main()
