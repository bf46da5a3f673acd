"""Errors that name their cause, so a failed run says why in one line."""


class DecidimError(Exception):
    """Anything that stops us reading a Decidim instance."""


class UnreachableError(DecidimError):
    """Connection refused, DNS failure, timeout: we never got an answer."""


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
