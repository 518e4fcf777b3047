"""The real `accord` executable: documented exit codes, one-line errors without tracebacks, the
registry's credentials, and configuration files in both formats."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, avro_record, git
from tests.support.servers import ACCORD, free_port


def accord(*arguments: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), **(env or {})}
    return subprocess.run(
        [ACCORD, *arguments], cwd=cwd, capture_output=True, text=True, env=environment, timeout=60
    )


def test_exit_codes_of_the_real_executable(repository: Path):
    clean = accord("schema", "check", "--against", "git:HEAD", cwd=repository)
    violations = accord("schema", "check", "--against", "git:HEAD~1", cwd=repository)
    usage = accord("schema", "check", "--format", "yaml", cwd=repository)

    assert (clean.returncode, violations.returncode, usage.returncode) == (
        EXIT_CLEAN,
        EXIT_VIOLATIONS,
        EXIT_ERROR,
    )
    assert "Traceback" not in usage.stderr


def test_an_unreachable_registry_is_one_clear_line(project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))

    result = accord("schema", "check", "--registry", f"http://127.0.0.1:{free_port()}", cwd=project)

    assert result.returncode == EXIT_ERROR
    assert result.stderr.startswith("error: cannot reach the schema registry:")
    assert "Connection refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("config_name", "config", "message"),
    [
        ("accord.toml", "schemas = 3\n", "accord.toml is not a valid configuration: schemas:"),
        ("accord.toml", "[[schemas]\n", "accord.toml cannot be parsed"),
        ("accord.yaml", "schemas:\n  - path: a.avsc\n", "schemas.0.subject: Field required"),
        ("accord.toml", '[[schemas]]\npath = "nothing/*.avsc"\nsubject = "x"\n', "matches no file"),
        ("accord.toml", 'colour = "blue"\n', "colour: Extra inputs are not permitted"),
    ],
)
def test_configuration_errors_say_what_and_where(tmp_path: Path, config_name, config, message):
    (tmp_path / config_name).write_text(config)

    result = accord("schema", "check", "--against", "git:HEAD", cwd=tmp_path)

    assert result.returncode == EXIT_ERROR
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_no_configuration_at_all(tmp_path: Path):
    result = accord("schema", "lint", cwd=tmp_path)

    assert result.returncode == EXIT_ERROR
    assert "no accord.toml or accord.yaml in" in result.stderr


def test_yaml_configuration_with_a_per_subject_level(repository: Path):
    (repository / "accord.toml").unlink()
    (repository / "accord.yaml").write_text(
        "compatibility: FULL\nschemas:\n"
        "  - path: schemas/orders.avsc\n    subject: orders-value\n    compatibility: NONE\n"
        "  - path: schemas/payments.avsc\n    subject: payments-value\n"
    )
    git(repository, "add", "-A")
    git(repository, "commit", "--quiet", "-m", "yaml")
    (repository / "schemas" / "payments.avsc").write_text(avro_record("PaymentReceived", ID, TOTAL))
    (repository / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))

    result = accord("schema", "check", "--against", "git:HEAD", "--format", "json", cwd=repository)

    document = json.loads(result.stdout)
    assert result.returncode == EXIT_VIOLATIONS
    assert [case["detail"].split(": ")[1] for case in document["cases"]] == [
        "compatible with the file at HEAD (NONE)",
        "not compatible with the file at HEAD (FULL)",
    ]
    assert {finding["case"] for finding in document["findings"]} == {"payments-value"}


class _Recorder(BaseHTTPRequestHandler):
    """A registry stand-in that requires credentials and records the Authorization headers it got."""

    seen: list[str | None] = []

    def do_GET(self) -> None:  # the settings a check reads first: the global level, no subject's own
        answer = (
            (200, {"compatibilityLevel": "BACKWARD"})
            if self.path == "/config"
            else (404, {"error_code": 40408})
        )
        self._answer(*answer)

    def do_POST(self) -> None:  # a lookup finds nothing registered; the compatibility check passes
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/subjects/"):
            self._answer(404, {"error_code": 40403, "message": "Schema not found"})
        else:
            self._answer(200, {"is_compatible": True, "messages": []})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        _Recorder.seen.append(self.headers.get("Authorization"))
        if self.headers.get("Authorization") != "Basic Y2k6czNjcmV0":  # ci:s3cret
            status, body = 401, {"error_code": 401, "message": "Unauthorized"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *arguments: object) -> None:
        pass


@pytest.fixture
def guarded_registry() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_credentials_come_from_the_environment(project: Path, guarded_registry: str):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    env = {"ACCORD_REGISTRY_URL": guarded_registry}

    refused = accord("schema", "check", cwd=project, env=env)
    allowed = accord("schema", "check", cwd=project, env={**env, "ACCORD_REGISTRY_AUTH": "ci:s3cret"})
    bearer = accord("schema", "check", cwd=project, env={**env, "ACCORD_REGISTRY_AUTH": "Bearer t0ken"})

    assert refused.returncode == EXIT_ERROR
    assert "the schema registry refused the request: Unauthorized (HTTP 401" in refused.stderr
    assert allowed.returncode == EXIT_CLEAN
    assert list(dict.fromkeys(_Recorder.seen)) == [None, "Basic Y2k6czNjcmV0", "Bearer t0ken"]
    assert bearer.returncode == EXIT_ERROR


def test_malformed_credentials_and_urls_are_usage_errors(project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))

    no_colon = accord(
        "schema", "check", "--registry", "http://x", cwd=project, env={"ACCORD_REGISTRY_AUTH": "x"}
    )
    bad_url = accord("schema", "check", "--registry", "localhost:8081", cwd=project)

    assert (no_colon.returncode, bad_url.returncode) == (EXIT_ERROR, EXIT_ERROR)
    assert (
        "ACCORD_REGISTRY_AUTH: registry credentials must be user:password or 'Bearer TOKEN'"
        in no_colon.stderr
    )
    assert "is not an http:// or https:// URL" in bad_url.stderr


def test_serve_and_migrate_are_still_there(tmp_path: Path):
    database = f"sqlite:///{tmp_path / 'r.db'}"

    migrated = accord("migrate", "--database-url", database, cwd=tmp_path)

    assert migrated.returncode == 0
    assert "database is at the latest revision" in migrated.stdout
    assert "--migrate" in accord("serve", "--help", cwd=tmp_path).stdout
