"""Accord's client library: event envelopes validated and serialized on publish and consume."""

__all__: list[str] = []
