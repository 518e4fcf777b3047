"""Accord's contract-test harness: consumer expectations, producer samples, verification."""

__all__: list[str] = []
