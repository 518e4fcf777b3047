"""`.proto` files in the schema commands: their imports as references, protoc's errors and findings on
`.proto` lines, Buf's breaking categories, and the event conventions for Protobuf messages.

Each module is imported by the command that needs it, so commands on Avro or JSON Schema files never
load protoc.
"""
