"""Benchmarks: each compares Accord with a named peer in the same run (`python -m bench.<name>`);
results and commands are written up in docs/performance.md."""
