"""The comparison of a writer schema with a reader schema: does the reader admit every value the writer
admits?

A schema is read as a conjunction: its own keywords plus what its `allOf` members (and, from draft
2019-09, its `$ref`) add. Each keyword group of each reader conjunct must be implied by the writer; the
group modules (strings, numbers, objects, arrays, combinations, general) decide that and report what
changed in Confluent's vocabulary. Whatever cannot be decided is reported incompatible, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from registry.compatibility.jsonschema.differences import Difference, DifferenceType, is_compatible
from registry.compatibility.jsonschema.nodes import unchanged
from registry.compatibility.jsonschema.values import ALL_ATOMS, atoms_equal_to, freeze, type_atoms
from registry.compatibility.levels import CompatibilityPolicy
from registry.compatibility.schema import Roles

if TYPE_CHECKING:
    from collections.abc import Callable

    from registry.compatibility.jsonschema.nodes import Node

MAX_STEPS = 100_000
"""Subschema pairs one check may compare before it gives up (and says incompatible): a guard against
schemas whose shared definitions multiply the work exponentially."""
MAX_NESTING = 96
"""Subschema pairs that may be under comparison inside one another (`$ref` chains make this deeper than
the document)."""


class Part(NamedTuple):
    """One conjunct of a schema, with its place among the conjuncts (to pair it with the other schema's)
    and the path reported for what it contains."""

    node: Node
    role: tuple[str, ...]
    path: str


class Scope:
    """The writer as a whole, for the keyword groups of one reader conjunct."""

    def __init__(self, writer: Node, writer_parts: list[Part], reader_parts: list[Part]) -> None:
        self.writer = writer
        self.writer_parts = writer_parts
        self.reader_parts = reader_parts
        self.writer_types = value_types(writer_parts)

    @cached_property
    def writer_required(self) -> frozenset[str]:
        """Property names every writer value carries."""
        return frozenset(name for part in self.writer_parts for name in required_names(part.node))

    @cached_property
    def writer_properties(self) -> frozenset[str]:
        """Property names some writer conjunct declares."""
        return frozenset(name for part in self.writer_parts for name in (part.node.get("properties") or {}))


class _Shared:
    """What a comparison and all its trials share: the keyword groups and the guards that keep recursive
    and exponentially branching schemas finite."""

    def __init__(self, groups: tuple[KeywordGroup, ...]) -> None:
        self.groups = groups
        self.groups_by_keyword: dict[str, list[int]] = {}
        for index, group in enumerate(groups):
            for keyword in group.keywords:
                self.groups_by_keyword.setdefault(keyword, []).append(index)
        self.steps = 0
        self.nesting = 0
        self.in_progress: dict[tuple[int, int], int] = {}
        self.results: dict[tuple[object, ...], list[tuple[DifferenceType, str, str]]] = {}


@dataclass(frozen=True, slots=True)
class KeywordGroup:
    """Keywords judged together. A group is skipped when neither schema uses any of its `keywords`, or
    when the writer admits no value of the types it constrains (`atoms`; None: every type)."""

    keywords: frozenset[str]
    atoms: frozenset[str] | None
    check: Callable[[Comparison, Scope, Node | None, Node, str], None]


class Comparison:
    """The differences found so far between a writer and a reader, and the rules that judge them."""

    def __init__(self, *, roles: Roles, policy: CompatibilityPolicy, shared: _Shared, depth: int = 0) -> None:
        self.roles = roles
        self.policy = policy
        self.differences: list[Difference] = []
        self._shared = shared
        self.depth = depth  # how many values deep into an instance the comparison has descended

    @property
    def reader(self) -> str:
        return self.roles.reader

    @property
    def writer(self) -> str:
        return self.roles.writer

    def add(self, kind: DifferenceType, path: str, detail: str = "") -> None:
        self.differences.append(Difference(kind, path, detail))

    @property
    def compatible(self) -> bool:
        return all(is_compatible(difference.type, self.policy) for difference in self.differences)

    def incompatible_differences(self) -> list[Difference]:
        return [d for d in self.differences if not is_compatible(d.type, self.policy)]

    def trial(self, *, swap_roles: bool = False, strict: bool = False) -> Comparison:
        """A comparison whose differences are kept apart, to try one way of showing compatibility.

        `strict` judges it by STRICT whatever the policy: LENIENT relaxes how a schema evolves, not what
        proves that one subschema implies an unrelated one."""
        return Comparison(
            roles=Roles(reader=self.writer, writer=self.reader) if swap_roles else self.roles,
            policy=CompatibilityPolicy.STRICT if strict else self.policy,
            shared=self._shared,
            depth=self.depth,
        )

    def adopt(self, trial: Comparison) -> None:
        self.differences.extend(trial.differences)

    def admits(
        self, writer: Node, reader: Node, path: str, *, descend: bool = False, strict: bool = False
    ) -> Comparison:
        """A trial of whether `reader` admits everything `writer` does, with its reasons."""
        trial = self.trial(strict=strict)
        trial.compare(writer, reader, path, descend=descend)
        return trial

    def compare(self, writer: Node, reader: Node, path: str, *, descend: bool = False) -> None:
        """Compare two subschemas; `descend` when they constrain a value nested in the current one."""
        if _identical(writer, reader):
            return
        if writer.has_references or reader.has_references:
            self._compare(writer, reader, path, descend)
            return
        # Without `$ref`s a subschema means the same wherever it is written: schemas that repeat a shape
        # (a money amount, an address) are compared once per shape.
        key = (
            writer.fingerprint,
            writer.draft.name,
            reader.fingerprint,
            reader.draft.name,
            self.policy,
            self.roles.reader,
            self.roles.writer,
        )
        base = path.rstrip("/")
        known = self._shared.results.get(key)
        if known is None:
            first = len(self.differences)
            self._compare(writer, reader, path, descend)
            known = [
                (d.type, "" if d.path == path else d.path[len(base) :], d.detail)
                for d in self.differences[first:]
            ]
            self._shared.results[key] = known
            return
        for kind, suffix, detail in known:
            self.add(kind, base + suffix if suffix else path, detail)

    def _compare(self, writer: Node, reader: Node, path: str, descend: bool) -> None:
        depth = self.depth + descend
        pair = (id(writer.contents), id(reader.contents))
        if not self._may_enter(pair, depth, path):
            return
        shared = self._shared
        shared.in_progress[pair] = depth
        shared.nesting += 1
        self.depth = depth
        try:
            self._compare_conjuncts(writer, reader, path)
        finally:
            self.depth -= descend
            shared.nesting -= 1
            del shared.in_progress[pair]

    def _may_enter(self, pair: tuple[int, int], depth: int, path: str) -> bool:
        shared = self._shared
        shared.steps += 1
        if shared.steps > MAX_STEPS or shared.nesting >= MAX_NESTING:
            self.add(
                DifferenceType.COMPARISON_UNDECIDED,
                path,
                "the schemas are too large or too deeply nested to compare completely, so the change is "
                "refused; split the schema into smaller referenced schemas",
            )
            return False
        entered_at = shared.in_progress.get(pair)
        if entered_at is None:
            return True
        if depth <= entered_at:
            self.add(
                DifferenceType.COMPARISON_UNDECIDED,
                path,
                "the schema refers back to itself without describing a value nested in the current one, "
                "so no validator can finish checking it; make each recursive $ref describe a nested value",
            )
        # Deeper inside the value the pair may be assumed compatible: a counterexample would have to show
        # up at a shallower depth first.
        return False

    def _compare_conjuncts(self, writer: Node, reader: Node, path: str) -> None:
        writer_parts = conjuncts(writer, path)
        if writer_parts is None:
            return  # the writer admits nothing, so the reader reads all of it
        reader_parts = conjuncts(reader, path)
        if (
            reader_parts
            and len(writer_parts) == len(reader_parts) == 1
            and _identical(writer_parts[0].node, reader_parts[0].node)
        ):
            return  # two `$ref`s to schemas written identically
        if reader_parts is None:
            self.add(
                DifferenceType.TYPE_NARROWED,
                path,
                f"the {self.reader} schema admits no value here (false), the {self.writer} schema does",
            )
            return
        scope = Scope(writer, writer_parts, reader_parts)
        groups, by_keyword = self._shared.groups, self._shared.groups_by_keyword
        for part in reader_parts:
            aligned = _aligned(part, writer_parts)
            used = part.node.contents.keys() | (aligned.node.contents.keys() if aligned else ())
            for index in sorted({index for keyword in used for index in by_keyword.get(keyword, ())}):
                group = groups[index]
                if group.atoms is None or not group.atoms.isdisjoint(scope.writer_types):
                    self._check_group(group, scope, aligned, part)

    def _check_group(self, group: KeywordGroup, scope: Scope, aligned: Part | None, part: Part) -> None:
        aligned_node = aligned.node if aligned else None
        if len(scope.writer_parts) <= 1:
            group.check(self, scope, aligned_node, part.node, part.path)
            return
        # Several writer conjuncts: the reader's constraint may be implied by any one of them.
        first = self.trial()
        group.check(first, scope, aligned_node, part.node, part.path)
        if first.compatible:
            self.adopt(first)
            return
        for other in scope.writer_parts:
            if other is not aligned:
                alternative = self.trial(strict=True)
                group.check(alternative, scope, other.node, part.node, part.path)
                if alternative.compatible:
                    return
        self.adopt(first)


def compare_schemas(
    writer: Node,
    reader: Node,
    *,
    roles: Roles,
    policy: CompatibilityPolicy,
    groups: tuple[KeywordGroup, ...],
) -> list[Difference]:
    """Every difference between `writer` and `reader`, as seen from the reader."""
    comparison = Comparison(roles=roles, policy=policy, shared=_Shared(groups))
    comparison.compare(writer, reader, "#/")
    return comparison.differences


def _identical(writer: Node, reader: Node) -> bool:
    return unchanged(writer, writer.contents, reader, reader.contents)


def _aligned(part: Part, writer_parts: list[Part]) -> Part | None:
    """The writer conjunct to report a reader conjunct's changes against: the one in the same place, except
    that a reader written out in full pairs with the one schema a bare writer wrapper points to."""
    for candidate in writer_parts:
        if candidate.role == part.role:
            if (
                not candidate.role
                and len(writer_parts) == 2
                and _has_substance(part.node)
                and not _has_substance(candidate.node)
            ):
                return writer_parts[1]
            return candidate
    return None


def _has_substance(node: Node) -> bool:
    wrappers = {"$ref", "allOf", "$defs", "definitions", "$schema", "$id", "id"}
    return any(keyword not in wrappers for keyword in node.contents)


def conjuncts(node: Node, path: str) -> list[Part] | None:
    """The parts whose constraints all apply to a value of `node`; None when one of them is `false`."""
    contents = node.contents
    if type(contents) is dict and "allOf" not in contents and "$ref" not in contents:
        return [Part(node, (), path)]  # the common case, kept cheap
    parts: list[Part] = []
    seen: set[int] = set()
    pending: list[tuple[Node, tuple[str, ...], str]] = [(node, (), path)]
    while pending:
        current, role, where = pending.pop()
        current = dereference(current)
        contents = current.contents
        if contents is True:
            continue
        if contents is False:
            return None
        if id(contents) in seen:
            continue  # an `allOf` cycle: a conjunct already counted adds nothing
        seen.add(id(contents))
        parts.append(Part(current, role, where))
        nested: list[tuple[Node, tuple[str, ...], str]] = []
        members = current.get("allOf")
        if isinstance(members, list):
            nested.extend(
                (current.child(member), (*role, "allOf", str(index)), f"{where.rstrip('/')}/allOf/{index}")
                for index, member in enumerate(members)
            )
        reference = current.get("$ref")
        if isinstance(reference, str) and not current.draft.ref_overrides_siblings:
            nested.append((current.follow(reference), (*role, "$ref"), where))
        pending.extend(reversed(nested))
    return parts


def dereference(node: Node) -> Node:
    """In drafts 4-7 a schema with `$ref` is the schema it points to (parsing refused `$ref` cycles)."""
    while node.draft.ref_overrides_siblings and type(node.contents) is dict and "$ref" in node.contents:
        reference = node.contents["$ref"]
        if not isinstance(reference, str):
            break
        node = node.follow(reference)
    return node


def value_types(parts: list[Part]) -> frozenset[str]:
    """The types of the values every part admits, from `type`, `enum` and `const`."""
    atoms = ALL_ATOMS
    for part in parts:
        declared = part.node.get("type")
        if declared is not None:
            atoms &= type_atoms(declared, part.node.draft)
        values = allowed_values(part.node)
        if values is not None:
            atoms &= frozenset().union(*(atoms_equal_to(value) for value in values))
    return atoms


def allowed_values(node: Node) -> list[object] | None:
    """The values `enum` and `const` allow (None when neither is present)."""
    enum = node.get("enum")
    const_present = (
        type(node.contents) is dict and "const" in node.contents and "const" in node.draft.keywords
    )
    if const_present and not (node.draft.ref_overrides_siblings and "$ref" in node.contents):
        const = node.contents["const"]
        if isinstance(enum, list):
            return [value for value in enum if freeze(value) == freeze(const)]
        return [const]
    return list(enum) if isinstance(enum, list) else None


def required_names(node: Node) -> list[str]:
    required = node.get("required")
    return [name for name in required if isinstance(name, str)] if isinstance(required, list) else []


def child_path(path: str, *segments: str) -> str:
    """`path` extended by JSON pointer segments (escaped)."""
    joined = "/".join(segments)
    if "~" in joined or any("/" in segment for segment in segments):
        joined = "/".join(segment.replace("~", "~0").replace("/", "~1") for segment in segments)
    return f"{path.rstrip('/')}/{joined}"
