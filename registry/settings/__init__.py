"""Config and mode: the compatibility level, policy and normalization, and what a subject accepts
(READWRITE, READONLY, IMPORT...), set for the whole registry or per subject.

    arguments    values requests name: modes, levels, policies, subject names
    service      SettingsService: reading and changing them, and what applies to a subject
    repository   their SQL
    wire, api    /config and /mode (one handler for each global/per-subject pair)
"""

from registry.settings.arguments import (
    Mode,
    parse_compatibility_level,
    parse_compatibility_policy,
    parse_mode,
    validate_subject,
)
from registry.settings.service import (
    ConfigView,
    EffectiveConfig,
    ImportPreparation,
    SettingSource,
    SettingsService,
    SubjectSettings,
    WriteSettings,
    resolve_normalize,
)

__all__ = [
    "ConfigView",
    "EffectiveConfig",
    "ImportPreparation",
    "Mode",
    "SettingSource",
    "SettingsService",
    "SubjectSettings",
    "WriteSettings",
    "parse_compatibility_level",
    "parse_compatibility_policy",
    "parse_mode",
    "resolve_normalize",
    "validate_subject",
]
