"""Errors that name their cause, so a failed run says why in one line."""

import socket
import ssl

import requests


class DecidimError(Exception):
    """Anything that stops us reading a Decidim instance."""


class UnreachableError(DecidimError):
    """Connection refused, DNS failure, timeout, bad certificate: we never got an answer.

    `reason` (dns, refused, timeout, certificate or no_tls) is read from the requests/urllib3 error
    when it is raised: the message is shortened and the cause may not survive gql's wrapping.
    """

    def __init__(self, message: str, reason: str = "refused"):
        super().__init__(message)
        self.reason = reason


# What OpenSSL says when the other end does not speak TLS at all (an https:// address on a port
# that serves plain HTTP): the handshake reads an HTTP answer where a TLS record should be.
_NOT_TLS = ("wrong version number", "unknown protocol", "record layer failure", "packet length")


def unreachable_reason(exc: BaseException) -> str:
    """dns, refused, timeout, certificate or no_tls, from the error requests raised (and its
    causes)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, (requests.exceptions.SSLError, ssl.SSLError)):
            said = str(cause).lower().replace("_", " ")
            return "no_tls" if any(words in said for words in _NOT_TLS) else "certificate"
        if isinstance(cause, (requests.Timeout, TimeoutError)):
            return "timeout"
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return "dns"
        cause = cause.__cause__ or cause.__context__
    return "dns" if "NameResolutionError" in str(exc) else "refused"


class HTTPStatusError(DecidimError):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class NotJSONError(DecidimError):
    """An HTML page (a proxy, a maintenance page, the sign-in page) or a truncated body."""


class GraphQLErrors(DecidimError):
    """Decidim answered HTTP 200 with an `errors` array."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        first = errors[0].get("message", "unknown error") if errors else "unknown error"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"Decidim answered with GraphQL errors: {first}{more}")

    @property
    def codes(self) -> set[str]:
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}


class AuthenticationError(DecidimError):
    """The instance wants credentials we do not have, or refused the ones we have."""


class QueryError(DecidimError):
    """One of our own queries does not fit the schema: a bug of ours, caught before sending."""


class SchemaMismatch(DecidimError):
    """The server no longer offers a field the bridge cannot do without (an id, a title, a
    connection): the component that needs it fails, not the whole sync."""


class ComponentGone(DecidimError):
    """A component the spaces request listed answers null to `component(id:)` at its turn:
    Decidim lists and finds only published components, so it was unpublished (or deleted) while
    the run read the others. That component is left out of the run, its records kept as they
    were (the next run no longer finds it listed and tombstones them then); the others are read.
    """


class QueryTooDeep(SchemaMismatch):
    """The server refuses queries as deep as the one a component needs (its `max_depth` is
    lower than Decidim's default 15): that component is left out, the others are read."""
