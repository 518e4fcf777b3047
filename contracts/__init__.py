"""Accord's contract-test harness: consumer expectations, producer samples, verification.

What consumer and producer tests use is exported here, and needs only the client's dependencies.
Verification (`contracts.verification`), the registry's contract API (`contracts.remote`) and the
CLI (`contracts.cli`) need the `server` extra.

Each name is imported on first use, so `accord --help` (which loads the harness's commands) does not
load the matchers, jsonschema and the client's serializers.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from contracts.errors import (
        ContractError,
        ContractFileError,
        ContractRegistryError,
        MatcherError,
        PactImportError,
    )
    from contracts.expectations import (
        ConsumerContract,
        Expectation,
        expect,
        expect_avro,
        expect_proto,
        read_contract,
        write_contract,
    )
    from contracts.matchers import (
        Matcher,
        any_of,
        array_contains,
        datetime,
        decimal,
        each_like,
        each_value,
        enum_of,
        integer,
        like,
        one_of,
        optional,
        string,
        uuid,
    )
    from contracts.samples import ProducerSamples, Sample, read_samples, record_bus, write_samples
    from contracts.versions import VersionRange, VersionRangeError

_MODULE_OF = {
    "ContractError": "contracts.errors",
    "ContractFileError": "contracts.errors",
    "ContractRegistryError": "contracts.errors",
    "MatcherError": "contracts.errors",
    "PactImportError": "contracts.errors",
    "ConsumerContract": "contracts.expectations",
    "Expectation": "contracts.expectations",
    "expect": "contracts.expectations",
    "expect_avro": "contracts.expectations",
    "expect_proto": "contracts.expectations",
    "read_contract": "contracts.expectations",
    "write_contract": "contracts.expectations",
    "Matcher": "contracts.matchers",
    "any_of": "contracts.matchers",
    "array_contains": "contracts.matchers",
    "datetime": "contracts.matchers",
    "decimal": "contracts.matchers",
    "each_like": "contracts.matchers",
    "each_value": "contracts.matchers",
    "enum_of": "contracts.matchers",
    "integer": "contracts.matchers",
    "like": "contracts.matchers",
    "one_of": "contracts.matchers",
    "optional": "contracts.matchers",
    "string": "contracts.matchers",
    "uuid": "contracts.matchers",
    "ProducerSamples": "contracts.samples",
    "Sample": "contracts.samples",
    "read_samples": "contracts.samples",
    "record_bus": "contracts.samples",
    "write_samples": "contracts.samples",
    "VersionRange": "contracts.versions",
    "VersionRangeError": "contracts.versions",
}

__all__ = [
    "ConsumerContract",
    "ContractError",
    "ContractFileError",
    "ContractRegistryError",
    "Expectation",
    "Matcher",
    "MatcherError",
    "PactImportError",
    "ProducerSamples",
    "Sample",
    "VersionRange",
    "VersionRangeError",
    "any_of",
    "array_contains",
    "datetime",
    "decimal",
    "each_like",
    "each_value",
    "enum_of",
    "expect",
    "expect_avro",
    "expect_proto",
    "integer",
    "like",
    "one_of",
    "optional",
    "read_contract",
    "read_samples",
    "record_bus",
    "string",
    "uuid",
    "write_contract",
    "write_samples",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'contracts' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
