"""The comparison of a writer schema with a reader schema: does the reader admit every value the writer
admits?

A schema is read as a conjunction: its own keywords plus what its `allOf` members (and, from draft
2019-09, its `$ref`) add. Each keyword group of each reader conjunct must be implied by the writer; the
group modules (strings, numbers, objects, arrays, combinations, general) decide that and report what
changed in Confluent's vocabulary. Whatever cannot be decided is reported incompatible, never assumed.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.differences import Difference, DifferenceType, is_compatible
from registry.compatibility.jsonschema.values import ALL_ATOMS, atom_of, freeze, type_atoms
from registry.compatibility.levels import CompatibilityPolicy
from registry.compatibility.schema import Roles

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from registry.compatibility.jsonschema.nodes import Node

MAX_STEPS = 100_000
"""Subschema pairs one check may compare before it gives up (and says incompatible): a guard against
schemas whose shared definitions multiply the work exponentially."""
MAX_NESTING = 96
"""Subschema pairs that may be under comparison inside one another (`$ref` chains make this deeper than
the document)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One conjunct of a schema, with its place among the conjuncts (to pair it with the other schema's)
    and the path reported for what it contains."""

    node: Node
    role: tuple[str, ...]
    path: str


@dataclass(frozen=True, slots=True)
class Scope:
    """The writer as a whole, for the keyword groups of one reader conjunct."""

    writer: Node
    writer_parts: list[Part]
    reader_parts: list[Part]
    writer_types: frozenset[str]
    writer_required: frozenset[str]
    writer_properties: frozenset[str]


class _Shared:
    """What a comparison and all its trials share: the keyword groups and the guards that keep recursive
    and exponentially branching schemas finite."""

    def __init__(self, groups: tuple[KeywordGroup, ...]) -> None:
        self.groups = groups
        self.steps = 0
        self.nesting = 0
        self.in_progress: dict[tuple[int, int], int] = {}


@dataclass(frozen=True, slots=True)
class KeywordGroup:
    """Keywords judged together. `atoms` are the value types they constrain (None: every type); a group
    is skipped when the writer admits no value of those types."""

    atoms: frozenset[str] | None
    check: Callable[[Comparison, Scope, Node | None, Node, str], None]


class Comparison:
    """The differences found so far between a writer and a reader, and the rules that judge them."""

    def __init__(
        self, *, roles: Roles, policy: CompatibilityPolicy, groups: tuple[KeywordGroup, ...] = ()
    ) -> None:
        self.roles = roles
        self.policy = policy
        self.differences: list[Difference] = []
        self._shared = _Shared(groups)
        self.depth = 0  # how many values deep into an instance the comparison has descended

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
        roles = Roles(reader=self.writer, writer=self.reader) if swap_roles else self.roles
        trial = Comparison(roles=roles, policy=CompatibilityPolicy.STRICT if strict else self.policy)
        trial._shared = self._shared
        trial.depth = self.depth
        return trial

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
        if descend:
            self.depth += 1
        try:
            with self._entered(writer, reader, path) as entered:
                if entered:
                    self._compare_conjuncts(writer, reader, path)
        finally:
            if descend:
                self.depth -= 1

    @contextmanager
    def _entered(self, writer: Node, reader: Node, path: str) -> Iterator[bool]:
        shared = self._shared
        shared.steps += 1
        if shared.steps > MAX_STEPS or shared.nesting >= MAX_NESTING:
            self.add(
                DifferenceType.COMPARISON_UNDECIDED,
                path,
                "the schemas are too large or too deeply nested to compare completely, so the change is "
                "refused; split the schema into smaller referenced schemas",
            )
            yield False
            return
        pair = (id(writer.contents), id(reader.contents))
        entered_at = shared.in_progress.get(pair)
        if entered_at is not None:
            if self.depth <= entered_at:
                self.add(
                    DifferenceType.COMPARISON_UNDECIDED,
                    path,
                    "the schema refers back to itself without describing a value nested in the current "
                    "one, so no validator can finish checking it; make each recursive $ref describe a "
                    "nested value",
                )
            # Deeper inside the value the pair may be assumed compatible: a counterexample would have to
            # show up at a shallower depth first.
            yield False
            return
        shared.in_progress[pair] = self.depth
        shared.nesting += 1
        try:
            yield True
        finally:
            shared.nesting -= 1
            del shared.in_progress[pair]

    def _compare_conjuncts(self, writer: Node, reader: Node, path: str) -> None:
        writer_parts = conjuncts(writer, path)
        if writer_parts is None:
            return  # the writer admits nothing, so the reader reads all of it
        reader_parts = conjuncts(reader, path)
        if reader_parts is None:
            self.add(
                DifferenceType.TYPE_NARROWED,
                path,
                f"the {self.reader} schema admits no value here (false), the {self.writer} schema does",
            )
            return
        scope = Scope(
            writer=writer,
            writer_parts=writer_parts,
            reader_parts=reader_parts,
            writer_types=value_types(writer_parts),
            writer_required=frozenset(name for part in writer_parts for name in required_names(part.node)),
            writer_properties=frozenset(
                name for part in writer_parts for name in (part.node.get("properties") or {})
            ),
        )
        for part in reader_parts:
            aligned = _aligned(part, writer_parts)
            for group in self._shared.groups:
                if group.atoms is None or group.atoms & scope.writer_types:
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
    comparison = Comparison(roles=roles, policy=policy, groups=groups)
    comparison.compare(writer, reader, "#/")
    return comparison.differences


def _identical(writer: Node, reader: Node) -> bool:
    if writer.contents is reader.contents and writer.index is reader.index:
        return True
    return (
        writer.draft is reader.draft
        and writer.fingerprint == reader.fingerprint
        and not writer.has_references
        and not reader.has_references
    )


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
            atoms &= frozenset(atom_of(value) for value in values)
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
    escaped = "/".join(segment.replace("~", "~0").replace("/", "~1") for segment in segments)
    return f"{path.rstrip('/')}/{escaped}"
