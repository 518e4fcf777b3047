"""Avro schemas: parsing with located errors, normalization, and the reader/writer check.

The check decides as Apache Avro's `SchemaCompatibility` (the checker Confluent's registry runs)
does, and reports each incompatibility with Avro's type name, a JSON pointer into the reader schema
and a message that says what to do.
"""

from registry.compatibility.avro.schema import AvroSchema, parse_avro

__all__ = ["AvroSchema", "parse_avro"]
