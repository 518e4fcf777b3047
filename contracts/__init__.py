"""Accord's contract-test harness: consumer expectations, producer samples, verification.

What consumer and producer tests use is exported here, and needs only the client's dependencies.
Verification (`contracts.verification`), the registry's contract API (`contracts.remote`) and the
CLI (`contracts.cli`) need the `server` extra.
"""

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
    read_contract,
    write_contract,
)
from contracts.matchers import (
    Matcher,
    any_of,
    datetime,
    decimal,
    each_like,
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
    "datetime",
    "decimal",
    "each_like",
    "enum_of",
    "expect",
    "expect_avro",
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
