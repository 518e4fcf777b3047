"""The base of Confluent's JSON bodies: camelCase names on the wire, snake_case in Python, unknown
fields ignored, and Java's int bounds for ids, versions, offsets and limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class Payload(BaseModel):
    """Confluent's camelCase field names on the wire, snake_case in Python; unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)
