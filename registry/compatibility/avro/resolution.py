"""Whether a reader schema can read everything a writer schema writes (Avro schema resolution, checked
statically), decided case for case as Apache Avro's reader/writer compatibility checker decides it.

The check has three steps, none of them recursive in Python, so no schema, however deep or
recursive, can exhaust the stack:

1. Explore: each pair of (reader, writer) records, arrays, maps and unions reachable from the two
   roots becomes one node. What can be decided on the spot (primitives and promotions, names,
   fixed sizes, enum symbols, missing defaults) becomes a finding of the node; the rest are edges
   to the nodes of the parts.
2. Settle: a greatest fixed point. Every node starts compatible; a node with a finding or an
   incompatible part, and a reader-union node none of whose branches fits, turns incompatible,
   and that spreads to the nodes that depend on it. Recursive types therefore resolve exactly.
3. Report: from the root, walk the incompatible nodes in schema order and collect their findings,
   each with its JSON-pointer path in the reader schema.

Where Apache's Python checker differs, the engine follows the specification and Java (which
Confluent's registry runs): a short alias is resolved against its type's namespace; a reader field
missing from the writer is READER_FIELD_MISSING_DEFAULT_VALUE even when its enum type has a default
(Apache compares that enum with the whole writer record and says TYPE_MISMATCH); and a recursive
type is settled exactly, where Apache's memo can keep a result computed on an assumption that later
fails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from registry.compatibility.avro.model import (
    PRIMITIVE_KINDS,
    PROMOTIONS,
    Array,
    AvroType,
    Enum,
    Fixed,
    Map,
    Named,
    Record,
    Union,
)
from registry.compatibility.avro.normalization import fingerprint

NAME_MISMATCH = "NAME_MISMATCH"
FIXED_SIZE_MISMATCH = "FIXED_SIZE_MISMATCH"
MISSING_ENUM_SYMBOLS = "MISSING_ENUM_SYMBOLS"
READER_FIELD_MISSING_DEFAULT_VALUE = "READER_FIELD_MISSING_DEFAULT_VALUE"
TYPE_MISMATCH = "TYPE_MISMATCH"
MISSING_UNION_BRANCH = "MISSING_UNION_BRANCH"


class FieldStep(NamedTuple):
    """The step into a record's field in a path; it prints as JSON pointers spell it, `fields/2`."""

    position: int
    name: str

    def __str__(self) -> str:
        return f"fields/{self.position}"


Step = FieldStep | str | int


@dataclass(frozen=True, slots=True)
class ResolutionFailure:
    """One reason the reader cannot read the writer's data.

    `path` leads from the reader's root to the problem, through the reader schema. `writer_branch`
    is set when the writer's value comes from that branch of a writer union. `detail` is what the
    type needs: the missing symbols, the reader field without a default, or for a missing union
    branch the finding that explains why the closest branch does not fit (or None).
    """

    type: str
    path: tuple[Step, ...]
    reader: AvroType
    writer: AvroType
    writer_branch: int | None = None
    detail: Any = None

    def under(self, prefix: tuple[Step, ...]) -> ResolutionFailure:
        return ResolutionFailure(
            self.type, prefix + self.path, self.reader, self.writer, self.writer_branch, self.detail
        )


def find_incompatibilities(reader: AvroType, writer: AvroType) -> list[ResolutionFailure]:
    """Why `reader` cannot read data written with `writer`; empty when it always can."""
    return _Resolution().run(reader, writer)


@dataclass(eq=False, slots=True)
class _Edge:
    steps: tuple[Step, ...]
    child: _Pair
    writer_branch: int | None


@dataclass(eq=False, slots=True)
class _Pair:
    """One (reader, writer) comparison. A choice pair has a reader union and a writer that is not
    a union: it holds when any branch fits, and its edges lead to the branches that need a look."""

    reader: AvroType
    writer: AvroType
    is_choice: bool = False
    entries: list[ResolutionFailure | _Edge] = field(default_factory=list)
    compatible: bool = True
    open_choices: int = 0
    dependents: list[_Pair] = field(default_factory=list)


class _Resolution:
    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], _Pair] = {}
        self.unexplored: list[_Pair] = []

    def run(self, reader: AvroType, writer: AvroType) -> list[ResolutionFailure]:
        top = _Pair(reader, writer)
        self._compare(top, (), reader, writer, None)
        while self.unexplored:
            self._explore(self.unexplored.pop())
        self._settle()
        return self._findings(top, with_reasons=True)

    # Step 1: explore.

    def _pair(self, reader: AvroType, writer: AvroType, *, is_choice: bool = False) -> _Pair:
        key = (id(reader), id(writer))
        pair = self.pairs.get(key)
        if pair is None:
            pair = self.pairs[key] = _Pair(reader, writer, is_choice)
            self.unexplored.append(pair)
        return pair

    def _link(self, parent: _Pair, steps: tuple[Step, ...], child: _Pair, writer_branch: int | None) -> None:
        parent.entries.append(_Edge(steps, child, writer_branch))
        child.dependents.append(parent)

    def _compare(
        self,
        pair: _Pair,
        steps: tuple[Step, ...],
        reader: AvroType,
        writer: AvroType,
        writer_branch: int | None,
    ) -> None:
        """Record in `pair` whether `reader` reads `writer`, at `steps` below the pair."""
        if reader is writer:
            return
        reader_kind, writer_kind = reader.kind, writer.kind
        if reader_kind == writer_kind:
            if reader_kind in PRIMITIVE_KINDS or _identical(reader, writer):
                return
            if isinstance(reader, (Enum, Fixed)):
                pair.entries.extend(_named_findings(steps, reader, writer, writer_branch))
            else:
                self._link(pair, steps, self._pair(reader, writer), writer_branch)
        elif writer_kind == "union":
            assert isinstance(writer, Union)
            for index, branch in enumerate(writer.branches):
                self._compare(pair, steps, reader, branch, index)
        elif reader_kind == "union":
            assert isinstance(reader, Union)
            self._compare_with_union(pair, steps, reader, writer, writer_branch)
        elif writer_kind not in PROMOTIONS.get(reader_kind, ()):
            pair.entries.append(ResolutionFailure(TYPE_MISMATCH, steps, reader, writer, writer_branch))

    def _compare_with_union(
        self, pair: _Pair, steps: tuple[Step, ...], reader: Union, writer: AvroType, writer_branch: int | None
    ) -> None:
        """A reader union reads a (non-union) writer type when any of its branches does."""
        to_explore = []
        for branch in reader.branches:
            verdict = _shallow_verdict(branch, writer)
            if verdict:
                return
            if verdict is None:
                to_explore.append(branch)
        if not to_explore:
            reason = _closest_branch_reason(reader, writer)
            pair.entries.append(
                ResolutionFailure(MISSING_UNION_BRANCH, steps, reader, writer, writer_branch, reason)
            )
            return
        choice = self._pair(reader, writer, is_choice=True)
        self._link(pair, steps, choice, writer_branch)

    def _explore(self, pair: _Pair) -> None:
        reader, writer = pair.reader, pair.writer
        if pair.is_choice:
            assert isinstance(reader, Union)
            for index, branch in enumerate(reader.branches):
                if _shallow_verdict(branch, writer) is None:
                    self._link(pair, (index,), self._pair(branch, writer), None)
            pair.open_choices = len(pair.entries)
        elif isinstance(reader, Record):
            assert isinstance(writer, Record)
            self._explore_records(pair, reader, writer)
        elif isinstance(reader, Array):
            assert isinstance(writer, Array)
            self._compare(pair, ("items",), reader.items, writer.items, None)
        elif isinstance(reader, Map):
            assert isinstance(writer, Map)
            self._compare(pair, ("values",), reader.values, writer.values, None)
        else:
            assert isinstance(reader, Union)
            assert isinstance(writer, Union)
            for index, branch in enumerate(writer.branches):
                self._compare_with_union(pair, (), reader, branch, index)

    def _explore_records(self, pair: _Pair, reader: Record, writer: Record) -> None:
        if not reader.answers_to(writer):
            pair.entries.append(ResolutionFailure(NAME_MISMATCH, ("name",), reader, writer))
        writer_fields = writer.fields_by_name
        for reader_field in reader.fields:
            writer_field = writer_fields.get(reader_field.name) or writer.writer_field_for(reader_field)
            if writer_field is None:
                if not reader_field.has_default:
                    step = FieldStep(reader_field.index, reader_field.name)
                    pair.entries.append(
                        ResolutionFailure(
                            READER_FIELD_MISSING_DEFAULT_VALUE, (step,), reader, writer, detail=reader_field
                        )
                    )
                continue
            reader_type, writer_type = reader_field.type, writer_field.type
            # The common case, an unchanged field, needs no steps built.
            if reader_type is writer_type:
                continue
            kind = reader_type.kind
            if kind == writer_type.kind and (kind in PRIMITIVE_KINDS or _identical(reader_type, writer_type)):
                continue
            steps = (FieldStep(reader_field.index, reader_field.name), "type")
            self._compare(pair, steps, reader_type, writer_type, None)

    # Step 2: settle.

    def _settle(self) -> None:
        failing = _failing_pairs(self.pairs.values(), assumed=set())
        for pair in self.pairs.values():
            pair.compatible = id(pair) not in failing

    # Step 3: report.

    def _findings(
        self, top: _Pair, *, with_reasons: bool, assumed: AbstractSet[int] = frozenset()
    ) -> list[ResolutionFailure]:
        if all(isinstance(entry, _Edge) and entry.child.compatible for entry in top.entries):
            return []
        # Leaving out the echoes of a recursive type's failure reads better, but the verdict must
        # never depend on it: if nothing else is left, report everything.
        return self._report(
            top, with_reasons=with_reasons, skip_echoes=True, assumed=assumed
        ) or self._report(top, with_reasons=with_reasons, skip_echoes=False)

    def _report(
        self, top: _Pair, *, with_reasons: bool, skip_echoes: bool, assumed: AbstractSet[int] = frozenset()
    ) -> list[ResolutionFailure]:
        """The findings of the failing pairs under `top`, in schema order, each pair once.

        With `skip_echoes`, a union is not reported when it fails only because a pair already being
        reported further up fails, as when a recursive type reaches itself: Apache's checker counts
        the pairs it is still checking as compatible, and reports the cause where it is. `assumed`
        are such pairs from an enclosing walk.
        """
        findings: list[ResolutionFailure] = []
        visited: set[int] = set()
        on_path: set[int] = set(assumed)
        walking: list[tuple[Any, tuple[Step, ...], _Pair]] = [(iter(top.entries), (), top)]
        while walking:
            entries, prefix, pair = walking[-1]
            entry = next(entries, None)
            if entry is None:
                walking.pop()
                on_path.discard(id(pair))
            elif isinstance(entry, ResolutionFailure):
                findings.append(entry.under(prefix))
            elif not entry.child.compatible:
                child = entry.child
                path = prefix + entry.steps
                if child.is_choice:
                    if skip_echoes and not _fails_assuming(child, on_path):
                        continue
                    reason = self._closest_choice_reason(child, on_path) if with_reasons else None
                    findings.append(
                        ResolutionFailure(
                            MISSING_UNION_BRANCH,
                            path,
                            child.reader,
                            child.writer,
                            entry.writer_branch,
                            reason,
                        )
                    )
                elif id(child) not in visited:
                    visited.add(id(child))
                    on_path.add(id(child))
                    walking.append((iter(child.entries), path, child))
        return findings

    def _closest_choice_reason(self, choice: _Pair, assumed: AbstractSet[int]) -> ResolutionFailure | None:
        """Why the reader branch that looks meant for the writer's type (same kind and name) does not
        fit, found by a separate walk."""
        assert isinstance(choice.reader, Union)
        closest = _closest_branch(choice.reader, choice.writer)
        if closest is None:
            return None
        index, branch = closest
        branch_pair = self.pairs.get((id(branch), id(choice.writer)))
        if branch_pair is None:
            return _closest_branch_reason(choice.reader, choice.writer)
        top = _Pair(branch, choice.writer, entries=[_Edge((index,), branch_pair, None)])
        inner = self._findings(top, with_reasons=False, assumed=assumed | {id(choice)})
        return inner[0] if inner else None


def _identical(reader: Any, writer: Any) -> bool:
    """Whether two types of the same non-primitive kind (so with a fingerprint) are the same graph."""
    return (reader.fingerprint or fingerprint(reader)) == (writer.fingerprint or fingerprint(writer))


def _failing_pairs(pairs: Iterable[_Pair], assumed: AbstractSet[int]) -> set[int]:
    """The ids of the incompatible pairs among `pairs`, as a greatest fixed point.

    Every pair starts compatible. A pair fails when it has a finding or a part of it fails; a choice
    fails when every branch it could use fails. Pairs in `assumed`, and pairs not among `pairs`,
    count as compatible.
    """
    members = {id(pair): pair for pair in pairs if id(pair) not in assumed}
    # A choice with a branch that counts as compatible holds, whatever else fails.
    for key, pair in list(members.items()):
        if pair.is_choice and any(id(_edge(entry).child) not in members for entry in pair.entries):
            del members[key]
    open_choices = {key: len(pair.entries) for key, pair in members.items() if pair.is_choice}
    failing = deque(
        pair
        for pair in members.values()
        if not pair.is_choice and any(isinstance(entry, ResolutionFailure) for entry in pair.entries)
    )
    failed = {id(pair) for pair in failing}
    while failing:
        for dependent in failing.popleft().dependents:
            key = id(dependent)
            if key not in members or key in failed:
                continue
            if dependent.is_choice:
                open_choices[key] -= 1
                if open_choices[key]:
                    continue
            failed.add(key)
            failing.append(dependent)
    return failed


def _fails_assuming(choice: _Pair, assumed: AbstractSet[int]) -> bool:
    """Whether `choice` still fails when the pairs in `assumed` count as compatible."""
    reachable: dict[int, _Pair] = {}
    pending = [choice]
    while pending:
        pair = pending.pop()
        if id(pair) in reachable or id(pair) in assumed:
            continue
        reachable[id(pair)] = pair
        pending.extend(entry.child for entry in pair.entries if isinstance(entry, _Edge))
    return id(choice) in _failing_pairs(reachable.values(), assumed)


def _edge(entry: ResolutionFailure | _Edge) -> _Edge:
    assert isinstance(entry, _Edge)
    return entry


def _shallow_verdict(reader: AvroType, writer: AvroType) -> bool | None:
    """Whether a non-union reader reads a non-union writer, when that shows without looking at parts;
    None for two records, two arrays or two maps."""
    if reader is writer:
        return True
    if reader.kind != writer.kind:
        return writer.kind in PROMOTIONS.get(reader.kind, ())
    if reader.kind in PRIMITIVE_KINDS or _identical(reader, writer):
        return True
    if isinstance(reader, (Enum, Fixed)):
        return not _named_findings((), reader, writer, None)
    return None


def _named_findings(
    steps: tuple[Step, ...], reader: Enum | Fixed, writer: AvroType, writer_branch: int | None
) -> list[ResolutionFailure]:
    assert isinstance(writer, Named)
    findings = []
    if not reader.answers_to(writer):
        findings.append(ResolutionFailure(NAME_MISMATCH, (*steps, "name"), reader, writer, writer_branch))
    if isinstance(reader, Fixed):
        assert isinstance(writer, Fixed)
        if reader.size != writer.size:
            findings.append(
                ResolutionFailure(FIXED_SIZE_MISMATCH, (*steps, "size"), reader, writer, writer_branch)
            )
    else:
        assert isinstance(writer, Enum)
        missing = [symbol for symbol in writer.symbols if symbol not in reader.symbols]
        if missing and reader.default is None:
            findings.append(
                ResolutionFailure(
                    MISSING_ENUM_SYMBOLS, (*steps, "symbols"), reader, writer, writer_branch, tuple(missing)
                )
            )
    return findings


def _closest_branch(union: Union, writer: AvroType) -> tuple[int, AvroType] | None:
    """The reader branch (and its index) of the writer's kind and, for named types, name, if there is
    exactly one."""
    same_kind = [(index, branch) for index, branch in enumerate(union.branches) if branch.kind == writer.kind]
    if isinstance(writer, Named):
        named = [(index, branch) for index, branch in same_kind if _named(branch).answers_to(writer)]
        same_kind = named or same_kind
    return same_kind[0] if len(same_kind) == 1 else None


def _closest_branch_reason(union: Union, writer: AvroType) -> ResolutionFailure | None:
    closest = _closest_branch(union, writer)
    if closest is not None and isinstance(closest[1], (Enum, Fixed)):
        findings = _named_findings((closest[0],), closest[1], writer, None)
        return findings[0] if findings else None
    return None


def _named(avro_type: AvroType) -> Named:
    assert isinstance(avro_type, Named)
    return avro_type
