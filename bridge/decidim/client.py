"""Read a Decidim instance through its GraphQL API.

One `DecidimClient` per sync run (gql clients are not meant to be shared across threads). Our
queries are fitted to the server's capabilities (`capabilities.py`, `queries.py`): learnt by one
probe on a first sync, kept on the instance afterwards. When the server stops offering a field
(an upgrade between two syncs), the query that failed is fitted again and re-asked once; the
change is kept in `drift` for the run's warnings. Queries go out one per request: Decidim
accepts no batched requests.
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
from graphql import DocumentNode

from bridge.decidim import queries
from bridge.decidim.capabilities import Capabilities, missing_in
from bridge.decidim.errors import (
    DecidimError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    SchemaMismatch,
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
        self._client = Client(transport=self._transport)
        self.capabilities: Capabilities | None = None
        self.query_set: str | None = None  # a label: the version we believe the server runs
        self.reported_version: str | None = None
        self.drift: list[str] = []  # what changed in the server's schema during this run
        self._probed = False
        self._organization: dict | None = None
        if version:
            self.use(version)

    # -- set-up -----------------------------------------------------------------------------
    def use(self, version: str) -> None:
        """Ask what a server of exactly our schema of `version` offers (tests, known servers)."""
        self.use_capabilities(queries.capabilities_of(version), version)

    def use_capabilities(self, capabilities: Capabilities, label: str | None = None) -> None:
        self.capabilities = capabilities
        self.query_set = label or capabilities.guess_version()

    def detect_version(self) -> str:
        """Two requests: the capabilities probe, then the organization with `decidim { version }`
        (null from 0.30 unless disclosed; the capabilities then give the label).

        Returns the label (`0.27` ... `0.31`); the organization is kept for `organization()`."""
        self.use_capabilities(self._probe())
        self._organization = self._read_organization()
        chosen = queries.query_set_for(self.reported_version) or self.capabilities.guess_version()
        self.query_set = chosen
        return chosen

    def _probe(self) -> Capabilities:
        """One request naming every optional field this server lacks."""
        self._probed = True
        try:
            self._send(queries.probe())
        except GraphQLErrors as exc:
            missing = missing_in(exc.errors)
            if missing is None:
                raise
            return Capabilities(frozenset(missing))
        return Capabilities()

    # -- reading ----------------------------------------------------------------------------
    def organization(self) -> dict[str, Any]:
        """The organization (read with the version; the one read by `detect_version` if any)."""
        if self._organization is not None:
            found, self._organization = self._organization, None
            return found
        return self._read_organization()

    def _read_organization(self) -> dict[str, Any]:
        data = self.execute("organization")
        self.reported_version = (data.get("decidim") or {}).get("version")
        return data.get("organization") or {}

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
        """Run one of our queries, fitted to the server; re-fitted and re-asked once when the
        server says a field we ask no longer exists."""
        try:
            return self._send(self._document(name), variables, operation)
        except GraphQLErrors as exc:
            missing = missing_in(exc.errors)
            if missing is None:
                raise
        self._learn(missing)
        return self._send(self._document(name), variables, operation)

    def _document(self, name: str) -> DocumentNode:
        if self.capabilities is None:
            raise RuntimeError("call detect_version(), use() or use_capabilities() first")
        built = queries.build(self.capabilities.dropped())[name]
        if built.lost:
            raise SchemaMismatch(
                f"Decidim no longer offers {', '.join(sorted(built.lost))}, "
                f"which the bridge needs to read {name}"
            )
        return built.document

    def _learn(self, missing: set[str]) -> None:
        """The server lacks fields it had: probe again (once a run), so that renamed fields
        are found under their new name, and remember what changed."""
        before = self.capabilities or Capabilities()
        after = self._probe() if not self._probed else before
        after = after.without(missing)
        gone, back = sorted(after.missing - before.missing), sorted(before.missing - after.missing)
        log.warning("Decidim's schema changed: gone %s, now offered %s", gone, back)
        self.drift.append(
            "Decidim's API changed since the capabilities were last read: "
            + "; ".join(
                part
                for part in (
                    f"no longer offers {', '.join(gone)}" if gone else "",
                    f"now offers {', '.join(back)}" if back else "",
                )
                if part
            )
            + ". The queries were adapted."
        )
        self.capabilities = after

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
        document: DocumentNode,
        variables: dict | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        request = GraphQLRequest(document, variable_values=variables, operation_name=operation)
        try:
            result = self._client.execute(request)
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
