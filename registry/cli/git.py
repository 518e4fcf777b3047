"""The project as it was at a git ref, for `--against git:REF`: no registry needed.

Only the configuration file and the files under the configured schema paths are read from git
(`git ls-tree`, one `git cat-file --batch`), into a temporary directory, so the old tree is resolved
by exactly the same code as the working tree.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from registry.cli.errors import CliError
from registry.cli.project import CONFIG_NAMES, Project, ProjectConfig, display_path

GIT_PREFIX = "git:"


@contextmanager
def project_at(ref: str, project: Project) -> Iterator[Project | None]:
    """The project at `ref` (None when the ref has no configuration file there yet)."""
    failure = f"{project.root} is not inside a git repository, so --against git:{ref} cannot work"
    try:  # one process answers both: where the repository is, and which commit the ref names
        output = run_git(
            ["rev-parse", "--show-toplevel", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=project.root
        )
    except CliError:
        run_git(["rev-parse", "--show-toplevel"], cwd=project.root, failure=failure)
        raise CliError(f"unknown git ref {ref!r}") from None
    top = Path(output.decode().splitlines()[0].strip())
    prefix = project.root.relative_to(top.resolve()).as_posix()
    names = (project.config_path.name, *(name for name in CONFIG_NAMES if name != project.config_path.name))
    config_names = [_join(prefix, name) for name in names]
    present = read_blobs(top, ref, config_names, missing_ok=True)
    if not present:
        yield None
        return
    config_name = next(name for name in config_names if name in present)
    config_text = present[config_name]
    with tempfile.TemporaryDirectory(prefix="accord-git-") as directory:
        old_config_path = Path(directory) / config_name
        old = Project.parse(old_config_path, config_text.decode("utf-8"))
        schema_names = _files_at(top, ref, [_join(prefix, path) for path in _static_prefixes(old.config)])
        for name, content in read_blobs(top, ref, schema_names).items():
            target = Path(directory) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        yield old


def read_at(value: str) -> tuple[str, str, str]:
    """The file a `git:REF:PATH` value names (PATH relative to the working directory, like a plain
    path), as (how reports name it, where its findings are, its text)."""
    ref, separator, path = value.removeprefix(GIT_PREFIX).partition(":")
    if not ref or not separator or not path:
        raise CliError(f"{value!r} is not git:REF:PATH (like git:origin/main:schemas/orders.avsc)")
    cwd = Path.cwd()
    run_git(["rev-parse", "--show-toplevel"], cwd=cwd, failure=f"{cwd} is not inside a git repository")
    verify = ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"]
    run_git(verify, cwd=cwd, failure=f"unknown git ref {ref!r}")
    blob = run_git(
        ["cat-file", "blob", f"{ref}:./{path}"], cwd=cwd, failure=f"{path} does not exist at {ref}"
    )
    try:
        return f"{ref}:{path}", display_path((cwd / path).resolve()), blob.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path} at {ref} is not UTF-8 text") from None


def original_path(old: Project, current: Project, path: Path) -> Path:
    """Where a file of the old tree lives in the working tree."""
    return current.root / path.relative_to(old.root)


def parse_against(value: str) -> str | None:
    """The git ref of an `--against git:REF` value, or None for `--against registry`."""
    if value == "registry":
        return None
    if value.startswith(GIT_PREFIX) and len(value) > len(GIT_PREFIX):
        return value.removeprefix(GIT_PREFIX)
    raise CliError(f"--against takes git:REF (like git:origin/main) or registry, not {value!r}")


def _static_prefixes(config: ProjectConfig) -> list[str]:
    """The directory (or file) part of each schema path before any glob character."""
    prefixes = []
    for entry in config.schemas:
        static = "/".join(_until_glob(PurePosixPath(entry.path).parts))
        prefixes.append(static or ".")
    return prefixes


def _until_glob(parts: Sequence[str]) -> Iterator[str]:
    for part in parts:
        if any(character in part for character in "*?["):
            return
        yield part


def _files_at(top: Path, ref: str, paths: Sequence[str]) -> list[str]:
    if not paths:
        return []
    listing = run_git(["ls-tree", "-r", "-z", "--name-only", ref, "--", *paths], cwd=top)
    return [name for name in listing.decode().split("\0") if name]


def read_blobs(top: Path, ref: str, names: Sequence[str], *, missing_ok: bool = False) -> dict[str, bytes]:
    """Many files at `ref` from one `git cat-file --batch` process (with `missing_ok`, the ones that
    are there)."""
    if not names:
        return {}
    request = "".join(f"{ref}:{name}\n" for name in names).encode()
    output = run_git(["cat-file", "--batch"], cwd=top, stdin=request)
    blobs: dict[str, bytes] = {}
    offset = 0
    for name in names:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        if missing_ok and header[-1:] == [b"missing"]:
            offset = header_end + 1
            continue
        if len(header) != 3 or header[1] != b"blob":
            raise CliError(f"git cannot read {name} at {ref}")
        size = int(header[2])
        blobs[name] = output[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return blobs


def _join(prefix: str, name: str) -> str:
    return name if prefix in ("", ".") else f"{prefix}/{name}"


def run_git(
    arguments: list[str], *, cwd: Path, stdin: bytes | None = None, failure: str | None = None
) -> bytes:
    """git's output; CliError (`failure`, or git's reason) when git fails or is not installed."""
    try:
        completed = subprocess.run(
            ["git", *arguments], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise CliError("git is not installed, but --against git:REF needs it") from None
    if completed.returncode != 0:
        reason = completed.stderr.decode(errors="replace").strip()
        raise CliError(failure or f"git {arguments[0]} failed in {cwd}: {reason}")
    return completed.stdout
