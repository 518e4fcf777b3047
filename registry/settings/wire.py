"""Confluent's JSON shapes of config and mode."""

from __future__ import annotations

from registry.settings.service import ConfigView
from registry.web.payload import Payload


class ConfigUpdatePayload(Payload):
    """PUT /config: `compatibility` (Confluent's name; `compatibilityLevel` is accepted too)."""

    compatibility: str | None = None
    compatibility_level: str | None = None
    compatibility_policy: str | None = None
    normalize: bool | None = None


class ModeUpdatePayload(Payload):
    """PUT /mode."""

    mode: str


class ConfigResponse(Payload):
    """GET and DELETE /config."""

    compatibility_level: str | None = None
    compatibility_policy: str | None = None
    normalize: bool | None = None

    @classmethod
    def of(cls, view: ConfigView) -> ConfigResponse:
        return cls(
            compatibility_level=view.level.value,
            compatibility_policy=None if view.policy is None else view.policy.value,
            normalize=view.normalize,
        )


class ModeResponse(Payload):
    """GET and DELETE /mode."""

    mode: str
