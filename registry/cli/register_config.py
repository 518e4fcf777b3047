"""The `metadata` and `ruleSet` a `[[schemas]]` entry declares, in the shapes Confluent's register
body takes, checked when the config is read rather than when the registry is called.

metadata = { properties = { owner = "team-orders" }, tags = { "$.total" = ["PII"] }, sensitive = [] }
ruleSet = { domainRules = [{ name = "positive", kind = "CONDITION", type = "CEL", mode = "WRITE",
            expr = "message.total > 0" }] }
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SchemaMetadata(BaseModel):
    """Confluent's schema metadata: tags by path, free-form properties, sensitive property names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tags: dict[str, tuple[str, ...]] | None = None
    properties: dict[str, str] | None = None
    sensitive: tuple[str, ...] | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class Rule(BaseModel):
    """One data-contract rule; the fields a rule executor reads beyond these are kept as they are."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str = Field(min_length=1)
    kind: Literal["CONDITION", "TRANSFORM"]
    mode: Literal["UPGRADE", "DOWNGRADE", "UPDOWN", "WRITE", "READ", "WRITEREAD"]
    type: str = Field(min_length=1)


class RuleSet(BaseModel):
    """Confluent's rule set: migration, domain and encoding rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    migration_rules: tuple[Rule, ...] | None = Field(default=None, alias="migrationRules")
    domain_rules: tuple[Rule, ...] | None = Field(default=None, alias="domainRules")
    encoding_rules: tuple[Rule, ...] | None = Field(default=None, alias="encodingRules")

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)
