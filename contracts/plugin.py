"""The pytest plugin (entry point `pytest11`): contract files written by a service's own tests.

- `contract_consumer`: a consumer test declares an expectation (matchers, or an Avro reader schema) and
  gets events that match it (every optional/one_of/union variant), to run its handler on.
- `contract_producer`: a producer test publishes through an in-memory bus; every envelope becomes a
  sample of that test's scenario.

At the end of a run whose tests all passed, the plugin writes `<app>.expectations.json` and/or
`<app>.samples.json` into `--contracts-dir` (default `accord-contracts/`), and publishes them with
`--contracts-publish URL`. Every pytest run of an environment with accord installed loads this
module, so it imports only what the client needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from client import Envelope, InMemoryBus, InMemoryRegistry, Schema, SchemaReference
from contracts.expectations import ConsumerContract, Expectation, write_contract
from contracts.samples import ProducerSamples, Sample, record_bus, write_samples


@dataclass
class _Recorder:
    """What this run's tests declared and published."""

    expectations: list[Expectation] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)


_RECORDER = pytest.StashKey[_Recorder]()
# Not `contracts`: a folder of that name in a service shadows this package on the next
# `python -m pytest` (the working directory comes first on sys.path). A hyphen keeps it unimportable.
DEFAULT_DIR = "accord-contracts"
OLD_DEFAULT_DIR = "contracts"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accord-contracts", "Accord contract tests")
    group.addoption("--contracts-app", help="this service's name (default: ini accord_contracts_app)")
    group.addoption("--contracts-version", help="this service's version, e.g. the git sha")
    group.addoption(
        "--contracts-dir",
        default=None,
        help=f"where contract files are written (default: {DEFAULT_DIR})",
    )
    group.addoption("--contracts-publish", metavar="URL", help="publish the contract files to this registry")
    parser.addini("accord_contracts_app", "this service's name, for contract files")
    parser.addini("accord_contracts_dir", "where contract files are written", default=DEFAULT_DIR)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RECORDER] = _Recorder()


class ConsumerContractRecorder:
    """Declares what the consumer reads and hands out events that match."""

    def __init__(self, recorder: _Recorder) -> None:
        self._recorder = recorder

    def expect(self, expectation: Expectation, *, source: str = "contract-test") -> list[Envelope]:
        """Record the expectation; one matching event per variant (optional values, one_of branches)."""
        if expectation not in self._recorder.expectations:
            self._recorder.expectations.append(expectation)
        return [Envelope.new(expectation.event_type, data, source=source) for data in expectation.examples()]


class ProducerSampleRecorder:
    """An in-memory registry and bus; what the test publishes becomes its scenario's samples."""

    def __init__(self, scenario: str) -> None:
        self.scenario = scenario
        self.registry = InMemoryRegistry()
        self.bus = InMemoryBus(self.registry)

    def register(
        self,
        event_type: str,
        schema: str,
        schema_type: str = "AVRO",
        references: Sequence[SchemaReference] = (),
    ) -> int:
        """Register the schema the producer publishes `event_type` with (subject = eventType); a
        referenced schema is registered the same way, under the subject its reference names."""
        registered = Schema(schema, schema_type, tuple(references))  # type: ignore[arg-type]
        return self.registry.register_schema(event_type, registered)

    def samples(self) -> list[Sample]:
        return record_bus(self.bus, self.registry, scenario=self.scenario)


@pytest.fixture
def contract_consumer(request: pytest.FixtureRequest) -> ConsumerContractRecorder:
    return ConsumerContractRecorder(request.config.stash[_RECORDER])


@pytest.fixture
def contract_producer(request: pytest.FixtureRequest) -> Iterator[ProducerSampleRecorder]:
    producer = ProducerSampleRecorder(scenario=request.node.name)
    yield producer
    request.config.stash[_RECORDER].samples.extend(producer.samples())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    recorder = config.stash.get(_RECORDER, None)
    if recorder is None or not (recorder.expectations or recorder.samples):
        return
    if exitstatus != 0:  # a contract from a failing run would declare what no passing test showed
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("accord: tests failed, so no contract files were written")
        return
    app = config.getoption("--contracts-app") or config.getini("accord_contracts_app")
    if not app:
        raise pytest.UsageError(
            "contract files need the service's name: --contracts-app NAME or ini accord_contracts_app"
        )
    version = config.getoption("--contracts-version")
    directory = Path(config.getoption("--contracts-dir") or config.getini("accord_contracts_dir"))
    _note_old_files(config, app, directory)
    written: list[Any] = []
    if recorder.expectations:
        contract = ConsumerContract(app, version, tuple(recorder.expectations))
        write_contract(contract, directory / f"{app}.expectations.json")
        written.append(contract)
    if recorder.samples:
        samples = ProducerSamples(app, version, tuple(recorder.samples))
        write_samples(samples, directory / f"{app}.samples.json")
        written.append(samples)
    url = config.getoption("--contracts-publish")
    if url:
        _publish(url, written)


def _note_old_files(config: pytest.Config, app: str, directory: Path) -> None:
    """Say so when files of the old default folder are left behind (they would shadow the package)."""
    old = Path(OLD_DEFAULT_DIR)
    if directory.resolve() == old.resolve():
        return
    left = sorted(str(path) for path in old.glob(f"{app}.*.json"))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if left and reporter is not None:
        reporter.write_line(
            f"accord: contract files now go to {directory}/; move or delete {', '.join(left)} "
            f"(a {OLD_DEFAULT_DIR}/ folder shadows the accord package on the next run)"
        )


def _publish(url: str, written: list[Any]) -> None:
    from contracts.remote import ContractRegistry  # the server extra: only when asked to publish

    with ContractRegistry.from_environment(url) as remote:
        for item in written:
            if isinstance(item, ConsumerContract):
                remote.publish_expectations(item)
            else:
                remote.publish_samples(item)
