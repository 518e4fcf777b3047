"""`accord schema check` of a `.proto` change against git, against `buf breaking` on the same pair, in one
run.

    .venv/bin/python -m bench.cli_protobuf [--runs 15]

A git repository holds one `.proto` file (OrderCreated, one message) committed once and then changed
(a field added). Each round runs, in turn: `buf breaking --against .git#ref=HEAD` (Buf's npm wrapper,
as `npx buf` or node_modules/.bin/buf runs it, and the native binary inside the package), `accord
schema check --against git:HEAD` (Accord's Confluent rules), the same with `--buf-category WIRE_JSON`,
`accord --help`, and `python -c pass` as the floor of any Python command. Medians and ratios to Buf.

The Python sources are byte-compiled first, as `pip install` does for an installed package (this tree
is an editable install, and the environment may set PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import compileall
import os
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
    (root / "accord.toml").write_text('[[schemas]]\npath = "order.proto"\nsubject = "orders-value"\n')
    git = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "one"], cwd=root, check=True)
    (root / "order.proto").write_text(
        ORDER.replace("  string currency = 3;\n", "  string currency = 3;\n  string note = 4;\n")
    )


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    for package in ("client", "registry", "contracts"):
        compileall.compile_dir(ROOT / package, quiet=1)
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
    samples: dict[str, list[float]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        repository(root)
        for command in cases.values():  # warm the page cache once
            timed(command, root)
        for _ in range(options.runs):
            for name, command in cases.items():
                samples[name].append(timed(command, root))
    buf_median = statistics.median(samples[f"{buf} (npm wrapper)"])
    native_median = statistics.median(samples[f"{buf} (native binary)"])
    print(f"one-file .proto pair, {options.runs} rounds, cases alternating; {os.cpu_count()} cores")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:66s} median {median * 1000:7.1f} ms  min {min(values) * 1000:7.1f} ms  "
            f"{median / buf_median:5.2f}x buf (npm)  {median / native_median:5.2f}x buf (native)"
        )


if __name__ == "__main__":
    main()
