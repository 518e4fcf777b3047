"""Benchmarks, not tests: each compares Accord with a named peer or floor in the same run.

Run one with `.venv/bin/python -m bench.<name>`; results and commands are in docs/performance.md.
"""
