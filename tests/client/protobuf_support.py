"""Generated Protobuf classes for the tests and the benchmark, compiled at run time.

The .proto files live under tests/data/protobuf; grpcio-tools runs protoc in process and writes the
_pb2 modules into a temporary directory. They are not committed: generated code is tied to the
protobuf runtime that imports it (protobuf checks the gencode version), so modules generated here and
now always match the installed runtime. buf/validate/validate.proto is not copied into the repository
either: its descriptor comes from the installed protovalidate package, handed to protoc as a
descriptor set.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

PROTO_ROOT = Path(__file__).resolve().parents[1] / "data" / "protobuf"
VALIDATE_PROTO = "buf/validate/validate.proto"
_compiled: Path | None = None


def _validate_descriptor_set(directory: Path) -> Path:
    """buf/validate/validate.proto as a FileDescriptorSet, from the descriptor protovalidate ships."""
    from protovalidate._gen.buf.validate import validate_pb

    file = descriptor_pb2.FileDescriptorProto.FromString(validate_pb._DESC.proto.to_binary())
    path = directory / "validate.pb"
    path.write_bytes(descriptor_pb2.FileDescriptorSet(file=[file]).SerializeToString())
    return path


def compiled_directory() -> Path:
    """Where the _pb2 modules of every .proto under tests/data/protobuf are (compiled once per process),
    already on sys.path."""
    global _compiled
    if _compiled is None:
        output = Path(tempfile.mkdtemp(prefix="accord-protobuf-"))
        well_known = Path(protoc.__file__).parent / "_proto"
        sources = sorted(str(path.relative_to(PROTO_ROOT)) for path in PROTO_ROOT.rglob("*.proto"))
        arguments = [
            "protoc",
            f"--descriptor_set_in={_validate_descriptor_set(output)}",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--python_out={output}",
            *sources,
            VALIDATE_PROTO,
        ]
        if protoc.main(arguments) != 0:
            raise RuntimeError(f"protoc failed on {sources}")
        sys.path.insert(0, str(output))
        _compiled = output
    return _compiled


def generated(module: str) -> ModuleType:
    """A generated module by its dotted name, e.g. "acme.orders.v1.orders_pb2"."""
    compiled_directory()
    return importlib.import_module(module)
