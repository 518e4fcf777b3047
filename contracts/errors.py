"""Everything the contract harness raises, as one tree rooted at ContractError.

ContractError
├── MatcherError            a matcher is used wrongly (an example that breaks its own rule, a pattern
│                           without an example, an unknown value in a nested object)
├── ContractFileError       a contract file cannot be read or does not have the expected shape; carries path
├── PactImportError         a Pact file holds something that cannot become an expectation; carries where
└── ContractRegistryError   the registry refused a contract request, or could not be reached
"""

from __future__ import annotations


class ContractError(Exception):
    """Root of every error of the contract harness."""


class MatcherError(ContractError, ValueError):
    """A matcher is used in a way that cannot describe any value (carries the reason)."""


class ContractFileError(ContractError):
    """A contract file (expectations or samples) cannot be used; carries the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PactImportError(ContractError):
    """A Pact file cannot be imported; carries the file, the place inside it and the reason."""

    def __init__(self, path: str, where: str, reason: str) -> None:
        super().__init__(f"{path}: {where}: {reason}")
        self.path = path
        self.where = where
        self.reason = reason


class ContractRegistryError(ContractError):
    """The registry answered a contract request with an error, did not answer at all, or the request
    could not be made or answered (`url` None: bad credentials, no version to publish under, an answer
    the harness cannot read; the message names the URL then).

    `status` is the HTTP status (None when no answer came), `error_code` Confluent-style.
    """

    def __init__(
        self, url: str | None, message: str, *, status: int | None = None, error_code: int | None = None
    ):
        if url is None:
            super().__init__(message)
        else:
            where = f"{url} answered {status}" if status is not None else f"{url} is unreachable"
            super().__init__(f"{where}: {message}")
        self.url = url
        self.status = status
        self.error_code = error_code
        self.message = message
