"""The registry's rules: register, look up, delete, check compatibility, config and mode.

Functions take the request's session (keyword-only), raise `registry.errors` exceptions and only
flush: the session dependency commits or rolls back. Writes first lock their subject, so versions of
one subject are numbered by one writer at a time, while writers of different subjects run in parallel.

`Registry` gathers one class per purpose, each in its own module:

    core            settings, caches, the reads every operation shares
    candidates      submitted schemas parsed, normalized and fingerprinted
    config_mode     compatibility config and mode
    lookup          schemas by id, subjects, versions, finding a schema in a subject
    checks          compatibility checks
    registration    registering schemas
    deletion        deleting versions and subjects
    formats         schemas by id in Confluent's output formats
    browsing        what the web UI shows
"""

from registry.service.arguments import (
    LATEST,
    Mode,
    SubjectFilter,
    parse_compatibility_level,
    parse_compatibility_policy,
    parse_mode,
    parse_version,
    validate_subject,
)
from registry.service.browsing import Browsing
from registry.service.deletion import Deletion
from registry.service.formats import SchemaFormats, is_default_format
from registry.service.registration import Registration
from registry.service.views import (
    CompatibilityVerdict,
    ConfigView,
    EffectiveConfig,
    RegisterResult,
    SchemaSubmission,
    SettingSource,
    SubjectPage,
    SubjectQuery,
    SubjectSettings,
    SubjectSummary,
    VersionComparison,
    VersionRecord,
    VersionView,
)

__all__ = [
    "LATEST",
    "CompatibilityVerdict",
    "ConfigView",
    "EffectiveConfig",
    "Mode",
    "RegisterResult",
    "Registry",
    "SchemaSubmission",
    "SettingSource",
    "SubjectFilter",
    "SubjectPage",
    "SubjectQuery",
    "SubjectSettings",
    "SubjectSummary",
    "VersionComparison",
    "VersionRecord",
    "VersionView",
    "is_default_format",
    "parse_compatibility_level",
    "parse_compatibility_policy",
    "parse_mode",
    "parse_version",
    "validate_subject",
]


class Registry(Registration, Deletion, Browsing, SchemaFormats):
    """The registry of one process: its rules, and its caches of immutable facts."""
