from __future__ import annotations

import asyncio
import dataclasses
import uuid
import warnings
from datetime import UTC, datetime

import pytest

from client import (
    Envelope,
    EventTypeNameError,
    EventTypeNameWarning,
    check_event_type,
    correlated,
    current_correlation,
    event_type_problem,
    handling,
)
from client.envelope import assemble_envelope


def test_new_fills_identity_time_and_starts_a_flow():
    before = datetime.now(UTC)
    event = Envelope.new("OrderCreated", {"orderId": "o-1"}, source="orders", partition_key="o-1")
    assert uuid.UUID(event.event_id).version == 4
    assert before <= event.timestamp <= datetime.now(UTC)
    assert event.timestamp.tzinfo is not None
    assert event.correlation_id == event.event_id
    assert event.causation_id is None
    assert event.event_version is None
    assert event.partition_key == "o-1"


def test_every_new_event_gets_its_own_id():
    ids = {Envelope.new("OrderCreated", {}, source="orders").event_id for _ in range(100)}
    assert len(ids) == 100


def test_envelope_is_frozen():
    event = Envelope.new("OrderCreated", {}, source="orders")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.source = "other"  # type: ignore[misc]


def test_assemble_envelope_builds_the_same_frozen_envelope_as_the_constructor():
    fields = {
        "event_id": "e-1",
        "source": "orders",
        "event_type": "OrderCreated",
        "timestamp": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "correlation_id": "c-1",
        "data": {"orderId": "o-1"},
        "event_version": 3,
        "causation_id": "e-0",
        "partition_key": "o-1",
        "sequence_number": 7,
    }
    assert [field.name for field in dataclasses.fields(Envelope)] == list(fields)
    assembled = assemble_envelope(**fields)  # type: ignore[arg-type]
    assert type(assembled) is Envelope
    assert assembled == Envelope(**fields)  # type: ignore[arg-type]
    assert dataclasses.asdict(assembled) == fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        assembled.source = "other"  # type: ignore[misc]


def test_derive_keeps_the_correlation_and_points_to_its_cause():
    parent = Envelope.new("OrderCreated", {"orderId": "o-1"}, source="orders")
    child = parent.derive("PaymentRequested", {"orderId": "o-1"}, source="payments")
    grandchild = child.derive("PaymentCaptured", {})
    assert child.correlation_id == grandchild.correlation_id == parent.event_id
    assert child.causation_id == parent.event_id
    assert grandchild.causation_id == child.event_id
    assert grandchild.source == "payments"
    assert child.event_id != parent.event_id


def test_events_made_inside_a_handler_inherit_its_flow():
    incoming = Envelope.new("OrderCreated", {}, source="orders").derive("OrderPaid", {})
    with handling(incoming) as flow:
        assert current_correlation() == flow
        outgoing = Envelope.new("OrderShipped", {}, source="shipping")
    assert outgoing.correlation_id == incoming.correlation_id
    assert outgoing.causation_id == incoming.event_id
    assert current_correlation() is None
    assert Envelope.new("OrderShipped", {}, source="shipping").causation_id is None


def test_correlated_joins_an_external_flow_and_restores_the_outer_one():
    with correlated("req-42"):
        first = Envelope.new("OrderCreated", {}, source="api")
        with correlated("req-43", causation_id="cmd-1"):
            inner = Envelope.new("OrderCreated", {}, source="api")
        after = Envelope.new("OrderCreated", {}, source="api")
    assert (first.correlation_id, first.causation_id) == ("req-42", None)
    assert (inner.correlation_id, inner.causation_id) == ("req-43", "cmd-1")
    assert after.correlation_id == "req-42"


async def _make_in_task(name: str) -> Envelope:
    with correlated(name):
        await asyncio.sleep(0)
        return Envelope.new("OrderCreated", {}, source="api")


def test_concurrent_tasks_keep_their_own_flow():
    async def both() -> list[Envelope]:
        return list(await asyncio.gather(_make_in_task("a"), _make_in_task("b")))

    first, second = asyncio.run(both())
    assert (first.correlation_id, second.correlation_id) == ("a", "b")


def test_to_dict_uses_the_seed_field_names():
    event = Envelope(
        event_id="e-1",
        source="orders",
        event_type="OrderCreated",
        timestamp=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        correlation_id="c-1",
        causation_id="e-0",
        event_version=3,
        partition_key="o-1",
        sequence_number=7,
        data={"orderId": "o-1"},
    )
    assert event.to_dict() == {
        "eventId": "e-1",
        "source": "orders",
        "eventType": "OrderCreated",
        "eventVersion": 3,
        "timestamp": "2026-01-02T03:04:05.678000Z",
        "correlationId": "c-1",
        "causationId": "e-0",
        "partitionKey": "o-1",
        "sequenceNumber": 7,
        "data": {"orderId": "o-1"},
    }


@pytest.mark.parametrize(
    "name",
    ["OrderCreated", "PaymentRefundedV2", "EmailSent", "OrderPaid", "CustomerAddressChanged", "TaskBegun"],
)
def test_facts_pass_the_naming_check(name):
    assert event_type_problem(name) is None


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("CreateOrder", "past-tense"),
        ("OrderCreate", "past-tense"),
        ("orderCreated", "PascalCase"),
        ("Order_Created", "PascalCase"),
        ("order.created", "PascalCase"),
        ("Created", "name a thing"),
        ("", "PascalCase"),
    ],
)
def test_commands_and_odd_casing_fail_the_naming_check(name, complaint):
    assert complaint in (event_type_problem(name) or "")


def test_naming_modes():
    with pytest.warns(EventTypeNameWarning, match="CreateOrder"):
        check_event_type("CreateOrder", "warn")
    with pytest.raises(EventTypeNameError) as raised:
        check_event_type("CreateOrder", "strict")
    assert raised.value.event_type == "CreateOrder"
    assert "past-tense" in raised.value.reason
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_event_type("CreateOrder", "off")
        check_event_type("OrderCreated", "strict")
