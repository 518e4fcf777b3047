"""Where in the data a place in an Avro schema applies: `#/fields/2/type/items/fields/0` is
`$.items[*].sku`. Named types are followed where they are used, as compatibility paths follow them."""

from __future__ import annotations

from client.paths import child_path
from registry.compatibility.avro.model import Array, AvroType, Field, Map, Record, Union
from registry.compatibility.schema import pointer_tokens


def data_path(root: AvroType, pointer: str) -> str:
    """The JSON path of the datum that the type or attribute at `pointer` describes."""
    tokens = pointer_tokens(pointer)
    node: AvroType | Field = root
    path = "$"
    position = 0
    while position < len(tokens):
        token = tokens[position]
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if isinstance(node, Record) and token == "fields" and following.isdigit():
            if int(following) >= len(node.fields):
                break
            node = node.fields[int(following)]
            path, position = child_path(path, node.name), position + 2
        elif isinstance(node, Field) and token == "type":
            node, position = node.type, position + 1
        elif isinstance(node, Union) and token.isdigit() and int(token) < len(node.branches):
            node, position = node.branches[int(token)], position + 1
        elif isinstance(node, Array) and token == "items":
            node, path, position = node.items, f"{path}[*]", position + 1
        elif isinstance(node, Map) and token == "values":
            node, path, position = node.values, f"{path}.*", position + 1
        else:
            break  # an attribute (name, symbols, size, default): it describes the datum reached so far
    return path
