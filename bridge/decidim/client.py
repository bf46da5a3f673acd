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
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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

from bridge.decidim import planner, queries
from bridge.decidim.capabilities import Capabilities, missing_in
from bridge.decidim.errors import (
    DecidimError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    QueryTooDeep,
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


# How many items of one component prefetch() reads at most (the rest: pages()).
AHEAD = 250


@dataclass
class _Ahead:
    """What prefetch() has read of one component, and where it stopped."""

    resource: str
    operation: str
    connection: str
    component_id: str
    shape: planner.Shape
    known: int | None
    pages: list[list[dict]] = field(default_factory=list)
    offset: int = 0
    after: str | None = None
    more: bool = True


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
        self._spaces: dict[str, Any] | None = None
        self.limits = planner.Limits(page_cap=page_size)
        # Are the server's cursors offsets (several pages a request)? None until one is read.
        self.offsets: bool | None = None
        self._ahead: dict[str, _Ahead] = {}
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
        """Two requests: the capabilities probe, then the spaces with the organization and
        `decidim { version }` (null from 0.30 unless disclosed; the capabilities then give the
        label). Returns the label (`0.27` ... `0.31`); what was read is kept for
        `organization()` and `spaces()`."""
        capabilities = self._probe()
        self.use_capabilities(capabilities)
        self._read_spaces()
        chosen = queries.query_set_for(self.reported_version) or capabilities.guess_version()
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
        """The organization, read with the version and the spaces in one request."""
        found = self._spaces if self._spaces is not None else self._read_spaces()
        return found["organization"]

    def spaces(self) -> dict[str, list[dict]]:
        """Processes and assemblies (read with the organization, or now); read once."""
        found = self._spaces if self._spaces is not None else self._read_spaces()
        self._spaces = None
        return {
            "participatory_process": found["participatory_process"],
            "assembly": found["assembly"],
        }

    def _read_spaces(self) -> dict[str, Any]:
        data = self.execute("spaces")
        self.reported_version = (data.get("decidim") or {}).get("version")
        self._spaces = {
            "organization": data.get("organization") or {},
            "participatory_process": [s for s in data.get("participatoryProcesses") or [] if s],
            "assembly": [s for s in data.get("assemblies") or [] if s],
        }
        return self._spaces

    def prefetch(self, wanted: list[tuple[str, str, str, str, int | None]]) -> None:
        """Read the first pages of many components a few requests at a time: each request
        carries one page of up to `max_aliases` components (aliases `c0`, `c1`...), sized to
        share the complexity budget, or to the count stored last time. Rounds go on while two
        or more components have more, each up to AHEAD items (memory stays bounded); `pages()`
        yields what was read, then goes on. Each wanted item is (resource, page operation,
        connection, component id, items stored last time or None)."""
        pending = []
        for resource, operation, connection, component_id, known in wanted:
            try:
                document = self._document(resource)
            except SchemaMismatch:
                continue  # pages() says so, for this component alone
            shape = planner.shape(document, operation, connection)
            pending.append(_Ahead(resource, operation, connection, component_id, shape, known))
        while True:
            # A component whose query is deeper than the server allows is left to pages(),
            # which says so for it alone.
            pending = [a for a in pending if a.shape.depth <= self.limits.max_depth]
            if len(pending) < 2 or self.limits.max_aliases < 2 or self.offsets is False:
                return
            size = min(self.limits.max_aliases, len(pending))
            count = math.ceil(len(pending) / size)
            groups = [pending[i::count] for i in range(count)]
            if not all(self._read_ahead(group) for group in groups):
                if any(a.shape.depth > self.limits.max_depth for a in pending):
                    continue  # the others go on together; what was read is kept
                return  # the server's limits are lower than we thought: pages() goes on
            pending = [
                a for a in pending if a.more and self.offsets and a.offset < AHEAD and a.pages
            ]

    def _read_ahead(self, group: list[_Ahead]) -> bool:
        share = self.limits.budget / len(group)
        windows = []
        for ahead in group:
            fits = math.floor((share - ahead.shape.base - ahead.shape.meta) / ahead.shape.item)
            first = min(self.page_size, fits)
            if ahead.known is not None and not ahead.pages:
                first = min(first, ahead.known + 5)
            windows.append((ahead, max(1, first)))

        def build() -> DocumentNode:
            return planner.components_document(
                [
                    (self._document(a.resource), a.operation, a.connection, a.component_id)
                    + (a.offset, first)
                    for a, first in windows
                ]
            )

        try:
            data = self._ask(build, None, None)
        except SchemaMismatch:
            return False  # a component lost an essential field: pages() says which
        except GraphQLErrors as exc:
            estimate = sum(a.shape.cost(1, f) for a, f in windows)
            if self.limits.learn(exc.errors, estimate):
                return False
            raise
        for index, (ahead, _) in enumerate(windows):
            conn = (data.get(f"c{index}") or {}).get(ahead.connection)
            if conn is None:
                ahead.more = False  # pages() reads it again and says what is wrong
                continue
            nodes = [node for node in conn.get("nodes") or [] if node]
            info = conn.get("pageInfo") or {}
            ahead.offset += len(nodes)
            ahead.after = info.get("endCursor") or ahead.after
            ahead.more = bool(info.get("hasNextPage"))
            ahead.pages.append(nodes)
            self._check_cursor(info, ahead.offset)
            self._ahead[ahead.component_id] = ahead
        return True

    def pages(
        self, resource: str, operation: str, connection: str, component_id: str
    ) -> Iterator[list[dict]]:
        """Yield the nodes of a component's connection page by page. Where the server's cursors
        are offsets, one request carries several pages (`planner`); elsewhere one page a
        request, following `endCursor`."""
        offset, after = 0, None
        if (ahead := self._ahead.pop(component_id, None)) is not None:
            yield from ahead.pages
            if not ahead.more:
                return
            offset, after = ahead.offset, ahead.after
        while True:
            document = self._document(resource)
            shape = planner.shape(document, operation, connection)
            if shape.depth > self.limits.max_depth:
                raise QueryTooDeep(
                    f"Decidim accepts queries {self.limits.max_depth} levels deep at most; "
                    f"reading {resource} needs {shape.depth}"
                )
            packing = self.offsets is True
            pages, first = planner.plan(shape, self.limits, max_pages=None if packing else 1)
            windows = [(offset + i * first, first) for i in range(pages)]

            def build(windows=windows) -> DocumentNode:
                return planner.pages_document(
                    self._document(resource), operation, connection, windows
                )

            try:
                if packing:
                    data = self._ask(build, {"component": component_id}, operation)
                else:
                    variables = {"component": component_id, "first": first, "after": after}
                    data = self._ask(lambda: self._document(resource), variables, operation)
            except GraphQLErrors as exc:
                if self.limits.learn(exc.errors, shape.cost(pages, first)):
                    log.warning("request too large for the server: limits now %s", self.limits)
                    continue
                raise
            component = data.get("component")
            if component is None:
                raise DecidimError(f"component {component_id} is gone or not published")
            for index in range(pages):
                conn = component.get(f"p{index}" if pages > 1 else connection)
                if conn is None:
                    raise DecidimError(f"component {component_id} has no {connection} connection")
                nodes = [node for node in conn.get("nodes") or [] if node]
                info = conn.get("pageInfo") or {}
                if index == 0 or nodes:
                    yield nodes
                if not info.get("hasNextPage"):
                    return
                end = info.get("endCursor")
                if not end or end == after:
                    raise DecidimError(
                        f"{connection} of component {component_id}: cursor did not move"
                    )
                offset, after = offset + len(nodes), end
                if not self._check_cursor(info, offset):
                    break  # not offsets after all: follow the server's cursors from here
                if 0 < len(nodes) < first:
                    # The server caps pages lower than we asked: the next windows started too
                    # far; their answers are dropped and read again from here.
                    self.limits.page_cap = len(nodes)
                    log.warning("Decidim caps pages at %d items", len(nodes))
                    break

    def _check_cursor(self, info: dict, offset: int) -> bool:
        """Is `endCursor` the offset cursor we predict? The first answer decides for the run."""
        end = info.get("endCursor")
        if not end or offset == 0:
            return self.offsets is not False
        if self.offsets is None:
            self.offsets = end == planner.cursor(offset)
            if not self.offsets:
                log.warning("Decidim's cursors are not offsets: one page a request")
        return self.offsets and end == planner.cursor(offset)

    def one(
        self, resource: str, operation: str, field: str, component_id: str, remote_id: str
    ) -> dict | None:
        """One item by id (used to confirm an item really left before tombstoning it)."""
        data = self.execute(resource, {"component": component_id, "id": remote_id}, operation)
        return (data.get("component") or {}).get(field)

    def execute(
        self, name: str, variables: dict | None = None, operation: str | None = None
    ) -> dict[str, Any]:
        """Run one of our queries, fitted to the server."""
        return self._ask(lambda: self._document(name), variables, operation)

    def _ask(
        self, build: Callable[[], DocumentNode], variables: dict | None, operation: str | None
    ) -> dict[str, Any]:
        """Send the document `build` makes; when the server says a field we ask no longer
        exists, learn what changed and send it again, built anew, once."""
        try:
            return self._send(build(), variables, operation)
        except GraphQLErrors as exc:
            missing = missing_in(exc.errors)
            if missing is None:
                raise
        self._learn(missing)
        return self._send(build(), variables, operation)

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
        return without_nul(result) if self.session.last_had_nul else result


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
