"""Upcasting: functions that turn an old version of an event's data into the next one, applied on consume
after the data was validated against its writer's schema, so handlers only ever see the current shape.

Avro resolves an old writer's data to the reader's schema by itself; JSON Schema has no such resolution,
so a consumer of JSON events registers a step per version instead:

    upcasters = Upcasters()

    @upcasters.register("OrderCreated", from_version=1)
    def total_in_cents(data):                       # v1 had "total": 12.5 (euros)
        data["totalCents"] = round(data.pop("total") * 100)
        return data

    deserializer = UpcastingDeserializer(registry, upcasters)   # an EventDeserializer

The version is the envelope's eventVersion (the writer schema's version under its subject). Steps chain
(1→2→3); the current version of an event type is the highest a step leads to. An event at a version with
no path to the current one, or whose step raises, is an UpcastError: a DeserializationError, so it goes
to the dead-letter queue with its reason like any message that cannot be read. Events at or above the
current version, and event types without steps, pass unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from client.cloudevents import Headers
from client.envelope import Envelope
from client.errors import DeserializationError
from client.schemas import SchemaSource
from client.serde import EventDeserializer

__all__ = ["UpcastError", "Upcaster", "Upcasters", "UpcastingDeserializer"]

Upcaster = Callable[[dict[str, Any]], Mapping[str, Any]]


class UpcastError(DeserializationError):
    """An old event could not be brought to the current version of its type."""


class Upcasters:
    """The steps from each old version of an event type's data to the next."""

    def __init__(self) -> None:
        self._steps: dict[str, dict[int, tuple[int, Upcaster]]] = {}

    def register(
        self, event_type: str, *, from_version: int, to_version: int | None = None
    ) -> Callable[[Upcaster], Upcaster]:
        """Decorate the function that turns `event_type`'s data at `from_version` into `to_version`
        (the next version unless said otherwise: a version that was never published may be skipped)."""
        target = from_version + 1 if to_version is None else to_version
        if from_version < 1 or target <= from_version:
            raise ValueError("an upcaster goes from a version (1 or more) to a later one")

        def add(step: Upcaster) -> Upcaster:
            steps = self._steps.setdefault(event_type, {})
            if from_version in steps:
                raise ValueError(f"{event_type} already has an upcaster from version {from_version}")
            steps[from_version] = (target, step)
            return step

        return add

    def current_version(self, event_type: str) -> int | None:
        """The version that `event_type`'s steps lead to, or None when it has none."""
        steps = self._steps.get(event_type)
        return max(target for target, _ in steps.values()) if steps else None

    def upcast(
        self, envelope: Envelope, *, raw: bytes = b"", headers: Mapping[str, str | bytes | None] | None = None
    ) -> Envelope:
        """`envelope` at the current version of its type (the same object when nothing had to change)."""
        steps = self._steps.get(envelope.event_type)
        if not steps:
            return envelope
        current = max(target for target, _ in steps.values())
        version = envelope.event_version
        if version is not None and version >= current:
            return envelope
        if version is None or not isinstance(envelope.data, Mapping):
            raise UpcastError(
                f"{envelope.event_type} event {envelope.event_id} has "
                f"{'no eventVersion' if version is None else 'data that is not a mapping'}: cannot upcast it "
                f"to version {current}",
                raw=raw,
                headers=headers,
            )
        data = dict(envelope.data)
        while version < current:
            if version not in steps:
                raise UpcastError(
                    f"{envelope.event_type} has no upcaster from version {version} "
                    f"(event {envelope.event_id}; the current version is {current})",
                    raw=raw,
                    headers=headers,
                )
            target, step = steps[version]
            try:
                data = dict(step(data))
            except Exception as error:
                raise UpcastError(
                    f"upcasting {envelope.event_type} event {envelope.event_id} from version {version} "
                    f"to {target} failed: {type(error).__name__}: {error}",
                    raw=raw,
                    headers=headers,
                ) from error
            version = target
        return dataclasses.replace(envelope, data=data, event_version=version)


class UpcastingDeserializer(EventDeserializer):
    """An EventDeserializer whose envelopes are upcast to the current version of their type."""

    def __init__(self, registry: SchemaSource, upcasters: Upcasters, **options: Any) -> None:
        super().__init__(registry, **options)
        self.upcasters = upcasters

    def deserialize(self, value: bytes, headers: Headers | None = None) -> Envelope:
        envelope = super().deserialize(value, headers)
        return self.upcasters.upcast(envelope, raw=value, headers=_mapping(headers))


def _mapping(headers: Headers | None) -> Mapping[str, str | bytes | None] | None:
    if headers is None or isinstance(headers, Mapping):
        return headers
    return dict(headers)
