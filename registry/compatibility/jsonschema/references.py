"""Where `$ref`s lead: the schema itself and the schemas it references by name, never the network."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit, urlunsplit

from referencing import Registry
from referencing.exceptions import NoSuchResource, PointerToNowhere, Unresolvable

from registry.compatibility.schema import SchemaParseError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from referencing._core import Resolver

    from registry.compatibility.jsonschema.drafts import Draft


_FRAGMENT_SAFE = "/~!$&'()*+,;=:@"


def refuse_to_retrieve(uri: str) -> NoReturn:
    """The registry's retrieve hook: a schema that is not registered is never fetched (no http, no files)."""
    raise NoSuchResource(uri)


def build_registry(
    root: tuple[Any, Draft], references: Sequence[tuple[str, Any, Draft]]
) -> tuple[Registry[Any], str]:
    """A registry holding the schema and each referenced schema under its reference name; returns it and
    the schema's base URI."""
    document, draft = root
    base = (draft.specification.id_of(document) if isinstance(document, dict) else None) or ""
    registry: Registry[Any] = Registry(retrieve=refuse_to_retrieve)  # type: ignore[call-arg]
    registry = registry.with_resource(base, draft.specification.create_resource(crawlable(document)))
    for name, contents, reference_draft in references:
        resource = reference_draft.specification.create_resource(crawlable(contents))
        # A schema with an absolute `$id` resolves a reference name against it, and normalization
        # respells `$ref`s ("./address.json" -> "address.json"): each spelling finds the reference.
        spellings = {name, normalize_reference(name)}
        for spelling in spellings | {urljoin(base, spelling) for spelling in spellings}:
            registry = registry.with_resource(spelling, resource)
    return registry.crawl(), base


def crawlable(node: Any) -> Any:
    """The document as `referencing` can crawl it.

    `referencing` takes every value of `dependencies` for a subschema when the first one is, and fails
    on a property-dependency array beside schema dependencies (legal in drafts 4 to 7). The arrays hold
    no subschemas, so they are left out of what it crawls; the document itself is not changed. Every
    part that needs no change is the document's own object, so what a `$ref` resolves to is the very
    subschema the parser inspected (its checks know subschemas by identity).
    """
    if isinstance(node, list):
        items = [crawlable(item) for item in node]
        return node if all(new is old for new, old in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    copy = {key: crawlable(value) for key, value in node.items()}
    dependencies = copy.get("dependencies")
    if isinstance(dependencies, dict) and any(isinstance(value, list) for value in dependencies.values()):
        copy["dependencies"] = {
            key: value for key, value in dependencies.items() if not isinstance(value, list)
        }
    return node if all(copy[key] is value for key, value in node.items()) else copy


def check_resolves(resolver: Resolver[Any], reference: str, *, path: str) -> None:
    """Raise a precise SchemaParseError unless `reference` resolves."""
    try:
        resolver.lookup(reference)
    except PointerToNowhere as error:
        raise SchemaParseError(
            f"$ref {reference!r} points to nothing: no subschema at {error.ref!r}", path=path
        ) from None
    except Unresolvable as error:
        target, _fragment = urldefrag(reference)
        if target:
            raise SchemaParseError(
                f"$ref {reference!r} names no schema reference of this schema; remote and file schemas are "
                f"never fetched, so register {target!r} as a schema and list it in `references` with "
                "that name",
                path=path,
            ) from None
        raise SchemaParseError(f"$ref {reference!r} cannot be resolved: {error}", path=path) from None


def normalize_reference(reference: str) -> str:
    """One spelling for `$ref`s that mean the same: lower-case scheme and host, a normalized path, no
    empty fragment, and a fragment percent-encoded only where it must be."""
    target, fragment = urldefrag(reference)
    if target:
        parts = urlsplit(target)
        path = posixpath.normpath(parts.path) if parts.path else ""
        if parts.path.endswith("/") and not path.endswith("/"):
            path += "/"
        target = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    if not fragment:
        return target or "#"
    return f"{target}#{quote(unquote(fragment), safe=_FRAGMENT_SAFE)}"
