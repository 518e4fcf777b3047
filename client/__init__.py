"""Accord's client library: event envelopes validated and serialized on publish and consume.

Services import everything from here; the modules behind it are implementation details. Each name
is imported on first use, so a program that needs one part (the registry server needs only JSON
paths and patterns) does not pay for the others.
"""

import importlib as _importlib
import logging as _logging
from typing import TYPE_CHECKING as _TYPE_CHECKING

# A library leaves logging to the application: without a handler of its own, Python's last-resort
# handler would print the client's warnings (an outage, say) to the stderr of every program using it.
_logging.getLogger("accord.client").addHandler(_logging.NullHandler())

if _TYPE_CHECKING:
    from client.adapters.memory import InMemoryBus, InMemoryRegistry
    from client.deadletter import dead_letter_message, deliver
    from client.envelope import (
        Correlation,
        Envelope,
        EventTypeNameWarning,
        NamingMode,
        check_event_type,
        correlated,
        current_correlation,
        event_type_problem,
        handling,
    )
    from client.errors import (
        AccordError,
        BatchValidationError,
        DeserializationError,
        EventTypeNameError,
        EventValidationError,
        InvalidMessageError,
        MalformedMessageError,
        ReaderSchemaError,
        RegistryError,
        RegistryResponseError,
        RegistryUnavailableError,
        SchemaNotFoundError,
        UnknownSchemaError,
        UnusableSchemaError,
        Violation,
    )
    from client.registry_client import AsyncRegistryClient, RegistryClient
    from client.schemas import (
        CompatibilityResult,
        RegisteredSchema,
        Schema,
        SchemaReference,
        SchemaSource,
        SchemaType,
    )
    from client.serde import (
        EventDeserializer,
        EventSerializer,
        Message,
        Mode,
        Payload,
        ProtobufOutput,
        SubjectNameStrategy,
        subject_name,
    )
    from client.transport import (
        AsyncRegistryTransport,
        RegistryTransport,
        RetryPolicy,
        credentials_from_environment,
        credentials_from_text,
    )

_MODULE_OF = {
    "InMemoryBus": "client.adapters.memory",
    "InMemoryRegistry": "client.adapters.memory",
    "dead_letter_message": "client.deadletter",
    "deliver": "client.deadletter",
    "Correlation": "client.envelope",
    "Envelope": "client.envelope",
    "EventTypeNameWarning": "client.envelope",
    "NamingMode": "client.envelope",
    "check_event_type": "client.envelope",
    "correlated": "client.envelope",
    "current_correlation": "client.envelope",
    "event_type_problem": "client.envelope",
    "handling": "client.envelope",
    "AccordError": "client.errors",
    "BatchValidationError": "client.errors",
    "DeserializationError": "client.errors",
    "EventTypeNameError": "client.errors",
    "EventValidationError": "client.errors",
    "InvalidMessageError": "client.errors",
    "MalformedMessageError": "client.errors",
    "ReaderSchemaError": "client.errors",
    "RegistryError": "client.errors",
    "RegistryResponseError": "client.errors",
    "RegistryUnavailableError": "client.errors",
    "SchemaNotFoundError": "client.errors",
    "UnknownSchemaError": "client.errors",
    "UnusableSchemaError": "client.errors",
    "Violation": "client.errors",
    "AsyncRegistryClient": "client.registry_client",
    "RegistryClient": "client.registry_client",
    "CompatibilityResult": "client.schemas",
    "RegisteredSchema": "client.schemas",
    "Schema": "client.schemas",
    "SchemaReference": "client.schemas",
    "SchemaSource": "client.schemas",
    "SchemaType": "client.schemas",
    "EventDeserializer": "client.serde",
    "EventSerializer": "client.serde",
    "Message": "client.serde",
    "Mode": "client.serde",
    "Payload": "client.serde",
    "ProtobufOutput": "client.serde",
    "SubjectNameStrategy": "client.serde",
    "subject_name": "client.serde",
    "AsyncRegistryTransport": "client.transport",
    "RegistryTransport": "client.transport",
    "RetryPolicy": "client.transport",
    "credentials_from_environment": "client.transport",
    "credentials_from_text": "client.transport",
}

__all__ = [
    "AccordError",
    "AsyncRegistryClient",
    "AsyncRegistryTransport",
    "BatchValidationError",
    "CompatibilityResult",
    "Correlation",
    "DeserializationError",
    "Envelope",
    "EventDeserializer",
    "EventSerializer",
    "EventTypeNameError",
    "EventTypeNameWarning",
    "EventValidationError",
    "InMemoryBus",
    "InMemoryRegistry",
    "InvalidMessageError",
    "MalformedMessageError",
    "Message",
    "Mode",
    "NamingMode",
    "Payload",
    "ProtobufOutput",
    "ReaderSchemaError",
    "RegisteredSchema",
    "RegistryClient",
    "RegistryError",
    "RegistryResponseError",
    "RegistryTransport",
    "RegistryUnavailableError",
    "RetryPolicy",
    "Schema",
    "SchemaNotFoundError",
    "SchemaReference",
    "SchemaSource",
    "SchemaType",
    "SubjectNameStrategy",
    "UnknownSchemaError",
    "UnusableSchemaError",
    "Violation",
    "check_event_type",
    "correlated",
    "credentials_from_environment",
    "credentials_from_text",
    "current_correlation",
    "dead_letter_message",
    "deliver",
    "event_type_problem",
    "handling",
    "subject_name",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'client' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
