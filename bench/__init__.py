"""Benchmarks, not tests: run one with `.venv/bin/python -m bench.<name>`; results in docs/performance.md."""
