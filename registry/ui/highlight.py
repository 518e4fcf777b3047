"""Schema text as a person reads it: pretty-printed, and split into lines of highlighted tokens.

Highlighting runs on the server with Pygments, so pages need no script and no outside service. Tokens
stay plain data (CSS class, text) that the templates escape, so no markup is built from schema text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pygments.lexers import JsonLexer, ProtoBufLexer
from pygments.token import STANDARD_TYPES

from registry.compatibility import SchemaType

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

Token = tuple[str, str]  # (CSS class, text)
Line = tuple[Token, ...]

_LEXERS: dict[SchemaType, type[Lexer]] = {
    SchemaType.AVRO: JsonLexer,
    SchemaType.JSON: JsonLexer,
    SchemaType.PROTOBUF: ProtoBufLexer,
}


def pretty_schema(text: str, schema_type: SchemaType) -> str:
    """The schema indented for reading; JSON keys keep their registered order."""
    if _LEXERS[schema_type] is not JsonLexer:
        return text
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def highlight_lines(text: str, schema_type: SchemaType) -> list[Line]:
    """`text` as lines of (CSS class, text) tokens; the lines joined by newlines give `text` back."""
    lines: list[list[Token]] = [[]]
    for token_type, value in _LEXERS[schema_type]().get_tokens(text):
        css_class = _css_class(token_type)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((css_class, piece))
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the lexer ends its output with a newline of its own
    return [tuple(line) for line in lines]


def line_text(line: Line) -> str:
    return "".join(text for _, text in line)


def _css_class(token_type: _TokenType) -> str:
    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return f"tok-{STANDARD_TYPES[token_type]}" if STANDARD_TYPES[token_type] else ""
