"""A `.proto` side of `accord schema diff` read from git (`git:REF:PATH`), with its imports.

The file at REF is written into a temporary directory at its place in the repository, and so are the
files it imports (transitively) from the import roots at REF, so that side compiles against its own
imports, not the working tree's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from registry.cli.errors import CliError
from registry.cli.git import GIT_PREFIX, read_blobs, run_git


@dataclass(frozen=True, slots=True)
class GitSide:
    """The file as written out, and the import roots it resolves from."""

    path: Path
    import_roots: list[Path]


@contextmanager
def git_side(value: str, import_roots: Sequence[Path]) -> Iterator[GitSide]:
    """The file that `git:REF:PATH` names (PATH relative to the working directory), with its imports
    from `import_roots` (default: the file's folder) as they are at REF."""
    ref, _, path = value.removeprefix(GIT_PREFIX).partition(":")
    if not ref or not path:
        raise CliError(
            f"{value!r}: an earlier side from git is written git:REF:PATH, like git:main:schemas/a.avsc"
        )
    failure = f"{Path.cwd()} is not inside a git repository, so {value} cannot be read"
    top = Path(run_git(["rev-parse", "--show-toplevel"], cwd=Path.cwd(), failure=failure).decode().strip())
    target = (Path.cwd() / path).resolve()
    name = _relative(target, top, value)
    blobs = read_blobs(top, ref, [name], missing_ok=True)
    if name not in blobs:
        raise CliError(f"{value}: there is no {name} at {ref}")
    roots = [_relative(root.resolve(), top, value) for root in import_roots] or [str(Path(name).parent)]
    with tempfile.TemporaryDirectory(prefix="accord-diff-") as directory:
        scratch = Path(directory)
        _write(scratch / name, blobs[name])
        if target.suffix == ".proto":
            _write_imports(top, ref, scratch, roots, blobs[name].decode("utf-8", "replace"))
        yield GitSide(scratch / name, [scratch / root for root in roots])


def _write_imports(top: Path, ref: str, scratch: Path, roots: Sequence[str], text: str) -> None:
    from registry.cli.proto.imports import imports_of, needs_reference

    pending, seen = [text], set()
    while pending:
        for imported in imports_of(pending.pop()):
            if imported in seen or not needs_reference(imported):
                continue
            seen.add(imported)
            candidates = [str(Path(root) / imported) for root in roots]
            found = read_blobs(top, ref, candidates, missing_ok=True)
            for candidate in candidates:
                if candidate in found:
                    _write(scratch / candidate, found[candidate])
                    pending.append(found[candidate].decode("utf-8", "replace"))
                    break


def _relative(path: Path, top: Path, value: str) -> str:
    try:
        return path.relative_to(top.resolve()).as_posix()
    except ValueError:
        raise CliError(f"{value}: {path} is outside the git repository at {top}") from None


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
