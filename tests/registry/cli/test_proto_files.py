"""`.proto` files in `accord schema check`, `diff`, `register` and `accord export`: imports resolved from
the repository (`proto_path`), registered as references to the imported files' subjects, protoc's errors
on file:line:column, and Buf's categories with `--buf-category`."""

from __future__ import annotations

import tarfile
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import commit_all

ADDRESS = """\
syntax = "proto3";
package acme.common;

message Address {
  string street = 1;
  string city = 2;
}
"""

ORDER = """\
syntax = "proto3";
package acme.orders;

import "acme/common/address.proto";
import "google/protobuf/timestamp.proto";

message OrderCreated {
  string order_id = 1;
  int64 total_cents = 2;
  acme.common.Address ship_to = 3;
  google.protobuf.Timestamp created_at = 4;
}
"""

CONFIG = """\
proto_path = "proto"

[[schemas]]
path = "proto/acme/common/*.proto"
subject = "{prefix}{{import}}"

[[schemas]]
path = "proto/orders/order_created.proto"
subject = "{prefix}orders-value"
"""


@pytest.fixture
def protos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """A repository of two .proto files, one importing the other, committed once."""
    root = tmp_path / "repo"
    (root / "proto" / "acme" / "common").mkdir(parents=True)
    (root / "proto" / "orders").mkdir()
    (root / "proto" / "acme" / "common" / "address.proto").write_text(ADDRESS)
    (root / "proto" / "orders" / "order_created.proto").write_text(ORDER)
    prefix = request.node.name.replace("[", "-").replace("]", "") + "."
    (root / "accord.toml").write_text(CONFIG.format(prefix=prefix))
    commit_all(root, "first")
    monkeypatch.chdir(root)
    return root


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "proto" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_breaking_proto_change_is_found_against_git_on_its_line(run, protos):
    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "string total_cents = 2;")

    result = run("schema", "check", "--against", "git:HEAD", "--format", "github")

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert "::error file=proto/orders/order_created.proto,line=9,col=3,title=FIELD_SCALAR_KIND_CHANGED::" in (
        result.stdout
    )


def test_a_compatible_change_to_an_imported_file_passes(run, protos):
    _edit(protos, "acme/common/address.proto", "string city = 2;", "string city = 2;\n  string zip = 3;")

    result = run("schema", "check", "--against", "git:HEAD")

    assert result.exit_code == EXIT_CLEAN, result.output
    assert "compatible with the file at HEAD (BACKWARD)" in result.stdout


def test_protoc_errors_are_reported_at_file_line_and_column(run, protos):
    _edit(protos, "acme/common/address.proto", "string city = 2;", "string city = 2 oops")

    result = run("schema", "check", "--against", "git:HEAD")

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert 'proto/acme/common/address.proto:6:19: protoc: Expected ";".' in result.stdout
    # The importing file fails too, at its import line and where it uses the type; the imported file's
    # error is shown there at the imported file's own path.
    assert result.stdout.count('proto/acme/common/address.proto:6:19: protoc: Expected ";".') == 2
    assert "proto/orders/order_created.proto:4:1: protoc: Import" in result.stdout
    assert 'proto/orders/order_created.proto:10:3: protoc: "acme.common.Address" is not defined.' in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("category", "exit_code"),
    [
        ("WIRE", EXIT_CLEAN),
        ("WIRE_JSON", EXIT_CLEAN),
        ("PACKAGE", EXIT_VIOLATIONS),
        ("FILE", EXIT_VIOLATIONS),
    ],
)
def test_buf_categories_judge_a_type_change_as_buf_does(run, protos, category, exit_code):
    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "uint64 total_cents = 2;")

    result = run("schema", "check", "--against", "git:HEAD", "--buf-category", category)

    assert result.exit_code == exit_code, result.output
    if exit_code == EXIT_VIOLATIONS:
        assert (
            'proto/orders/order_created.proto:9:3: Field "2" on message "OrderCreated" changed type from '
            '"int64" to "uint64".' in result.stdout
        )
    assert f"(Buf category {category})" in result.stdout


def test_the_config_can_name_the_buf_category(run, protos):
    config = protos / "accord.toml"
    config.write_text('buf_category = "WIRE"\n' + config.read_text())
    _edit(protos, "acme/common/address.proto", "string city = 2;", "")

    result = run("schema", "check", "--against", "git:HEAD", "--format", "github")

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert "title=FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED::" in result.stdout


def test_a_deleted_file_breaks_only_the_file_category(run, protos):
    (protos / "proto" / "acme" / "common" / "extra.proto").write_text(
        'syntax = "proto3";\npackage acme.common;\nmessage Extra { int32 a = 1; }\n'
    )
    commit_all(protos, "extra")
    (protos / "proto" / "acme" / "common" / "extra.proto").unlink()

    by_file = run("schema", "check", "--against", "git:HEAD", "--buf-category", "FILE")
    by_wire = run("schema", "check", "--against", "git:HEAD", "--buf-category", "WIRE")

    assert by_file.exit_code == EXIT_VIOLATIONS, by_file.output
    assert "FILE_NO_DELETE proto/acme/common/extra.proto" in by_file.stdout
    assert by_wire.exit_code == EXIT_CLEAN, by_wire.output


def test_an_unknown_buf_category_is_a_usage_error(run, protos):
    unknown = run("schema", "check", "--against", "git:HEAD", "--buf-category", "BYTES")

    assert unknown.exit_code == EXIT_ERROR
    assert "unknown Buf category 'BYTES'; the categories are FILE, PACKAGE, WIRE_JSON, WIRE" in unknown.stderr


def test_buf_categories_judge_against_the_registered_versions(run, protos, registry_url):
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "uint64 total_cents = 2;")
    (protos / "proto" / "acme" / "common" / "extra.proto").write_text(
        'syntax = "proto3";\npackage acme.common;\nmessage Extra { int32 a = 1; }\n'
    )

    by_wire = run("schema", "check", "--registry", registry_url, "--buf-category", "WIRE")
    by_file = run("schema", "check", "--registry", registry_url, "--buf-category", "FILE")

    assert by_wire.exit_code == EXIT_CLEAN, by_wire.output
    assert "no breaking change from the registry (Buf category WIRE)" in by_wire.stdout
    assert "proto/acme/common/extra.proto: new, nothing in the registry to break" in by_wire.stdout
    assert by_file.exit_code == EXIT_VIOLATIONS, by_file.output
    assert (
        'FIELD_SAME_TYPE proto/orders/order_created.proto:9:3: Field "2" on message "OrderCreated" changed '
        'type from "int64" to "uint64".' in by_file.stdout
    )


def test_diff_of_two_proto_files_reads_imports_from_the_proto_path(run, protos, tmp_path):
    old = tmp_path / "old.proto"
    old.write_text(ORDER)
    new = protos / "proto" / "orders" / "order_created.proto"
    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "double total_cents = 2;")

    without = run("schema", "diff", str(old), str(new))
    result = run("schema", "diff", str(old), str(new), "-I", "proto")
    by_buf = run("schema", "diff", str(old), str(new), "-I", "proto", "--buf-category", "WIRE")

    assert without.exit_code == EXIT_VIOLATIONS  # acme/common/address.proto is not found next to the files
    assert 'protoc: Import "acme/common/address.proto" was not found' in without.stdout
    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert "FIELD_SCALAR_KIND_CHANGED proto/orders/order_created.proto:9:3" in result.stdout
    assert by_buf.exit_code == EXIT_VIOLATIONS, by_buf.output
    assert "FIELD_WIRE_COMPATIBLE_TYPE proto/orders/order_created.proto:9:3" in by_buf.stdout


def _versions(registry_url: str, name: str) -> list[int]:
    response = httpx.get(f"{registry_url}/subjects/{quote(name, safe='')}/versions")
    return response.json() if response.status_code == 200 else []


def test_register_puts_imported_files_first_and_refers_to_them(run, protos, registry_url, tmp_path):
    prefix = (protos / "accord.toml").read_text().split('subject = "')[1].split("{import}")[0]
    address, orders = f"{prefix}acme/common/address.proto", f"{prefix}orders-value"

    first = run("schema", "register", "--registry", registry_url)
    second = run("schema", "register", "--registry", registry_url)

    assert first.exit_code == EXIT_CLEAN, first.output
    assert second.exit_code == EXIT_CLEAN, second.output
    assert first.stdout.index(address) < first.stdout.index(orders)
    assert "already registered as version 1" in second.stdout
    latest = httpx.get(f"{registry_url}/subjects/{quote(orders, safe='')}/versions/latest").json()
    # The well-known import resolves without a reference; the repository's import refers to its subject.
    assert latest["schemaType"] == "PROTOBUF"
    assert latest["references"] == [{"name": "acme/common/address.proto", "subject": address, "version": 1}]

    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "string total_cents = 2;")
    refused = run("schema", "check", "--registry", registry_url, "--format", "github")
    assert refused.exit_code == EXIT_VIOLATIONS, refused.output
    assert "::error file=proto/orders/order_created.proto,line=9," in refused.stdout
    assert _versions(registry_url, orders) == [1]

    exported = run("export", str(tmp_path / "export.tar.gz"), "--registry", registry_url)
    assert exported.exit_code == EXIT_CLEAN, exported.output
    with tarfile.open(tmp_path / "export.tar.gz") as archive:
        texts = [
            archive.extractfile(member).read().decode()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.name.endswith(".proto")
        ]
    assert "message OrderCreated {" in "".join(texts)
    assert "message Address {" in "".join(texts)


def test_diff_reads_the_earlier_side_and_its_imports_from_git(run, protos):
    common = protos / "proto" / "acme" / "common"
    (common / "location.proto").write_text(ADDRESS)
    (common / "address.proto").unlink()  # only HEAD has it now: the earlier side must import it from git
    _edit(protos, "orders/order_created.proto", '"acme/common/address.proto"', '"acme/common/location.proto"')
    _edit(protos, "orders/order_created.proto", "int64 total_cents = 2;", "string total_cents = 2;")
    new = "proto/orders/order_created.proto"

    result = run("schema", "diff", f"git:HEAD:{new}", new, "-I", "proto", "--format", "github")
    by_buf = run("schema", "diff", f"git:HEAD:{new}", new, "-I", "proto", "--buf-category", "WIRE_JSON")
    missing = run("schema", "diff", "git:HEAD:proto/orders/nothing.proto", new)

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert f"::error file={new},line=9,col=3,title=FIELD_SCALAR_KIND_CHANGED::" in result.stdout
    assert by_buf.exit_code == EXIT_VIOLATIONS, by_buf.output
    assert f"FIELD_WIRE_JSON_COMPATIBLE_TYPE {new}:9:3" in by_buf.stdout
    assert f"from HEAD:{new} (Buf category WIRE_JSON)" in by_buf.stdout
    assert missing.exit_code == EXIT_ERROR
    assert "there is no proto/orders/nothing.proto at HEAD" in missing.stderr, missing.stderr


def test_diff_of_an_unchanged_file_against_git_passes(run, protos):
    new = "proto/orders/order_created.proto"

    result = run("schema", "diff", f"git:HEAD:{new}", new, "-I", "proto")

    assert result.exit_code == EXIT_CLEAN, result.output
    assert f"compatible with HEAD:{new} (BACKWARD)" in result.stdout


def test_downloaded_proto_files_and_their_config_can_be_checked(run, protos, registry_url, tmp_path):
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    prefix = (protos / "accord.toml").read_text().split('subject = "')[1].split("{import}")[0]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    downloaded = run(
        "schema",
        "download",
        "--subject",
        f"{prefix}orders-value",
        "--output-dir",
        str(elsewhere / "schemas"),
        "--write-config",
        str(elsewhere / "accord.toml"),
        "--registry",
        registry_url,
    )
    checked = run("schema", "check", "--config", str(elsewhere / "accord.toml"), "--registry", registry_url)

    assert downloaded.exit_code == EXIT_CLEAN, downloaded.output
    files = sorted(path.relative_to(elsewhere).as_posix() for path in elsewhere.rglob("*.proto"))
    # The imported file lands at its import path, under the subject's prefix: the subject's name.
    assert files == [f"schemas/{prefix}acme/common/address.proto", f"schemas/{prefix}orders-value.proto"]
    # The written config names the import by its path, so the files compile and match the registry.
    assert 'name = "acme/common/address.proto"' in (elsewhere / "accord.toml").read_text()
    assert checked.exit_code == EXIT_CLEAN, checked.output
    assert checked.stdout.count("already registered as version 1") == 2


def test_a_proto_file_protoc_refuses_is_reported_on_its_line_before_asking_the_registry(
    run, protos, registry_url
):
    _edit(protos, "orders/order_created.proto", "string order_id = 1;", "string order_id = ;")

    result = run("schema", "check", "--registry", registry_url)

    assert result.exit_code == EXIT_VIOLATIONS, result.output
    assert "proto/orders/order_created.proto:8:21: protoc: Expected field number." in result.stdout
