"""`accord export` / `accord import`: ids and versions survive, archives and directories, from
another registry, checks before writing, and resuming an import that stopped."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from registry.cli import snapshot
from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR
from tests.registry.cli.conftest import ID, TOTAL, avro_record
from tests.support.databases import copy_sqlite
from tests.support.servers import running_registry

MONEY = avro_record("Money", {"name": "cents", "type": "long"})
PRICED = avro_record("PriceChanged", {"name": "price", "type": "com.acme.Money"})
CONTENT_TYPE = {"Content-Type": "application/vnd.schemaregistry.v1+json"}


def post(url: str, path: str, body: dict) -> dict:
    response = httpx.post(f"{url}{path}", json=body, headers=CONTENT_TYPE)
    assert response.status_code == 200, response.text
    return response.json()


def populate(url: str) -> None:
    """Ids that do not follow subjects' order, a gap left by a deleted version, a reference, levels."""
    post(url, "/subjects/money/versions", {"schema": MONEY})  # id 1
    post(url, "/subjects/orders-value/versions", {"schema": avro_record("OrderCreated", ID)})  # id 2
    total = {**TOTAL, "default": 0}
    post(url, "/subjects/orders-value/versions", {"schema": avro_record("OrderCreated", ID, total)})  # id 3
    price = {"schema": PRICED, "references": [{"name": "com.acme.Money", "subject": "money", "version": 1}]}
    post(url, "/subjects/price-value/versions", price)  # id 4
    note = {"name": "note", "type": "string", "default": ""}
    post(
        url, "/subjects/orders-value/versions", {"schema": avro_record("OrderCreated", ID, total, note)}
    )  # id 5
    assert httpx.delete(f"{url}/subjects/orders-value/versions/2").status_code == 200
    assert httpx.put(f"{url}/config/price-value", json={"compatibility": "FULL"}).status_code == 200
    assert httpx.put(f"{url}/config", json={"compatibility": "FORWARD"}).status_code == 200


def contents(url: str) -> dict:
    """Everything an import must preserve, as the registry's API shows it."""
    state: dict = {"config": httpx.get(f"{url}/config").json(), "mode": httpx.get(f"{url}/mode").json()}
    for subject in httpx.get(f"{url}/subjects").json():
        for version in httpx.get(f"{url}/subjects/{subject}/versions").json():
            state[f"{subject}/{version}"] = httpx.get(f"{url}/subjects/{subject}/versions/{version}").json()
        level = httpx.get(f"{url}/config/{subject}")
        state[f"{subject}/config"] = level.json() if level.status_code == 200 else None
    return state


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, sqlite_template: str) -> Iterator[str]:
    """A populated registry the tests only read from."""
    with running_registry(
        copy_sqlite(sqlite_template, tmp_path_factory.mktemp("source")), migrate=False
    ) as url:
        populate(url)
        yield url


@pytest.mark.parametrize("name", ["export", "export.tar.gz"])
def test_export_and_import_keep_ids_versions_references_and_levels(
    run, source, fresh_registry, tmp_path, name
):
    target = fresh_registry("target")
    destination = tmp_path / name

    exported = run("export", str(destination), "--registry", source)
    imported = run("import", str(destination), "--registry", target)

    assert exported.exit_code == EXIT_CLEAN, exported.stderr
    assert "exported 4 versions of 3 subjects (4 schemas)" in exported.stdout
    assert imported.exit_code == EXIT_CLEAN, imported.stderr
    assert "imported 4 versions (0 already there) of 3 subjects" in imported.stdout
    assert contents(target) == contents(source)
    assert httpx.get(f"{target}/subjects/orders-value/versions").json() == [1, 3]
    assert httpx.get(f"{target}/mode").json() == {"mode": "READWRITE"}


@pytest.mark.parametrize("name", ["export.tgz", "export.zip"])
def test_every_archive_holds_the_same_export(run, source, tmp_path, name):
    assert run("export", str(tmp_path / "plain"), "--registry", source).exit_code == EXIT_CLEAN
    assert run("export", str(tmp_path / name), "--registry", source).exit_code == EXIT_CLEAN

    with snapshot.opened(tmp_path / name) as unpacked:
        assert snapshot.read(unpacked) == snapshot.read(tmp_path / "plain")


def test_import_from_another_registry(run, source, fresh_registry):
    target = fresh_registry("target")

    result = run("import", "--from", source, "--registry", target)

    assert result.exit_code == EXIT_CLEAN, result.stderr
    assert contents(target) == contents(source)
    # The target goes on numbering after the imported ids.
    new = post(target, "/subjects/other/versions", {"schema": avro_record("OtherHappened", ID)})
    assert new["id"] == 6


def test_import_resumes_after_a_stop(run, source, fresh_registry, tmp_path):
    target = fresh_registry("target")
    assert run("export", str(tmp_path / "export"), "--registry", source).exit_code == EXIT_CLEAN
    # An import that stopped after its first version: IMPORT mode, money v1 with id 1.
    assert httpx.put(f"{target}/mode", json={"mode": "IMPORT"}).status_code == 200
    post(target, "/subjects/money/versions", {"schema": MONEY, "id": 1, "version": 1})

    result = run("import", str(tmp_path / "export"), "--registry", target)
    again = run("import", str(tmp_path / "export"), "--registry", target)

    assert result.exit_code == EXIT_CLEAN, result.stderr
    assert "imported 3 versions (1 already there)" in result.stdout
    assert contents(target) == contents(source)
    assert again.exit_code == EXIT_CLEAN
    assert "imported 0 versions (4 already there)" in again.stdout


def test_import_into_a_registry_with_other_content_writes_nothing(run, source, fresh_registry, tmp_path):
    target = fresh_registry("target")
    post(target, "/subjects/money/versions", {"schema": avro_record("Other", ID)})
    before = contents(target)

    result = run("import", "--from", source, "--registry", target)

    assert result.exit_code == EXIT_ERROR
    assert "already has money v1 (id 1), which the import does not" in result.stderr
    assert contents(target) == before


def test_a_broken_export_is_refused_before_anything_is_written(run, source, fresh_registry, tmp_path):
    target = fresh_registry("target")
    export = tmp_path / "export"
    assert run("export", str(export), "--registry", source).exit_code == EXIT_CLEAN
    (export / "schemas" / "5.avsc").write_text('{"type": "record", "name": "Broken"}')

    result = run("import", str(export), "--registry", target)

    assert result.exit_code == EXIT_ERROR
    assert "schema id 5 of the export is not valid" in result.stderr
    assert httpx.get(f"{target}/subjects").json() == []
    assert httpx.get(f"{target}/mode").json() == {"mode": "READWRITE"}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda export: (export / "schemas" / "1.avsc").unlink(), "is missing"),
        (lambda export: (export / "accord-export.json").write_text("{}"), "is not an Accord export"),
        (
            lambda export: (export / "accord-export.json").write_text(
                json.dumps({"format": "accord-export/1", "subjects": [{"name": "x"}]})
            ),
            "is not a valid export",
        ),
    ],
)
def test_damaged_exports_are_configuration_errors(run, source, tmp_path, damage, message):
    export = tmp_path / "export"
    assert run("export", str(export), "--registry", source).exit_code == EXIT_CLEAN
    damage(export)

    result = run("import", str(export), "--registry", source)

    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_export_never_overwrites(run, source, tmp_path):
    (tmp_path / "taken").mkdir()

    result = run("export", str(tmp_path / "taken"), "--registry", source)

    assert result.exit_code == EXIT_ERROR
    assert "already exists" in result.stderr


def test_import_needs_exactly_one_source(run, tmp_path):
    assert run("import", "--registry", "http://127.0.0.1:9").exit_code == EXIT_ERROR
    result = run("import", str(tmp_path), "--from", "http://127.0.0.1:9", "--registry", "http://127.0.0.1:9")
    assert result.exit_code == EXIT_ERROR
    assert "either an export" in result.stderr


def test_protobuf_subjects_named_by_import_path_survive_export_and_import(run, fresh_registry, tmp_path):
    source, target = fresh_registry("protobuf-source"), fresh_registry("protobuf-target")
    address = 'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; }\n'
    order = (
        'syntax = "proto3";\npackage acme;\nimport "acme/common/address.proto";\n'
        'import "google/protobuf/timestamp.proto";\n'
        "message Order { acme.common.Address ship_to = 1; google.protobuf.Timestamp at = 2; }\n"
    )
    post(
        source,
        "/subjects/acme%2Fcommon%2Faddress.proto/versions",
        {"schema": address, "schemaType": "PROTOBUF"},
    )
    reference = {"name": "acme/common/address.proto", "subject": "acme/common/address.proto", "version": 1}
    post(
        source,
        "/subjects/orders-value/versions",
        {"schema": order, "schemaType": "PROTOBUF", "references": [reference]},
    )

    exported = run("export", str(tmp_path / "export"), "--registry", source)
    imported = run("import", str(tmp_path / "export"), "--registry", target)

    assert exported.exit_code == EXIT_CLEAN, exported.stderr
    assert imported.exit_code == EXIT_CLEAN, imported.stderr
    assert "imported 2 versions (0 already there) of 2 subjects" in imported.stdout
    for path in ("/subjects/acme%2Fcommon%2Faddress.proto/versions/1", "/subjects/orders-value/versions/1"):
        assert httpx.get(f"{target}{path}").json() == httpx.get(f"{source}{path}").json()
