"""Why a Decidim instance could not be read, in one sentence a city administrator can act on.

The technical message (`cannot reach ... NewConnectionError(...)`) stays in the run record, the
API and the log for developers; the pages show the sentence of its *kind*. The kind is decided
from the exception's class (and, for an unreachable server, the `reason` read from the
requests/urllib3 error when it was raised), not from our own message, which is shortened.
"""

from __future__ import annotations

from bridge.decidim.errors import (
    AuthenticationError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    QueryError,
    UnreachableError,
)
from bridge.i18n import N_, gettext

# Each kind's sentence: an English msgid, translated when shown (docs/translation.md).
SENTENCES: dict[str, str] = {
    "dns": N_(
        "The server's address cannot be found: check the instance's address (a typo, an "
        "expired domain name)."
    ),
    "refused": N_(
        "No server answers at this address: check the address and port, and that the "
        "Decidim server is running."
    ),
    "timeout": N_(
        "The server took too long to answer: it may be overloaded or down; try again later."
    ),
    "certificate": N_(
        "The server's HTTPS certificate is not valid (expired or for another name): tell "
        "the Decidim platform's host."
    ),
    "no_tls": N_(
        "The server does not speak HTTPS at this address: check the port, or try the "
        "address with http:// if the platform has no certificate."
    ),
    "not_found": N_(
        "No Decidim API at this address (page not found): check that it is the root "
        "address of the Decidim platform."
    ),
    "server_error": N_(
        "The Decidim server answered with an error: it may be under maintenance; try again later."
    ),
    "not_decidim": N_(
        "The server answers, but not as a Decidim API (a web page, maintenance or sign-in "
        "page): check the instance's address."
    ),
    "credentials": N_(
        "The Decidim platform refuses access to its API: check the instance's API key and secret."
    ),
    "api_error": N_(
        "The Decidim platform refused one of our queries: its version may not be supported yet."
    ),
    "interrupted": N_(
        "The sync was interrupted (the service stopped); the next one resumes where it stopped."
    ),
    "unknown": N_(
        "The sync failed for an unexpected reason: the technical detail is in the service's log."
    ),
}


def kind_of(exc: BaseException) -> str:
    """The kind of a failure, a key of SENTENCES."""
    if isinstance(exc, UnreachableError):
        return exc.reason
    if isinstance(exc, AuthenticationError):
        return "credentials"
    if isinstance(exc, HTTPStatusError):
        if exc.status in (401, 403):
            return "credentials"
        if exc.status in (404, 405, 410) or 300 <= exc.status < 400:
            return "not_found"
        return "server_error" if exc.status >= 500 else "not_decidim"
    if isinstance(exc, NotJSONError):
        return "not_decidim"
    if isinstance(exc, (GraphQLErrors, QueryError)):
        return "api_error"
    return "unknown"


def sentence(kind: str | None) -> str:
    """The sentence for a kind in the reader's language (an unknown or missing kind gets the
    generic one)."""
    return gettext(SENTENCES.get(kind or "unknown", SENTENCES["unknown"]))
