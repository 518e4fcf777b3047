"""The GitHub Action (action.yml) and the GitLab CI template (ci/gitlab/accord.gitlab-ci.yml): their
structure, and their commands run for real in a git repository (cloned from an `origin`) against a
registry started by the test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.registry.cli.conftest import ID, NOTE_WITH_DEFAULT, TOTAL, TOTAL_AS_STRING, avro_record

ROOT = Path(__file__).resolve().parents[3]
ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "accord.gitlab-ci.yml"
DOCS = ROOT / "docs" / "ci.md"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text())


def gitlab() -> dict[str, Any]:
    return yaml.safe_load(GITLAB.read_text())


# Structure


def test_the_action_is_a_composite_action_whose_steps_call_accord():
    document = action()
    steps = document["runs"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)

    assert document["runs"]["using"] == "composite"
    assert [step.get("uses", "").split("@")[0] for step in steps if "uses" in step] == [
        "actions/setup-python"
    ]
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)
    assert 'accord schema check --against "$against"' in runs
    assert 'accord schema lint --against "$against"' in runs
    assert "accord schema register" in runs
    assert runs.count("--format github") == 2  # annotations on the pull request, and at registration
    assert "--changed-since" in runs
    assert "--strict" in runs


def test_every_input_is_used_and_every_used_input_is_declared():
    document = action()
    declared = set(document["inputs"])
    used = {
        match.removeprefix("inputs.")
        for step in document["runs"]["steps"]
        for value in [
            *step.get("env", {}).values(),
            *step.get("with", {}).values(),
            step.get("if", ""),
            step.get("working-directory", ""),
        ]
        for match in EXPRESSION.findall(str(value)) + re.findall(r"inputs\.[\w-]+", str(value))
        if match.startswith("inputs.")
    }

    assert used == declared
    assert all("description" in spec and "default" in spec for spec in document["inputs"].values())


def test_the_gitlab_template_checks_merge_requests_and_registers_on_the_default_branch():
    document = gitlab()
    check, register = document["accord-check"], document["accord-register"]
    check_script = "\n".join(check["script"])

    assert check["extends"] == register["extends"] == ".accord"
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert register["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert 'accord schema check --against "$against"' in check_script
    assert 'accord schema lint --against "$against"' in check_script
    assert check_script.count("--format gitlab") == 2
    assert check["artifacts"]["reports"]["codequality"] == ["accord-check.json", "accord-lint.json"]
    assert register["script"] == ['accord schema register "${common[@]}"']


def test_the_docs_name_both_files_and_every_input_and_variable():
    docs = DOCS.read_text()

    assert "uses: your-org/accord@" in docs or "action.yml" in docs
    assert "ci/gitlab/accord.gitlab-ci.yml" in docs
    for name in action()["inputs"]:
        assert f"`{name}`" in docs, name
    for name in gitlab()["variables"]:
        assert f"`{name}`" in docs, name


# Execution


def git(cwd: Path, *arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True)
    return completed.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of `origin` whose main has orders and payments; the clone is on branch `pr`."""
    origin, seed = tmp_path / "origin.git", tmp_path / "seed"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    (seed / "schemas").mkdir(parents=True)
    (seed / "accord.toml").write_text('[[schemas]]\npath = "schemas/*.avsc"\nsubject = "{stem}-value"\n')
    (seed / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    (seed / "schemas" / "payments.avsc").write_text(avro_record("PaymentReceived", ID))
    for arguments in (
        ("init", "--quiet", "--initial-branch=main"),
        ("config", "user.email", "ci@example.com"),
        ("config", "user.name", "CI"),
        ("add", "-A"),
        ("commit", "--quiet", "-m", "main"),
        ("remote", "add", "origin", str(origin)),
        ("push", "--quiet", "origin", "main"),
    ):
        git(seed, *arguments)
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    git(work, "config", "user.email", "ci@example.com")
    git(work, "config", "user.name", "CI")
    git(work, "checkout", "--quiet", "-b", "pr")
    return work


def commit(work: Path, message: str) -> None:
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", message)


def environment(**variables: str) -> dict[str, str]:
    """The job's environment: accord (this checkout's) on PATH, no registry unless given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACCORD_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env | variables


def run_action(
    work: Path, event: dict[str, str], inputs: dict[str, str]
) -> list[subprocess.CompletedProcess]:
    """Each run step of action.yml as GitHub would run it: expressions replaced from the inputs (or
    their defaults) and the github context, in bash -eo pipefail, in the working directory."""
    document = action()
    values = {f"inputs.{name}": spec["default"] for name, spec in document["inputs"].items()}
    values |= {f"inputs.{name}": value for name, value in inputs.items()}
    values |= {f"github.{name}": value for name, value in event.items()}
    values["github.action_path"] = str(ROOT)

    def render(text: str) -> str:
        return EXPRESSION.sub(lambda match: values[match.group(1)], text)

    results = []
    for step in document["runs"]["steps"]:
        if "run" not in step:
            continue
        env = environment(**{name: render(str(value)) for name, value in step.get("env", {}).items()})
        cwd = work / render(step.get("working-directory", "."))
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", render(step["run"])]
        results.append(subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False))
    return results


PULL_REQUEST = {"event_name": "pull_request", "base_ref": "main", "ref": "refs/pull/1/merge"}
PUSH_TO_MAIN = {
    "event_name": "push",
    "base_ref": "",
    "ref": "refs/heads/main",
    "event.repository.default_branch": "main",
}


def test_the_action_annotates_a_breaking_pull_request_and_passes_a_compatible_one(clone: Path):
    (clone / "schemas" / "payments.avsc").write_text(avro_record("PaymentReceived", ID, NOTE_WITH_DEFAULT))
    commit(clone, "compatible")
    event = PULL_REQUEST | {"event.repository.default_branch": "main"}

    install, compatible, register = run_action(clone, event, {"install": "none"})
    (clone / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    commit(clone, "breaking")
    _, breaking, _ = run_action(clone, event, {"install": "none"})

    assert install.returncode == 0, install.stderr
    assert compatible.returncode == 0, compatible.stdout + compatible.stderr
    assert register.returncode == 0
    assert "registered" not in register.stdout  # not on a pull request
    assert breaking.returncode == 1
    assert "::error file=schemas/orders.avsc,line=7,col=23,title=TYPE_MISMATCH::" in breaking.stdout


def test_the_action_checks_only_changed_files_and_strict_lint(clone: Path):
    (clone / "schemas" / "refunds.avsc").write_text(
        avro_record("RefundIssued", ID, {"name": "x", "type": "int"})
    )
    commit(clone, "new subject with an undocumented field")
    event = PULL_REQUEST | {"event.repository.default_branch": "main"}

    _, relaxed, _ = run_action(clone, event, {"install": "none", "changed-only": "true"})
    _, strict, _ = run_action(clone, event, {"install": "none", "changed-only": "true", "strict": "true"})

    assert relaxed.returncode == 0
    assert "::warning file=schemas/refunds.avsc,line=7,col=5,title=ACC002::" in relaxed.stdout
    assert "orders" not in relaxed.stdout  # unchanged files are not looked at
    assert strict.returncode == 1


def test_the_action_registers_on_main_and_checks_pull_requests_against_the_registry(
    clone: Path, fresh_registry
):
    url = fresh_registry("action")
    git(clone, "checkout", "--quiet", "main")
    inputs = {"install": "none", "registry-url": url}

    *_, registered = run_action(clone, PUSH_TO_MAIN, inputs)
    git(clone, "checkout", "--quiet", "pr")
    (clone / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL, NOTE_WITH_DEFAULT))
    commit(clone, "a field with a default")
    _, checked, _ = run_action(clone, PULL_REQUEST | {"event.repository.default_branch": "main"}, inputs)
    *_, on_a_branch = run_action(clone, PUSH_TO_MAIN | {"ref": "refs/heads/pr"}, inputs)

    assert registered.returncode == 0, registered.stdout + registered.stderr
    assert httpx.get(f"{url}/subjects").json() == ["orders-value", "payments-value"]
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.count("accord schema check: passed") == 2  # against git, then the registry
    assert on_a_branch.returncode == 0
    assert httpx.get(f"{url}/subjects/orders-value/versions").json() == [1]


def run_gitlab_job(work: Path, job: str, variables: dict[str, str]) -> subprocess.CompletedProcess:
    """A job of the template as a GitLab runner runs it: the template's variables, then the job's
    before_script and script in one bash -eo pipefail shell."""
    document = gitlab()
    spec = document[job] | {
        key: value for key, value in document[".accord"].items() if key not in document[job]
    }
    script = "\n".join([*spec["before_script"], *spec["script"]])
    env = environment(**(document["variables"] | {"CI_PROJECT_DIR": str(work)} | variables))
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)


MERGE_REQUEST = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}


def test_the_gitlab_template_reports_code_quality_and_registers(clone: Path, fresh_registry):
    url = fresh_registry("gitlab")
    (clone / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    commit(clone, "breaking")

    checked = run_gitlab_job(clone, "accord-check", MERGE_REQUEST | {"ACCORD_INSTALL": "none"})
    git(clone, "checkout", "--quiet", "main")
    registered = run_gitlab_job(
        clone, "accord-register", {"ACCORD_INSTALL": "none", "ACCORD_REGISTRY_URL": url}
    )

    assert checked.returncode == 1, checked.stderr
    quality = json.loads((clone / "accord-check.json").read_text())
    assert [(issue["check_name"], issue["location"]["path"]) for issue in quality] == [
        ("TYPE_MISMATCH", "schemas/orders.avsc")
    ]
    assert json.loads((clone / "accord-lint.json").read_text()) == []
    assert registered.returncode == 0, registered.stdout + registered.stderr
    assert httpx.get(f"{url}/subjects").json() == ["orders-value", "payments-value"]
