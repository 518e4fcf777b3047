"""JSON Schema: parsing (drafts 4, 6, 7, 2019-09, 2020-12) and a sound reader/writer comparison that
reports Confluent's difference types."""

from registry.compatibility.jsonschema.differences import Difference, DifferenceType
from registry.compatibility.jsonschema.parser import parse_json_schema
from registry.compatibility.jsonschema.schema import JsonSchema

__all__ = ["Difference", "DifferenceType", "JsonSchema", "parse_json_schema"]
