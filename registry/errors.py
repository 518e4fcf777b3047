"""The registry's errors. Each knows its Confluent `error_code`; the HTTP status is its first three digits.

One exception handler (registry.web.error_handlers) renders every one of them as
`{"error_code": N, "message": "..."}`.

    ApiError
    ├── NotFoundError (404)
    │   ├── RouteNotFoundError             404    no such path
    │   ├── SubjectNotFoundError           40401
    │   ├── VersionNotFoundError           40402
    │   ├── SchemaIdNotFoundError          40403
    │   ├── SubjectSoftDeletedError        40404
    │   ├── SubjectNotSoftDeletedError     40405
    │   ├── VersionSoftDeletedError        40406
    │   ├── VersionNotSoftDeletedError     40407
    │   ├── CompatibilityNotConfiguredError 40408
    │   ├── ModeNotConfiguredError         40409
    │   ├── ContractVersionNotFoundError   40410  no contracts published by that application version
    │   ├── EventTypeNotFoundError         40411  no contract names that event type
    │   ├── ContractResultNotFoundError    40412  that pair of versions was never verified
    │   └── ApplicationNotFoundError       40413  no contracts of that application (in that environment)
    ├── HttpError                          4xx    other HTTP-level refusals
    ├── UnauthenticatedError               40101  no credentials, or wrong ones (with WWW-Authenticate)
    ├── ForbiddenError                     40301  the caller may read the subject but not do this to it
    ├── CrossSiteRequestError              403    a browser sent a change from another site's page
    ├── MalformedRequestError              400    body is not JSON
    │   └── UnstorableCharacterError       400    a NUL or lone surrogate in the path, query or body
    ├── MethodNotAllowedError              405
    ├── NotAcceptableError                 406
    ├── IncompatibleSchemaError            409    (Confluent 7.x's code; 8.x says 40901)
    ├── ExpectationBrokenError             40910  the schema breaks a consumer's published expectation
    ├── RequestTooLargeError               413
    ├── UnsupportedMediaTypeError          415
    ├── TooManyRequestsError               429    over the rate limit, or too many failed logins (Retry-After)
    ├── UnprocessableError (422)                  a request field has the wrong shape
    │   ├── InvalidSchemaError             42201
    │   ├── InvalidVersionError            42202
    │   ├── InvalidCompatibilityLevelError 42203
    │   ├── InvalidModeError               42204
    │   ├── OperationNotPermittedError     42205
    │   ├── ReferenceExistsError           42206
    │   ├── IdDoesNotMatchError            42207
    │   ├── InvalidSubjectError            42208
    │   └── InvalidContractError           42210  an expectation, sample, result or deployment is malformed
    └── ServerError (500)
        ├── StoreError                     50001
        └── OperationTimeoutError          50002
"""

from __future__ import annotations


class ApiError(Exception):
    """Anything the registry answers with an error body."""

    error_code: int = 500
    headers: dict[str, str] | None = None  # response headers the error needs (WWW-Authenticate)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def http_status(self) -> int:
        return int(str(self.error_code)[:3])


class NotFoundError(ApiError):
    """Something the request names does not exist."""

    error_code = 404


class RouteNotFoundError(NotFoundError):
    """No endpoint has this path."""

    def __init__(self) -> None:
        super().__init__("HTTP 404 Not Found")


class SubjectNotFoundError(NotFoundError):
    """The subject has no versions (or only soft-deleted ones, when those were not asked for)."""

    error_code = 40401

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' not found.")
        self.subject = subject


class VersionNotFoundError(NotFoundError):
    """The subject exists but has no such version."""

    error_code = 40402

    def __init__(self, version: int) -> None:
        super().__init__(f"Version {version} not found.")
        self.version = version


class SchemaIdNotFoundError(NotFoundError):
    """No schema has this id, or the schema is not registered under the subject."""

    error_code = 40403

    def __init__(self, schema_id: int | None = None) -> None:
        super().__init__("Schema not found" if schema_id is None else f"Schema {schema_id} not found")
        self.schema_id = schema_id


class SubjectSoftDeletedError(NotFoundError):
    """A soft delete was asked for a subject that is already soft-deleted."""

    error_code = 40404

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently")


class SubjectNotSoftDeletedError(NotFoundError):
    """A permanent delete was asked for a subject that was not soft-deleted first."""

    error_code = 40405

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' was not deleted first before being permanently deleted")


class VersionSoftDeletedError(NotFoundError):
    """A soft delete was asked for a version that is already soft-deleted."""

    error_code = 40406

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"
        )


class VersionNotSoftDeletedError(NotFoundError):
    """A permanent delete was asked for a version that was not soft-deleted first."""

    error_code = 40407

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
        )


class CompatibilityNotConfiguredError(NotFoundError):
    """The subject has no compatibility level of its own."""

    error_code = 40408

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' does not have subject-level compatibility configured")


class ModeNotConfiguredError(NotFoundError):
    """The subject has no mode of its own."""

    error_code = 40409

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' does not have subject-level mode configured")


class ContractVersionNotFoundError(NotFoundError):
    """The application version published no expectations or samples."""

    error_code = 40410

    def __init__(self, application: str, version: str) -> None:
        super().__init__(f"Application '{application}' version '{version}' has published no contracts")


class EventTypeNotFoundError(NotFoundError):
    """No producer sample and no consumer expectation is of the event type."""

    error_code = 40411

    def __init__(self, event_type: str) -> None:
        super().__init__(f"No producer or consumer has published contracts for event type '{event_type}'")


class ContractResultNotFoundError(NotFoundError):
    """The producer version was never verified against the consumer version."""

    error_code = 40412

    def __init__(self, producer: str, producer_version: str, consumer: str, consumer_version: str) -> None:
        super().__init__(
            f"{producer} {producer_version} was never verified against {consumer} {consumer_version}"
        )


class ApplicationNotFoundError(NotFoundError):
    """No version of the application that counts published contracts the caller may read."""

    error_code = 40413

    def __init__(self, application: str, environment: str | None) -> None:
        where = f" running in '{environment}'" if environment else ""
        super().__init__(f"Application '{application}' has no published contracts{where}")


class HttpError(ApiError):
    """Any other refusal at the HTTP level; like Confluent's rest-utils, its code is the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.error_code = status


class UnauthenticatedError(ApiError):
    """The request carries no credentials, or credentials that match no user or API key."""

    error_code = 40101

    def __init__(
        self, message: str = "Unauthorized: give a user name and password (HTTP Basic) or an API key (Bearer)"
    ) -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": 'Basic realm="accord", charset="UTF-8"'}


class ForbiddenError(ApiError):
    """The caller is known, and may see what it names, but its role does not allow this operation."""

    error_code = 40301


class CrossSiteRequestError(ApiError):
    """A browser sent a state-changing request from a page of another site or origin."""

    error_code = 403


class MalformedRequestError(ApiError):
    """The request body is not valid JSON."""

    error_code = 400


class UnstorableCharacterError(MalformedRequestError):
    """The request holds a character no database can store: NUL, or half of a surrogate pair."""


class MethodNotAllowedError(ApiError):
    """The path exists but not with this HTTP method."""

    error_code = 405

    def __init__(self) -> None:
        super().__init__("HTTP 405 Method Not Allowed")


class NotAcceptableError(ApiError):
    """The Accept header allows none of the registry's JSON media types."""

    error_code = 406


class IncompatibleSchemaError(ApiError):
    """The schema breaks the subject's compatibility level; `messages` are Confluent's verbose lines."""

    error_code = 409

    def __init__(self, subject: str, messages: list[str]) -> None:
        details = "[" + ", ".join(messages) + "]"
        super().__init__(
            f'Schema being registered is incompatible with an earlier schema for subject "{subject}", '
            f"details: {details}"
        )
        self.messages = messages


class ExpectationBrokenError(ApiError):
    """Registering the schema would break published consumer expectations; `broken` has one line per
    problem (consumer, its version, the path, what it expects and what the schema has)."""

    error_code = 40910

    def __init__(self, subject: str, version: int, broken: list[str]) -> None:
        super().__init__(
            f'Schema being registered as version {version} of subject "{subject}" breaks what its consumers '
            "published as expected: " + "; ".join(broken) + ". Keep what they read, or turn the check off "
            f'for this subject with PUT /contracts/subjects/{subject}/enforcement {{"enforce": false}}'
        )
        self.broken = broken


class RequestTooLargeError(ApiError):
    """The request body is larger than the configured limit."""

    error_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The request body is larger than the limit of {limit} bytes (setting ACCORD_MAX_BODY_BYTES)"
        )


class UnsupportedMediaTypeError(ApiError):
    """The request body's Content-Type is not one the registry reads."""

    error_code = 415


class TooManyRequestsError(ApiError):
    """Over the rate limit, or too many failed logins: try again after `retry_after` seconds."""

    error_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class UnprocessableError(ApiError):
    """A request field is missing or has the wrong type."""

    error_code = 422


class InvalidSchemaError(UnprocessableError):
    """The schema does not parse, its type is unsupported, or a reference cannot be resolved."""

    error_code = 42201


class InvalidVersionError(UnprocessableError):
    """The version is neither 1..2^31-1, -1 nor "latest"."""

    error_code = 42202

    def __init__(self, version: str) -> None:
        super().__init__(
            f"The specified version '{version}' is not a valid version id. "
            'Allowed values are between [1, 2^31-1] and the string "latest"'
        )


class InvalidCompatibilityLevelError(UnprocessableError):
    """The compatibility level (or policy) is not one of Confluent's names."""

    error_code = 42203


class InvalidModeError(UnprocessableError):
    """The mode is not one of READWRITE, READONLY, READONLY_OVERRIDE, IMPORT."""

    error_code = 42204

    def __init__(self) -> None:
        super().__init__("Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.")


class OperationNotPermittedError(UnprocessableError):
    """The mode forbids the operation (read-only, not in import mode, id already taken...)."""

    error_code = 42205


class ReferenceExistsError(UnprocessableError):
    """Another schema references the version that was asked to be deleted."""

    error_code = 42206

    def __init__(self, subject: str, version: int, referenced_by: list[int]) -> None:
        ids = ", ".join(str(schema_id) for schema_id in referenced_by)
        super().__init__(
            f"One or more references exist to the schema {{subject={subject},version={version}}}. "
            f"Referenced by schema ids: {ids}"
        )


class IdDoesNotMatchError(UnprocessableError):
    """An imported schema is already registered under another id."""

    error_code = 42207

    def __init__(self, existing_id: int, requested_id: int) -> None:
        super().__init__(
            f"Schema already registered with id {existing_id} instead of input id {requested_id}"
        )


class InvalidSubjectError(UnprocessableError):
    """The subject name is reserved or contains control characters."""

    error_code = 42208

    def __init__(self, subject: str) -> None:
        super().__init__(f"The specified subject '{subject}' is not a valid.")


class InvalidContractError(UnprocessableError):
    """A published expectation, sample, verification result or deployment has the wrong shape."""

    error_code = 42210


class ServerError(ApiError):
    """Something failed on the registry's side; the log has the details under the request id."""

    error_code = 500


class StoreError(ServerError):
    """The database failed."""

    error_code = 50001


class OperationTimeoutError(ServerError):
    """A lock or the database did not answer in time."""

    error_code = 50002
