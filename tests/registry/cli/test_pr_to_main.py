"""A scripted pull request, from branch to main, as docs/ci.md sets CI up: on the PR, `check --against
git:main`, `check` against the registry and `register --dry-run`; on main after the merge, `register`.
Whatever the change, the PR's verdict is main's, and a refused change leaves the registry as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS
from tests.registry.cli.conftest import (
    ID,
    NOTE_WITH_DEFAULT,
    TOTAL,
    TOTAL_AS_STRING,
    avro_record,
    commit_all,
    git,
    subject,
)

ORDERS = Path("schemas/orders.avsc")


def _write(text: str) -> Callable[[Path], None]:
    return lambda root: (root / ORDERS).write_text(text)


def _with_level(level: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        config = root / "accord.toml"
        config.write_text(config.read_text() + f'compatibility = "{level}"\n')
        (root / ORDERS).write_text(text)

    return change


CHANGES = {
    "compatible": (_write(avro_record("OrderCreated", ID, TOTAL, NOTE_WITH_DEFAULT)), None, EXIT_CLEAN),
    "breaking": (_write(avro_record("OrderCreated", ID, TOTAL_AS_STRING)), None, EXIT_VIOLATIONS),
    "invalid": (
        _write(avro_record("OrderCreated", ID, {"name": "n", "type": "strin"})),
        None,
        EXIT_VIOLATIONS,
    ),
    # the config lowers the subject's level to NONE in the same PR: the breaking change is accepted
    "looser-level": (_with_level("NONE", avro_record("OrderCreated", ID, TOTAL_AS_STRING)), None, EXIT_CLEAN),
    # the registry has NONE, the config asks for FULL, and dropping `total` is not FORWARD-compatible
    "stricter-level": (_with_level("FULL", avro_record("OrderCreated", ID)), "NONE", EXIT_VIOLATIONS),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_the_pull_request_verdict_is_the_verdict_on_main(run, project: Path, registry_url: str, name: str):
    change, registry_level, expected = CHANGES[name]
    orders = subject(project, "orders")
    (project / ORDERS).write_text(avro_record("OrderCreated", ID, TOTAL))
    commit_all(project, "orders v1")
    if registry_level is not None:
        httpx.put(
            f"{registry_url}/config/{orders}", json={"compatibility": registry_level}
        ).raise_for_status()
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN  # main's CI
    before = _registry_state(registry_url, orders)

    git(project, "checkout", "--quiet", "-b", "change")
    change(project)
    commit_all(project, name)
    on_the_pr = [
        run("schema", "check", "--against", "git:main"),
        run("schema", "check", "--registry", registry_url),
        run("schema", "register", "--dry-run", "--registry", registry_url),
    ]
    assert _registry_state(registry_url, orders) == before  # a PR changes nothing
    git(project, "checkout", "--quiet", "main")
    git(project, "merge", "--quiet", "--ff-only", "change")
    on_main = run("schema", "register", "--registry", registry_url)

    assert [result.exit_code for result in on_the_pr] == [expected] * 3, [r.stdout for r in on_the_pr]
    assert on_main.exit_code == expected, on_main.stdout
    if expected == EXIT_VIOLATIONS:
        assert _registry_state(registry_url, orders) == before
    else:
        assert _registry_state(registry_url, orders)[0] == [1, 2]


def _registry_state(registry_url: str, name: str) -> tuple[list[int], object]:
    """The subject's versions and its own compatibility settings."""
    versions = httpx.get(f"{registry_url}/subjects/{name}/versions").json()
    config = httpx.get(f"{registry_url}/config/{name}", params={"defaultToGlobal": "false"})
    return versions, config.json() if config.status_code == 200 else None
