"""What each `accord contracts` command does, once it runs (contracts.cli declares the commands and
their options, and imports this module on first use).

Exit codes CI can rely on: 0 ok (can-i-deploy: yes), 1 violations found (can-i-deploy: no), 2 usage or
connection error (can-i-deploy: unknown).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from contracts import pact_export
from contracts.checks import ProducerSchema
from contracts.errors import ContractError
from contracts.expectations import ConsumerContract, read_contract, read_json, read_text
from contracts.findings import Check, ContractFinding, Verification
from contracts.pact import EventTypes, import_pact
from contracts.remote import ContractRegistry
from contracts.samples import ProducerSamples, read_samples
from contracts.verification import ProducerSide, producer_side, verify
from contracts.wire import CanIDeployAnswer
from registry.compatibility import Case, OutputFormat, Report, ReportFinding, Severity, render

OK, VIOLATIONS, USAGE = 0, 1, 2
EXPECTATIONS, SAMPLES = ".expectations.json", ".samples.json"  # the plugin's file names


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit 2)."""


@contextmanager
def _exits() -> Iterator[None]:
    """Turn harness errors into a message and exit code 2, never a traceback: CI logs show one line."""
    try:
        yield
    except (ContractError, UsageError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(USAGE) from error
    except typer.Exit:
        raise
    except Exception as error:  # a defect of ours: still one line and exit 2, as docs/ci.md promises
        typer.echo(f"error: {type(error).__name__}: {error}", err=True)
        raise typer.Exit(USAGE) from error


def publish(
    *,
    version: str | None,
    expectations: list[Path],
    samples: list[Path],
    pact: list[Path],
    event_type: list[str],
    registry: str | None,
) -> None:
    """Publish consumer contracts (or Pact files) and producer samples to the registry."""
    with _exits():
        url = _required(registry, "--registry (or ACCORD_REGISTRY_URL)")
        expectations, samples = _in_folders(expectations, EXPECTATIONS), _in_folders(samples, SAMPLES)
        contracts = [read_contract(path).with_version(version) for path in expectations]
        if event_type and not pact:
            raise UsageError("--event-type names the event types of --pact messages: give a --pact file")
        event_types = EventTypes.parse(event_type)
        for path in pact:
            imported = import_pact(path, version=version, event_types=event_types)
            typer.echo(f"imported {imported.summary()} from {path}")
            contracts.append(imported.contract)
        sample_sets = [read_samples(path).with_version(version) for path in samples]
        if not contracts and not sample_sets:
            raise UsageError("nothing to publish: give --expectations, --pact or --samples files")
        with ContractRegistry.from_environment(url) as remote:
            for contract in contracts:
                count = remote.publish_expectations(contract)
                typer.echo(f"published {count} expectations of {contract.consumer} {contract.version}")
            for sample_set in sample_sets:
                count = remote.publish_samples(sample_set)
                typer.echo(f"published {count} samples of {sample_set.producer} {sample_set.version}")


def verify_contracts(
    *,
    version: str | None,
    producer: str | None,
    consumer: str | None,
    expectations: list[Path],
    samples: list[Path],
    schema: list[str],
    publish: bool,
    registry: str | None,
    output_format: OutputFormat,
) -> None:
    """Check samples against schemas and expectations, and schemas against expectations."""
    with _exits():
        expectations, samples = _in_folders(expectations, EXPECTATIONS), _in_folders(samples, SAMPLES)
        if (producer is None) == (consumer is None):
            raise UsageError("give exactly one of --producer NAME or --consumer NAME")
        own_version = _required(version, "--version")
        remote = ContractRegistry.from_environment(registry) if registry else None
        try:
            if producer is not None:
                side = _producer(producer, own_version, samples, schema, remote)
                contracts = [read_contract(path) for path in expectations]
                if remote is not None:
                    contracts += remote.relevant_expectations(sorted(side.event_types()))
                producers, consumers = [side], contracts
            else:
                assert consumer is not None
                consumers = [_own_contract(consumer, own_version, expectations, remote)]
                wanted = sorted({e.event_type for e in consumers[0].expectations})
                sample_sets = [read_samples(path) for path in samples]
                if remote is not None:
                    sample_sets += [s for s in remote.relevant_samples(wanted) if s.producer != consumer]
                producers = [_side_of(sample_set, remote) for sample_set in sample_sets]
            result = verify(producers, consumers)
            if publish:
                if remote is None:
                    raise UsageError("--publish needs --registry")
                if producer is not None:
                    side = producers[0]
                    remote.publish_samples(ProducerSamples(side.producer, side.version, side.samples))
                for pair in result.pairs:
                    remote.record_result(pair)
        finally:
            if remote is not None:
                remote.close()
        origin = next(iter([*samples, *expectations]), None)
        typer.echo(render(_report(result, str(origin or "contracts")), output_format), nl=False)
    raise typer.Exit(OK if result.success else VIOLATIONS)


def export_pact(
    *,
    pact: Path,
    expectations: list[Path],
    consumer: str | None,
    version: str | None,
    provider: str,
    registry: str | None,
) -> None:
    """Write a consumer's expectations (files, or a version it published) as a Pact V4 message pact."""
    with _exits():
        expectations = _in_folders(expectations, EXPECTATIONS)
        contracts = [read_contract(path) for path in expectations]
        if consumer is not None:
            contracts = [contract for contract in contracts if contract.consumer == consumer]
        if not expectations:
            if consumer is None or version is None or registry is None:
                raise UsageError("give --expectations files, or --consumer, --version and --registry")
            with ContractRegistry.from_environment(registry) as remote:
                contracts = [remote.consumer_expectations(consumer, version)]
        names = {contract.consumer for contract in contracts}
        if len(names) != 1:
            found = ", ".join(sorted(names)) or "none"
            raise UsageError(f"a pact is one consumer's: the files hold {found}; choose one with --consumer")
        merged = ConsumerContract(
            names.pop(), version or contracts[0].version, tuple(e for c in contracts for e in c.expectations)
        )
        document = pact_export.export_pact(merged, provider=provider)
        pact.parent.mkdir(parents=True, exist_ok=True)
        pact.write_bytes(pact_export.pact_text(document))
        left_out = document["metadata"].get("accord", {}).get("notExported", [])
        typer.echo(f"wrote {len(merged.expectations)} messages of {merged.consumer} to {pact}")
        for item in left_out:
            typer.echo(f"  not in the pact (Pact cannot say it): {item}")


def matrix(*, application: str | None, limit: int, registry: str | None, output_format: OutputFormat) -> None:
    """The verified pairs, as a report: exit 0 when every pair passed, 1 when one failed."""
    with _exits():
        url = _required(registry, "--registry (or ACCORD_REGISTRY_URL)")
        with ContractRegistry.from_environment(url) as remote:
            rows = remote.matrix(application, limit)
        cases = []
        findings = []
        for row in rows:
            case = f"{row['producer']}@{row['producerVersion']} -> {row['consumer']}@{row['consumerVersion']}"
            errors = [f for f in row["findings"] if f["severity"] == "error"]
            verdict = "verified" if row["success"] else f"failed ({len(errors)} errors)"
            cases.append(Case(case, f"{verdict} at {row['verifiedAt']}"))
            findings += [
                ReportFinding(
                    file=f"{row['producer']}@{row['producerVersion']}",
                    message=f"{finding.get('eventType')} at {finding.get('path')}: {finding['message']}",
                    rule=str(finding.get("check", "verification")),
                    severity=Severity.ERROR,
                    case=case,
                )
                for finding in errors
            ]
        report = Report(tool="accord contracts matrix", cases=tuple(cases), findings=tuple(findings))
        typer.echo(render(report, output_format), nl=False)
    raise typer.Exit(OK if all(row["success"] for row in rows) else VIOLATIONS)


def can_i_deploy(
    *,
    application: str,
    to: str,
    retry_while_unknown: int,
    retry_interval: float,
    dry_run: bool,
    registry: str | None,
    output_format: OutputFormat,
) -> None:
    """Whether APPLICATION@VERSION works with everything deployed to an environment: exit 0 yes, 1 no,
    2 unknown."""
    with _exits():
        name, _, version = application.rpartition("@")
        if not name or not version:
            raise UsageError(f"write the application as NAME@VERSION, not {application!r}")
        with ContractRegistry.from_environment(
            _required(registry, "--registry (or ACCORD_REGISTRY_URL)")
        ) as remote:
            answer = remote.can_i_deploy(name, version, to)
            for _ in range(retry_while_unknown):
                if answer["deployable"] is not None:
                    break
                time.sleep(retry_interval)
                answer = remote.can_i_deploy(name, version, to)
    _print_answer(answer, output_format)
    code = {True: OK, False: VIOLATIONS, None: USAGE}[answer["deployable"]]
    if dry_run:
        typer.echo(f"dry run: would exit {code}", err=True)
        code = OK
    raise typer.Exit(code)


def record_deployment(
    *, application: str, version: str, env: str, release: bool, registry: str | None
) -> None:
    """Record that VERSION of APPLICATION now runs in an environment."""
    with (
        _exits(),
        ContractRegistry.from_environment(
            _required(registry, "--registry (or ACCORD_REGISTRY_URL)")
        ) as remote,
    ):
        kind = "release" if release else "deployment"
        remote.record_deployment(application, version, env, kind=kind)
    typer.echo(f"recorded {kind} of {application} {version} to {env}")


def _in_folders(paths: list[Path], suffix: str) -> list[Path]:
    """The files given, with a folder (accord-contracts/, or contracts/ of earlier versions) standing
    for every `*<suffix>` file in it."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob(f"*{suffix}"))
            if not found:
                raise UsageError(f"{path} holds no *{suffix} file")
            files += found
        else:
            files.append(path)
    return files


def _required(value: str | None, what: str) -> str:
    if not value:
        raise UsageError(f"{what} is needed")
    return value


def _own_contract(
    consumer: str, version: str, files: list[Path], remote: ContractRegistry | None
) -> ConsumerContract:
    """The consumer version's expectations: from its files, else as it published them."""
    if not files:
        if remote is None:
            raise UsageError(
                "a consumer verification needs its --expectations files, or --registry to read the "
                "expectations this version published"
            )
        return remote.consumer_expectations(consumer, version)
    contracts = [read_contract(path) for path in files]
    expectations = tuple(
        e for contract in contracts if contract.consumer == consumer for e in contract.expectations
    )
    if not expectations:
        raise UsageError(f"no expectations of {consumer} in {', '.join(map(str, files))}")
    return ConsumerContract(consumer, version, expectations)


def _producer(
    name: str,
    version: str,
    sample_files: list[Path],
    schema_options: list[str],
    remote: ContractRegistry | None,
) -> ProducerSide:
    samples = [s for path in sample_files for s in read_samples(path).samples]
    candidates = [_candidate(option) for option in schema_options]
    registered: list[ProducerSchema] = []
    if remote is not None:
        for event_type in sorted({s.event_type for s in samples} | {c.event_type for c in candidates}):
            registered += remote.producer_schemas(event_type, event_type)
    side = producer_side(name, version, samples, [*registered, *candidates])
    return _with_generated(side)


def _side_of(sample_set: ProducerSamples, remote: ContractRegistry | None) -> ProducerSide:
    registered: list[ProducerSchema] = []
    if remote is not None:
        for event_type in sample_set.event_types():
            registered += remote.producer_schemas(event_type, event_type)
    return producer_side(sample_set.producer, str(sample_set.version), sample_set.samples, registered)


def _with_generated(side: ProducerSide) -> ProducerSide:
    """Samples generated from the newest schema of each event type the producer has no sample of."""
    # Imported here: hypothesis and schemathesis take a third of a second to import, and only
    # producers without recorded samples need them; every other command starts without.
    from contracts.generation import generate_samples

    recorded = {sample.event_type for sample in side.samples}
    newest: dict[str, ProducerSchema] = {}
    for schema in side.schemas:
        if schema.event_type not in recorded:
            newest[schema.event_type] = schema
    generated = [s for schema in newest.values() for s in generate_samples(schema, source=side.producer)]
    return producer_side(side.producer, side.version, [*side.samples, *generated], side.schemas)


_SUFFIX_TYPES = {".avsc": "AVRO", ".proto": "PROTOBUF"}


def _candidate(option: str) -> ProducerSchema:
    event_type, separator, location = option.partition("=")
    if not separator or not event_type or not location:
        raise UsageError(f"--schema {option!r}: write EVENT_TYPE=FILE, e.g. OrderCreated=schemas/order.avsc")
    path_text, _, kind = location.partition(":")
    path = Path(path_text)
    schema_type = (kind or _SUFFIX_TYPES.get(path.suffix, "JSON")).upper()
    if schema_type not in ("AVRO", "JSON", "PROTOBUF"):
        raise UsageError(f"--schema {option!r}: the type is AVRO, JSON or PROTOBUF, not {kind!r}")
    if schema_type == "PROTOBUF":
        read_text(path)  # a precise error for a missing file; protoc reports a broken one
    else:
        read_json(path)  # a precise error for a missing or broken file
    return ProducerSchema(event_type, schema_type, path.read_text(), label=f"{event_type} ({path})")


def _report(result: Verification, origin: str) -> Report:
    """The verification as a CI report; findings point at the schema file or the contract file."""
    cases = [
        Case(
            f"{pair.producer}@{pair.producer_version} -> {pair.consumer}@{pair.consumer_version}",
            "verified" if pair.success else "failed",
        )
        for pair in result.pairs
    ]
    findings = []
    for pair in result.pairs:
        case = f"{pair.producer}@{pair.producer_version} -> {pair.consumer}@{pair.consumer_version}"
        findings += [_reported(f, case, origin) for f in pair.findings if not f.generated]
        findings += _generated_summary([f for f in pair.findings if f.generated], case)
    shown = {(f.message, f.case) for f in findings}
    for finding in result.producer_findings:
        reported = _reported(finding, None, origin)
        if (reported.message, None) not in shown:
            findings.append(reported)
    return Report(tool="accord contracts verify", cases=tuple(cases), findings=tuple(findings))


def _generated_summary(found: list[ContractFinding], case: str) -> list[ReportFinding]:
    """Findings in generated samples, one per rule and place: they show what the schema allows, so
    one line says it; the file is the schema they were generated from."""
    groups: dict[tuple[str, str, str | None, str | None, str], list[ContractFinding]] = {}
    for finding in found:
        source = (finding.sample or "").rsplit(" #", 1)[0].removeprefix("generated from ")
        key = (finding.check.value, finding.path, finding.expected, finding.consumer, source)
        groups.setdefault(key, []).append(finding)
    summary = []
    for (check, path, expected, consumer, source), group in groups.items():
        first = group[0]
        count = f"{len(group)} sample{'s' if len(group) != 1 else ''}"
        summary.append(
            ReportFinding(
                file=_schema_file(source) or f"generated from {source}",
                message=(
                    f"{first.event_type} at {path} (expectation of {consumer}): {count} generated from "
                    f"{source} break {expected}, e.g. found {first.found}; the schema allows this, so "
                    "record real samples to settle whether the producer sends it"
                ),
                rule=f"{check} (generated samples)",
                severity=Severity(first.severity),
                case=case,
            )
        )
    return summary


def _reported(finding: ContractFinding, case: str | None, origin: str) -> ReportFinding:
    message = finding.describe()
    if finding.check is not Check.SCHEMA_EXPECTATION:  # a schema gap's message already says both sides
        detail = [
            f"{label} {value}" for label, value in (("expected", finding.expected), ("found", finding.found))
        ]
        shown = [part for part in detail if not part.endswith(" None")]
        message += f" ({'; '.join(shown)})" if shown else ""
    return ReportFinding(
        file=_schema_file(finding.schema) or origin,
        message=message,
        rule=finding.check.value,
        severity=Severity(finding.severity),
        case=case,
    )


def _schema_file(label: str | None) -> str | None:
    """The file of a candidate schema given with --schema (its label ends with "(path)")."""
    if label and label.endswith(")") and " (" in label:
        inner = label.rsplit(" (", 1)[1][:-1]
        return inner if Path(inner).suffix else None
    return None


def _print_answer(answer: CanIDeployAnswer, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(answer, indent=2))
        return
    verdict = {True: "yes", False: "no", None: "unknown"}[answer["deployable"]]
    console = Console(width=120, no_color=True)
    table = Table(
        title=f"can {answer['application']} {answer['version']} be deployed to {answer['environment']}?"
    )
    for column in ("producer", "version", "consumer", "version", "result", "errors"):
        table.add_column(column)
    for row in answer["matrix"]:
        table.add_row(
            row["producer"],
            row["producerVersion"],
            row["consumer"],
            row["consumerVersion"],
            row["result"],
            str(row["errors"]),
        )
    console.print(table)
    console.print(f"{verdict}: {answer['reason']}")
