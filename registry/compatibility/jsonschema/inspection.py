"""The checks parsing makes on every subschema, so that comparisons never meet a `$ref` that leads nowhere,
a regular expression that does not compile, a subschema no metaschema looked at, or an endless cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import best_match

from client import patterns
from registry.compatibility.jsonschema.references import check_resolves
from registry.compatibility.jsonschema.subschemas import child_schemas, pointer
from registry.compatibility.schema import SchemaParseError

if TYPE_CHECKING:
    from referencing._core import Resolver

    from registry.compatibility.jsonschema.drafts import Draft

# Keywords that apply their subschemas to the same value: a cycle through them alone never ends.
_IN_PLACE_KEYWORDS = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"}
)
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


def check_metaschema(document: Any, draft: Draft, *, context: str = "", at: tuple[str, ...] = ()) -> None:
    """Raise SchemaParseError with the failing keyword and its JSON pointer unless `document` is valid
    under its draft's metaschema (`at` locates a subschema checked on its own)."""
    validator = draft.validator(draft.validator.META_SCHEMA, format_checker=draft.validator.FORMAT_CHECKER)
    violation = best_match(validator.iter_errors(document))
    if violation is not None:
        raise SchemaParseError(
            f"{context}Invalid JSON Schema: it breaks the {draft} metaschema: {violation.message} "
            f"(metaschema keyword {violation.validator!r})",
            path=pointer((*at, *(str(segment) for segment in violation.absolute_path))),
        )


class Inspection:
    """One walk over every subschema of a schema and of the schemas it references."""

    def __init__(self) -> None:
        self.drafts: dict[int, Draft] = {}
        self._in_place: dict[int, list[int]] = {}
        self._located: dict[int, tuple[str, tuple[str, ...]]] = {}
        # Subschemas under keywords the metaschema does not describe (such as `$defs` in draft-07).
        self._unchecked: dict[int, tuple[Any, Draft]] = {}
        self._referenced: set[int] = set()

    def walk(self, context: str, document: Any, draft: Draft, resolver: Resolver[Any]) -> None:
        checked_containers = (
            draft.keywords | {"definitions"} | ({"$defs"} if draft.name in ("2019-09", "2020-12") else set())
        )
        pending: list[tuple[Any, Resolver[Any], tuple[str, ...], bool]] = [(document, resolver, (), True)]
        while pending:
            contents, resolver, segments, checked = pending.pop()
            if not isinstance(contents, dict):
                continue
            if isinstance(contents.get("$id"), str) or isinstance(contents.get("id"), str):
                resolver = resolver.in_subresource(draft.specification.create_resource(contents))
            self.drafts[id(contents)] = draft
            self._located[id(contents)] = (context, segments)
            if not checked:
                self._unchecked[id(contents)] = (contents, draft)
            _check_patterns(contents, context=context, segments=segments)
            successors = self._references(contents, resolver, context=context, segments=segments)
            ref_alone = draft.ref_overrides_siblings and "$ref" in contents
            for child_segments, child in child_schemas(contents):
                keyword = child_segments[0]
                checked_child = checked and keyword in checked_containers
                pending.append((child, resolver, (*segments, *child_segments), checked_child))
                if keyword in _IN_PLACE_KEYWORDS and not ref_alone:
                    successors.append(id(child))
            self._in_place[id(contents)] = successors

    def _references(
        self, contents: dict[str, Any], resolver: Resolver[Any], *, context: str, segments: tuple[str, ...]
    ) -> list[int]:
        targets = []
        for keyword in _REFERENCE_KEYWORDS:
            reference = contents.get(keyword)
            if isinstance(reference, str):
                try:
                    check_resolves(resolver, reference, path=pointer((*segments, keyword)))
                except SchemaParseError as error:
                    raise SchemaParseError(f"{context}{error.message}", path=error.path) from None
                targets.append(id(resolver.lookup(reference).contents))
        self._referenced.update(targets)
        return targets

    def finish(self) -> dict[int, Draft]:
        """Check what references reach outside the metaschema's view, refuse endless cycles, and return the
        draft of every subschema by object identity."""
        for target in self._referenced & self._unchecked.keys():
            contents, draft = self._unchecked[target]
            context, segments = self._located[target]
            check_metaschema(contents, draft, context=context, at=segments)
        self._refuse_endless_cycles()
        return self.drafts

    def _refuse_endless_cycles(self) -> None:
        """Refuse schemas that reach themselves through `$ref`/`allOf`/`anyOf`/... without describing a
        nested value: validating some values against them would never end."""
        finished: set[int] = set()
        for start in self._in_place:
            if start in finished:
                continue
            on_path = {start}
            stack = [(start, iter(self._in_place.get(start, ())))]
            while stack:
                node, successors = stack[-1]
                following = next(successors, None)
                if following is None:
                    stack.pop()
                    on_path.discard(node)
                    finished.add(node)
                elif following in on_path:
                    context, segments = self._located[following]
                    raise SchemaParseError(
                        f"{context}Invalid JSON Schema: the subschema refers back to itself through $ref "
                        "or a combining keyword without describing a nested value, so validation would never "
                        "end",
                        path=pointer(segments),
                    )
                elif following not in finished:
                    on_path.add(following)
                    stack.append((following, iter(self._in_place.get(following, ()))))


def _check_patterns(contents: dict[str, Any], *, context: str, segments: tuple[str, ...]) -> None:
    expressions = []
    if isinstance(contents.get("pattern"), str):
        expressions.append((contents["pattern"], (*segments, "pattern")))
    if isinstance(contents.get("patternProperties"), dict):
        expressions.extend((key, (*segments, "patternProperties")) for key in contents["patternProperties"])
    for expression, where in expressions:
        try:
            patterns.check(expression)
        except patterns.InvalidPatternError as error:
            raise SchemaParseError(f"{context}Invalid JSON Schema: {error}", path=pointer(where)) from None
