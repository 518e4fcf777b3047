"""Which files a check or lint looks at: the paths given (`PATHS`, `--path`), or with
`--changed-since git:REF` the files changed since REF (what a pull request touched).

Changed means: differs between the merge base of REF and HEAD and the working tree, or is untracked.
A file that refers to a changed file is checked too (its meaning changed). When the configuration
file changed, or a schema file was deleted, every file is checked: levels may have changed, and a
deleted subject is found only by looking at them all.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from registry.cli.errors import CliError
from registry.cli.git import GIT_PREFIX
from registry.cli.project import SCHEMA_TYPES_BY_SUFFIX, Project, SchemaFile


def select(project: Project, paths: Sequence[Path], changed_since: str | None) -> list[SchemaFile]:
    """The configured files in scope (all of them when neither paths nor a ref narrow it)."""
    files = project.select(paths)
    if changed_since is None:
        return files
    ref = changed_since.removeprefix(GIT_PREFIX)
    if not changed_since.startswith(GIT_PREFIX) or not ref:
        raise CliError(f"--changed-since takes git:REF (like git:origin/main), not {changed_since!r}")
    changed = changed_paths(project.root, ref)
    deleted = any(path.suffix in SCHEMA_TYPES_BY_SUFFIX and not path.exists() for path in changed)
    if project.config_path in changed or deleted:
        return files
    all_files = project.schema_files()
    chosen = {file.path for file in files if file.path in changed}
    grew = True
    while grew:  # add the files that refer to a chosen one, until none is added
        grew = False
        for file in all_files:
            if file.path in chosen:
                continue
            targets = (project.reference_target(reference, all_files) for reference in file.references)
            if any(target is not None and target.path in chosen for target in targets):
                chosen.add(file.path)
                grew = True
    return [file for file in files if file.path in chosen]


def changed_paths(root: Path, ref: str) -> set[Path]:
    """Absolute paths changed since the merge base of `ref` and HEAD (committed or not), and untracked."""
    top = Path(_git(["rev-parse", "--show-toplevel"], root, f"{root} is not inside a git repository"))
    base = _git(["merge-base", ref, "HEAD"], top, f"unknown git ref {ref!r}, or no history shared with HEAD")
    names = _git(["diff", "--name-only", "-z", "--no-renames", base], top, "git diff failed").split("\0")
    untracked = ["ls-files", "--others", "--exclude-standard", "-z"]
    names += _git(untracked, top, "git ls-files failed").split("\0")
    return {(top / name).resolve() for name in names if name}


def _git(arguments: list[str], cwd: Path, failure: str) -> str:
    try:
        completed = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CliError("git is not installed, but --changed-since needs it") from None
    if completed.returncode != 0:
        raise CliError(f"{failure}: {completed.stderr.strip()}")
    return completed.stdout.strip("\n") if "-z" not in arguments else completed.stdout
