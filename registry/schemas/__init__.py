"""Confluent's schemas: subjects and their versions, schemas by id, compatibility checks.

Each class receives its collaborators in its constructor (registry/app.py builds them once):

    store           SchemaStore: caches of immutable facts, loading stored schemas, references, parsing
    candidates      CandidateParser: a submission parsed, normalized and fingerprinted
    checker         CompatibilityChecker: a candidate against a subject's versions at its level
    registration    RegistrationService: new versions (the guard may refuse one), in two steps
    guard           RegistrationGuard: the protocol a consumer-aware check implements; NO_GUARD
    lookup          SchemaLookup: schemas by id, subjects, versions, a schema within a subject
    deletion        DeletionService: soft and permanent deletes; ImportPurge before IMPORT mode
    output_formats  OutputFormats: schemas by id as registered or, for Avro, resolved
    views           SchemaViews: what the web UI shows (subject pages, histories, comparisons)
    repository      the SQL of schemas and versions (search_repository: the UI's subject search)
    wire, api       the HTTP side: Confluent's JSON shapes and the /subjects, /schemas and
                    /compatibility routes

Services take the request's session (keyword-only), raise `registry.errors` exceptions and only
flush: the request's unit of work commits or rolls back. Writes first lock their subject, so versions
of one subject are numbered by one writer at a time, while writers of different subjects run in
parallel.
"""

from registry.schemas.arguments import LATEST, SubjectFilter, parse_version
from registry.schemas.candidates import CandidateParser
from registry.schemas.checker import CompatibilityChecker
from registry.schemas.deletion import DeletionService, ImportPurge
from registry.schemas.guard import NO_GUARD, RegistrationGuard
from registry.schemas.lookup import SchemaLookup
from registry.schemas.output_formats import OutputFormats, is_default_format
from registry.schemas.registration import PreparedRegistration, RegistrationService
from registry.schemas.store import SchemaStore
from registry.schemas.values import (
    Candidate,
    CompatibilityVerdict,
    Reference,
    RegisterResult,
    SchemaSubmission,
    StoredSchema,
    VersionView,
)
from registry.schemas.views import (
    SchemaViews,
    SubjectPage,
    SubjectQuery,
    SubjectSummary,
    VersionComparison,
    VersionRecord,
)
from registry.schemas.wire import as_seen_by

__all__ = [
    "LATEST",
    "NO_GUARD",
    "Candidate",
    "CandidateParser",
    "CompatibilityChecker",
    "CompatibilityVerdict",
    "DeletionService",
    "ImportPurge",
    "OutputFormats",
    "PreparedRegistration",
    "Reference",
    "RegisterResult",
    "RegistrationGuard",
    "RegistrationService",
    "SchemaLookup",
    "SchemaStore",
    "SchemaSubmission",
    "SchemaViews",
    "StoredSchema",
    "SubjectFilter",
    "SubjectPage",
    "SubjectQuery",
    "SubjectSummary",
    "VersionComparison",
    "VersionRecord",
    "VersionView",
    "as_seen_by",
    "is_default_format",
    "parse_version",
]
