"""Read a Decidim instance through its GraphQL API.

One `DecidimClient` per sync run (gql clients are not meant to be shared across threads). Queries
come from the static query set of the server's version (`queries.py`), are validated offline by
gql against our SDL before anything is sent, and go out one per request: Decidim accepts no
batched requests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportProtocolError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.requests import RequestsHTTPTransport
from graphql import DocumentNode, GraphQLError

from bridge.decidim import queries
from bridge.decidim.errors import (
    DecidimError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    QueryError,
)
from bridge.decidim.http import Credentials, DecidimSession

log = logging.getLogger(__name__)

# Decidim's default and maximum page size; larger `first` values are silently clamped to it.
PAGE_CAP = 50


class _SharedSessionTransport(RequestsHTTPTransport):
    """gql's requests transport, over our session (throttling, retries, auth) instead of its own."""

    def __init__(self, session: DecidimSession, timeout: float):
        super().__init__(url=f"{session.base_url}/api", timeout=int(timeout), retries=0)
        self._shared = session

    def connect(self) -> None:
        self.session = self._shared

    def close(self) -> None:
        self.session = None  # the session outlives one query; DecidimClient.close() closes it


class DecidimClient:
    def __init__(
        self,
        base_url: str,
        *,
        version: str | None = None,
        rate_limit: int = 90,
        timeout: float = 30.0,
        retries: int = 5,
        credentials: Credentials | None = None,
        page_size: int = PAGE_CAP,
        session: DecidimSession | None = None,
    ):
        self.session = session or DecidimSession(
            base_url,
            rate_limit=rate_limit,
            timeout=timeout,
            retries=retries,
            credentials=credentials,
        )
        self.page_size = page_size
        self._transport = _SharedSessionTransport(self.session, timeout)
        self._unchecked = Client(transport=self._transport)
        self.query_set: queries.QuerySet | None = None
        self._client: Client | None = None
        self.reported_version: str | None = None
        if version:
            self.use(version)

    # -- set-up -----------------------------------------------------------------------------
    def use(self, query_set_version: str) -> None:
        """Speak the dialect of one Decidim version from now on."""
        self.query_set = queries.load(query_set_version)
        self._client = Client(schema=self.query_set.schema_text, transport=self._transport)

    def detect_version(self) -> str:
        """Ask `decidim { version }`; when the server hides it (0.30+), probe features instead.

        Returns the query set to use (`0.27` ... `0.31`) and switches to it.
        """
        data = self._send(self._unchecked, queries.load("0.27").documents["version"])
        reported = (data.get("decidim") or {}).get("version")
        self.reported_version = reported
        chosen = queries.query_set_for(reported) if reported else None
        if chosen is None:
            chosen = self._probe_version()
        self.use(chosen)
        return chosen

    def _probe_version(self) -> str:
        if not self._accepts("translated_organization_name"):
            return "0.28" if self._accepts("space_manifest") else "0.27"
        if self._accepts("likes"):
            return "0.31"
        return "0.30" if self._accepts("taxonomies") else "0.29"

    def _accepts(self, probe: str) -> bool:
        """True when the server validates the probe; False when it names a missing field."""
        try:
            self._send(self._unchecked, queries.probe(probe))
        except GraphQLErrors as exc:
            if all(_is_schema_mismatch(e) for e in exc.errors):
                return False
            raise
        return True

    # -- reading ----------------------------------------------------------------------------
    def organization(self) -> dict[str, Any]:
        return self.execute("organization").get("organization") or {}

    def spaces(self) -> dict[str, list[dict]]:
        data = self.execute("spaces")
        return {
            "participatory_process": [s for s in data.get("participatoryProcesses") or [] if s],
            "assembly": [s for s in data.get("assemblies") or [] if s],
        }

    def pages(
        self, resource: str, operation: str, connection: str, component_id: str
    ) -> Iterator[list[dict]]:
        """Yield the nodes of a component's connection, one page (one request) at a time."""
        after: str | None = None
        first = self.page_size
        while True:
            variables = {"component": component_id, "first": first, "after": after}
            try:
                data = self.execute(resource, variables, operation)
            except GraphQLErrors as exc:
                # A server with a lower complexity budget than Decidim's default: smaller pages.
                if first > 5 and any("complexity" in e.get("message", "") for e in exc.errors):
                    first //= 2
                    log.warning("query too complex for the server, page size now %d", first)
                    continue
                raise
            component = data.get("component")
            if component is None:
                raise DecidimError(f"component {component_id} is gone or not published")
            conn = component.get(connection)
            if conn is None:
                raise DecidimError(f"component {component_id} has no {connection} connection")
            yield [node for node in conn.get("nodes") or [] if node]
            info = conn.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            if not info.get("endCursor") or info.get("endCursor") == after:
                raise DecidimError(f"{connection} of component {component_id}: cursor did not move")
            after = info["endCursor"]

    def one(
        self, resource: str, operation: str, field: str, component_id: str, remote_id: str
    ) -> dict | None:
        """One item by id (used to confirm an item really left before tombstoning it)."""
        data = self.execute(resource, {"component": component_id, "id": remote_id}, operation)
        return (data.get("component") or {}).get(field)

    def execute(
        self, name: str, variables: dict | None = None, operation: str | None = None
    ) -> dict[str, Any]:
        if self._client is None or self.query_set is None:
            raise RuntimeError("call detect_version() or use() first")
        return self._send(self._client, self.query_set.documents[name], variables, operation)

    def close(self) -> None:
        self.session.sign_out()
        self.session.close()

    @property
    def requests_made(self) -> int:
        return self.session.counters.requests

    @property
    def retries_made(self) -> int:
        return self.session.counters.retries

    # -- the one place gql is called ---------------------------------------------------------
    def _send(
        self,
        client: Client,
        document: DocumentNode,
        variables: dict | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        request = GraphQLRequest(document, variable_values=variables, operation_name=operation)
        try:
            result = client.execute(request)
        except TransportQueryError as exc:
            raise GraphQLErrors(list(exc.errors or [{"message": str(exc)}])) from exc
        except TransportConnectionFailed as exc:
            if isinstance(exc.__cause__, DecidimError):
                raise exc.__cause__ from None
            raise DecidimError(f"request failed: {exc}") from exc
        except TransportServerError as exc:
            raise HTTPStatusError(str(exc), exc.code or 0) from exc
        except TransportProtocolError as exc:
            raise NotJSONError(_describe_not_json(str(exc))) from exc
        except GraphQLError as exc:
            raise QueryError(f"our query does not fit the schema: {exc.message}") from exc
        if not isinstance(result, dict):
            raise NotJSONError("Decidim answered without a data object")
        return without_nul(result)


def without_nul(value: Any) -> Any:
    """The answer with every NUL character taken out of its strings.

    JSON may carry `\u0000` and Decidim stores what its users typed, but PostgreSQL refuses NUL
    in text and JSONB: one such character would fail every sync of the instance. It is never
    meaningful in a text, so it goes; the rest is stored as Decidim sent it."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


SCHEMA_MISMATCH_WORDS = (
    "doesn't exist on type",  # graphql-ruby: unknown field
    "Cannot query field",  # graphql-js / graphql-core: unknown field
    "Selections can't be made on scalars",  # graphql-ruby: a String where we expect an object
    "must not have a selection",  # graphql-core: the same
    "must have a selection of subfields",  # an object where we expect a scalar
)


def _is_schema_mismatch(error: dict) -> bool:
    """Does this error say the query does not fit the server's schema (and nothing else)?"""
    message = error.get("message", "")
    code = (error.get("extensions") or {}).get("code")
    return code in {"undefinedField", "selectionMismatch"} or any(
        words in message for words in SCHEMA_MISMATCH_WORDS
    )


def _describe_not_json(text: str) -> str:
    body = text.split(": ", 2)[-1] if ": " in text else text
    if body.lstrip().startswith("<"):
        return (
            "Decidim answered with an HTML page instead of JSON "
            "(a proxy, maintenance or sign-in page?)"
        )
    if body.strip():
        return f"Decidim's answer is not valid JSON (truncated body?): {body[:80]!r}"
    return "Decidim answered with an empty body"
