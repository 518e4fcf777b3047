"""The client installs and runs without the server: in a subprocess where fastapi, sqlmodel,
sqlalchemy, alembic, starlette and typer cannot be imported (nor our registry and contracts
packages), it imports, publishes and consumes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import sys

    BLOCKED = {"fastapi", "sqlmodel", "sqlalchemy", "alembic", "starlette", "typer", "registry", "contracts"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is a server dependency and must not be imported by the client")
            return None

    sys.meta_path.insert(0, Blocker())
    try:
        import fastapi  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker does not work")

    import client
    from client import Envelope, EventDeserializer, EventSerializer, InMemoryRegistry, Schema

    registry = InMemoryRegistry()
    fields = '[{"name": "orderId", "type": "string"}]'
    avro = '{"type": "record", "name": "OrderCreated", "fields": %s}' % fields
    registry.register_schema("OrderCreated", Schema(avro))
    registry.register_schema("OrderPaid", Schema('{"type": "object", "required": ["orderId"]}', "JSON"))
    for event_type in ("OrderCreated", "OrderPaid"):
        sent = Envelope.new(event_type, {"orderId": "o-1"}, source="shop")
        message = EventSerializer(registry).serialize(sent)
        received = EventDeserializer(registry).deserialize(message.value, message.headers)
        assert received.data == {"orderId": "o-1"}, received
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
    print("ok", len(client.__all__), loaded)
    """
)


def test_client_imports_publishes_and_consumes_without_server_dependencies():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")
    assert result.stdout.strip().endswith("[]")


def test_public_api_is_exactly_all():
    import client

    # "@py_builtins"/"@pytest_ar": pytest rewrites asserts in every module of a distribution that ships
    # a pytest plugin (accord's contracts plugin), and those names are not part of the API
    exported = {name for name in dir(client) if not name.startswith(("_", "@"))}
    modules = {"adapters", "avro", "cloudevents", "deadletter", "envelope", "errors", "json_schema", "paths"}
    modules |= {"patterns", "registry_client", "schemas", "serde", "transport", "wire"}
    modules |= {"protobuf", "protobuf_files", "protobuf_violations", "availability", "delivery"}
    modules |= {"event_names", "registry_operations"}
    assert exported - modules == set(client.__all__)
    assert (ROOT / "client" / "py.typed").is_file()


def test_every_error_class_is_drawn_in_the_tree_and_documented():
    import client.errors as errors

    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.AccordError)
    ]
    assert len(classes) >= 12
    for error_class in classes:
        assert error_class.__name__ in (errors.__doc__ or ""), error_class
        doc = error_class.__doc__ or ""
        assert doc, error_class
        assert "\n" not in doc.strip(), error_class


PROTOBUF_FREE_SCRIPT = textwrap.dedent(
    """
    import sys

    from client import Envelope, EventDeserializer, EventSerializer, InMemoryRegistry, Schema

    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", Schema('{"type": "record", "name": "O", "fields": []}'))
    registry.register_schema("OrderPaid", Schema('{"type": "object"}', "JSON"))
    for event_type in ("OrderCreated", "OrderPaid"):
        message = EventSerializer(registry).serialize(Envelope.new(event_type, {}, source="shop"))
        EventDeserializer(registry).deserialize(message.value, message.headers).to_dict()
    protobuf = ("google", "protovalidate", "client.protobuf")
    print(sorted(name for name in sys.modules if name.startswith(protobuf)))
    """
)


def test_avro_and_json_events_never_import_protobuf():
    result = subprocess.run(
        [sys.executable, "-c", PROTOBUF_FREE_SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


LAZY_SCRIPT = textwrap.dedent(
    """
    import sys

    from client import patterns, paths  # what the registry server uses

    heavy = ("httpx", "client.serde", "client.registry_client")
    eager = sorted(name for name in heavy if name in sys.modules)
    import client

    missing = [name for name in client.__all__ if getattr(client, name, None) is None]
    print("eager", eager, "missing", missing, "dir", set(client.__all__) <= set(dir(client)))
    """
)


def test_public_names_load_on_first_use_and_all_resolve():
    result = subprocess.run(
        [sys.executable, "-c", LAZY_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "eager [] missing [] dir True"
