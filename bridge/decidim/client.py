"""Read a Decidim instance through its GraphQL API.

One `DecidimClient` per sync run (gql clients are not meant to be shared across threads). Our
queries are fitted to the server's capabilities (`capabilities.py`, `queries.py`): learnt by one
probe on a first sync, kept on the instance afterwards. When the server stops offering a field
(an upgrade between two syncs), the query that failed is fitted again and re-asked once; the
change is kept in `drift` for the run's warnings. Decidim accepts no batched requests, so
several pages go out as one query (`planner`): the run says which components it will read
(`expect`), and each request for the component being read is filled with the next ones'
pages, at most `ahead_items` of them waiting in memory.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
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
    ComponentGone,
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
        super().__init__(
            url=f"{session.base_url}/api",
            timeout=int(timeout),
            retries=0,
            json_deserialize=decode_answer,
        )
        self._shared = session

    def connect(self) -> None:
        self.session = self._shared

    def close(self) -> None:
        self.session = None  # the session outlives one query; DecidimClient.close() closes it


def decode_answer(text: str) -> Any:
    """An answer's JSON, by orjson: twice as fast as `json.loads` on Decidim's pages, which
    was a tenth of a sync's CPU (docs/performance.md). What orjson refuses and the standard
    decoder takes (an integer beyond 64 bits, NaN) is left to the standard decoder, so that
    the bridge reads every answer it read before; what neither takes is not JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def relay_cursor(offset: int) -> str:
    """graphql-relay's cursor (graphql-js, graphene, strawberry) of the item at 1-based
    `offset`: "arrayconnection:" and its 0-based index, in padded standard Base64."""
    return base64.b64encode(f"arrayconnection:{offset - 1}".encode()).decode()


# The cursor formats we can predict: Decidim's (graphql-ruby), then graphql-relay's, for a
# Decidim-like server built on another GraphQL library. The first `endCursor` tells which.
CURSOR_FORMATS: tuple[Callable[[int], str], ...] = (planner.cursor, relay_cursor)

# Documents of packed requests kept by the process, one per shape of request (its parts'
# resources and page sizes) and set of capabilities: a run sends a few dozen shapes, and the
# next run of a long-lived process (the scheduler) mostly the same ones.
BATCH_DOCUMENTS = 256


class _Request(GraphQLRequest):
    """gql's request, its query text printed once per document (`queries.printed`): gql prints
    the document again for every request, which cost a sixth of a no-change sync's CPU."""

    @property
    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"query": queries.printed(self.document)}
        if self.operation_name:
            payload["operationName"] = self.operation_name
        if self.variable_values:
            payload["variables"] = self.variable_values
        return payload


# How many items of components not yet being synced may wait in memory, for all of them
# together (read ahead to fill requests): about 6 KB each as parsed JSON; a budget counts
# 1 + its projects (`weigh`).
AHEAD_ITEMS = 250
# How many items of the component being read one request may carry, weighed the same way:
# complexity does not count a budget's projects, and 20 budgets of 50 projects read at once
# made the peak memory of a sync grow with the instance.
REQUEST_ITEMS = 250
CONNECTIONS = ("proposals", "meetings", "results", "budgets", "debates")


@dataclass
class _Stream:
    """One component's connection as a run reads it: where it stands, what is known of its
    size, and the pages read ahead of its turn."""

    resource: str
    operation: str
    connection: str
    component_id: str
    shape: planner.Shape
    ordered: bool
    size: int | None  # items it has, as counted by the server or stored last time
    counted: int = 0  # items the server said it has at least
    offset: int = 0
    after: str | None = None
    more: bool = True
    weight: float = 1.0  # what an item weighs in memory, in items (`weigh`)
    held: deque[list[dict]] = field(default_factory=deque)
    # An answer for it was wrong while reading ahead: it is read alone, when its turn comes.
    alone: bool = False

    def want(self, page_cap: int) -> planner.Want:
        remaining = None
        if self.size is not None and self.size > self.offset:
            remaining = self.size - self.offset
        elif self.size is None and self.offset == 0 and not self.counted:
            remaining = page_cap  # nothing known: a first page, beside the others'
        return planner.Want(
            self.component_id,
            self.shape,
            self.offset,
            remaining,
            whole=not self.ordered,
            weight=self.weight,
        )

    @property
    def held_items(self) -> int:
        return sum(weigh(page) for page in self.held)


def weigh(nodes: list[dict]) -> int:
    """What nodes weigh in memory, counted in items: each node, and a budget's projects (each
    as large as an item; the other lists an item carries, such as its taxonomies, are small
    parts of it, and the spaces request counts only the projects)."""
    return sum(1 + len(node.get("projects") or ()) for node in nodes)


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
        # Items Decidim failed to answer, by component id: its errors' messages (`_leave_out`);
        # the engine takes a component's when it has read it.
        self.unanswered: dict[str, list[str]] = {}
        self._unanswered_now: dict[str, list[str]] = {}  # the last answer's, by response key
        self._probed = False
        self._spaces: dict[str, Any] | None = None
        self.limits = planner.Limits(page_cap=page_size)
        # Are the server's cursors offsets (several pages a request)? None until one is read.
        self.offsets: bool | None = None
        self.cursor: Callable[[int], str] = planner.cursor  # their format, when they are
        # Items each component has, as the spaces request counted them: (count, exact).
        self.sizes: dict[str, tuple[int, bool]] = {}
        # What one of its items weighs in memory at most (`weigh`), as far as counted.
        self.weights: dict[str, float] = {}
        self._streams: dict[str, _Stream] = {}  # the components still to read, in order
        self.ahead_items = AHEAD_ITEMS
        self.request_items = REQUEST_ITEMS
        # The most held ahead at once in this run, weighed (`weigh`): bench, tests.
        self.most_ahead = 0
        # The most items one answer brought, weighed the same way (bench).
        self.most_read = 0
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
        try:
            data = self.execute("spaces")
        except GraphQLErrors as exc:
            # A server whose limits are below Decidim's defaults (complexity, aliases) refuses
            # the components' counts: learn its limits, ask again without them.
            self.limits.learn(exc.errors, estimate=0)
            log.warning("Decidim refused the components' counts: %s", exc)
            data = self._ask(
                lambda: planner.without_fragment(self._document("spaces"), "ComponentSizes"),
                None,
                None,
            )
        self.reported_version = (data.get("decidim") or {}).get("version")
        self._spaces = {
            "organization": data.get("organization") or {},
            "participatory_process": [s for s in data.get("participatoryProcesses") or [] if s],
            "assembly": [s for s in data.get("assemblies") or [] if s],
        }
        for space in self._spaces["participatory_process"] + self._spaces["assembly"]:
            for component in space.get("components") or []:
                if component:
                    self._count(component)
        return self._spaces

    def _count(self, component: dict[str, Any]) -> None:
        """Take the counting windows out of a component of the spaces answer, and keep what
        they say: its size (exact when a window came back short), and whether cursors are
        offsets (the first window's `endCursor`)."""
        name = next((n for n in CONNECTIONS if n in component), None)
        if name is None:
            return
        windows = [component.pop(name), component.pop("s1", None), component.pop("s2", None)]
        first = [n for n in (windows[0] or {}).get("nodes") or [] if n]
        if first:
            self.weights[str(component["id"])] = max(weigh([node]) for node in first)
        # Positions, not items: an item hidden from us is a null that the cursors count.
        counts = [len((w or {}).get("nodes") or []) for w in windows]
        info = (windows[0] or {}).get("pageInfo") or {}
        self._check_cursor(info, counts[0])
        if 0 < counts[0] < PAGE_CAP and info.get("hasNextPage"):
            self.limits.page_cap = min(self.limits.page_cap, counts[0])
            log.warning("Decidim caps pages at %d items", counts[0])
        if self.offsets is False or self.cursor is not planner.cursor or counts[0] < PAGE_CAP:
            # The other windows (after "NTA", "MTAw": graphql-ruby's cursors) did not start
            # where this one ended.
            counts = counts[:1]
        exact = counts[-1] < PAGE_CAP and not (len(counts) == 1 and info.get("hasNextPage"))
        self.sizes[str(component["id"])] = (sum(counts), exact)

    def expect(self, wanted: list[tuple[str, str, str, str, bool, int | None]]) -> None:
        """The components this run will read, in its order: each (resource, page operation,
        connection, component id, ordered, items stored last time or None). Requests then
        carry, beside the component being read, the next ones' pages, up to `ahead_items`
        items waiting in all (`planner.fill`)."""
        self._streams = {}
        for resource, operation, connection, component_id, ordered, stored in wanted:
            try:
                self._streams[component_id] = self._stream(
                    resource, operation, connection, component_id, ordered, stored
                )
            except SchemaMismatch:
                continue  # pages() says so, for this component alone

    def _stream(
        self,
        resource: str,
        operation: str,
        connection: str,
        component_id: str,
        ordered: bool = True,
        stored: int | None = None,
    ) -> _Stream:
        shape = planner.shape(self._document(resource), operation, connection)
        size = None
        counted, exact = self.sizes.get(component_id, (0, False))
        if exact:
            size = counted
        elif stored is not None and stored >= counted:
            size = stored  # more than the server counted: what we stored is the best guess
        stream = _Stream(
            resource, operation, connection, component_id, shape, ordered, size, counted
        )
        stream.weight = self.weights.get(component_id, 1.0)
        return stream

    def pages(
        self, resource: str, operation: str, connection: str, component_id: str
    ) -> Iterator[list[dict]]:
        """Yield the nodes of a component's connection page by page: what was read ahead for
        it, then requests filled with its pages and the next components' (`_read`)."""
        stream = self._streams.pop(component_id, None)
        if stream is None:  # not expected, or read again
            stream = self._stream(resource, operation, connection, component_id)
        if stream.shape.depth > self.limits.max_depth:
            raise QueryTooDeep(
                f"Decidim accepts queries {self.limits.max_depth} levels deep at most; "
                f"reading {resource} needs {stream.shape.depth}"
            )
        while True:
            while stream.held:
                yield stream.held.popleft()
            if not stream.more:
                return
            self._read(stream)

    def _read(self, current: _Stream) -> None:
        """One request: `current`'s next windows, and as much of the next components as the
        limits and `ahead_items` leave room for. Asked again, smaller, when the server states
        lower limits."""
        while True:
            ahead = [s for s in self._streams.values() if s.more and not s.alone]
            room = self.ahead_items - sum(s.held_items for s in self._streams.values())
            cap = self.limits.page_cap
            parts = planner.fill(
                [current.want(cap)] + [s.want(cap) for s in ahead],
                self.limits,
                room,
                chained=self.offsets is True,
                most=self.request_items,
            )
            streams = {s.component_id: s for s in [current, *ahead]}
            plan = [(streams[part.want.key], part) for part in parts]
            try:
                data = self._ask_parts(plan)
            except SchemaMismatch:
                self._document(current.resource)  # raises when the current one lost a field
                self._alone_but(current, plan)
                continue
            except GraphQLErrors as exc:
                if self.limits.learn(exc.errors, sum(part.cost() for part in parts)):
                    log.warning("request too large for the server: limits now %s", self.limits)
                    continue
                if not self._alone_but(current, plan):
                    raise
                continue
            before = sum(stream.held_items for stream, _ in plan)
            for index, (stream, part) in enumerate(plan):
                key, _ = planner.response_keys(index, 0, stream.connection)
                if key in self._unanswered_now:
                    unanswered = self.unanswered.setdefault(stream.component_id, [])
                    unanswered += self._unanswered_now.pop(key)
                self._take(stream, data.get(key), part, stream is current)
            read = sum(stream.held_items for stream, _ in plan) - before
            self.most_read = max(self.most_read, read)
            held = sum(s.held_items for s in self._streams.values())
            self.most_ahead = max(self.most_ahead, held)
            return

    @staticmethod
    def _alone_but(current: _Stream, plan: list[tuple[_Stream, planner.Part]]) -> bool:
        """After a refused request, read every component it carried beside `current` alone
        (one of them may be what the server refuses); False when it carried no other. The
        plan does not always start with `current` (`planner.fill` puts the next components
        first while its size is unknown): taking `plan[1:]` asked the same request forever."""
        others = [stream for stream, _ in plan if stream is not current]
        for stream in others:
            stream.alone = True
        return bool(others)

    def _ask_parts(self, plan: list[tuple[_Stream, planner.Part]]) -> dict[str, Any]:
        """Send a plan: one window of one component as its page operation with variables,
        anything more as one document of aliased parts (`planner.batch_document`)."""
        stream, part = plan[0]
        if len(plan) == 1 and len(part.firsts) == 1:
            variables = {
                "component": stream.component_id,
                "first": part.firsts[0],
                "after": stream.after,
            }
            return self._ask(lambda: self._document(stream.resource), variables, stream.operation)

        shape = tuple((s.resource, s.operation, s.connection, tuple(p.firsts)) for s, p in plan)
        values = planner.batch_variables(
            [(s.component_id, [after for after, _ in self._windows(s, p)]) for s, p in plan]
        )
        operation = stream.operation if len(plan) == 1 else "ComponentsPages"
        return self._ask(lambda: self._batch_document(shape), values, operation)

    def _batch_document(
        self, shape: tuple[tuple[str, str, str, tuple[int, ...]], ...]
    ) -> DocumentNode:
        """The document of one shape of request (its parts' resources and page sizes), for the
        capabilities known now (`batch_document`)."""
        if self.capabilities is None:
            raise RuntimeError("call detect_version(), use() or use_capabilities() first")
        return batch_document(self.capabilities.dropped(), shape)

    def _windows(self, stream: _Stream, part: planner.Part) -> list[tuple[str | None, int]]:
        """(after, first) of each window: the server's cursor, then predicted offsets."""
        windows, offset = [], stream.offset
        for index, first in enumerate(part.firsts):
            windows.append((stream.after if index == 0 else self.cursor(offset), first))
            offset += first
        return windows

    def _take(
        self, stream: _Stream, component: dict | None, part: planner.Part, current: bool
    ) -> None:
        """Keep what one part of an answer holds for its stream. What is wrong fails the
        component being read; for one read ahead, it is read alone when its turn comes."""

        def wrong(message: str, error: type[DecidimError] = DecidimError) -> None:
            if current:
                raise error(message)
            stream.alone = True

        cid, connection = stream.component_id, stream.connection
        if component is None:
            return wrong(f"component {cid} is gone or not published", ComponentGone)
        for index, first in enumerate(part.firsts):
            conn = component.get(planner.response_keys(0, index, connection)[1])
            if conn is None:
                return wrong(f"component {cid} has no {connection} connection")
            positions = conn.get("nodes") or []
            # An item the server hides from us (0.30+: its type's `authorized?`) is a null,
            # which its cursors count: offsets move by positions, not by items.
            nodes = [node for node in positions if node]
            info = conn.get("pageInfo") or {}
            if nodes or (index == 0 and stream.offset == 0):
                stream.held.append(nodes)  # an empty connection still gives its one page
            if nodes:  # the next plans count what its items weigh, as far as seen
                stream.weight = max(stream.weight, *(weigh([node]) for node in nodes))
            stream.offset += len(positions)
            if not info.get("hasNextPage"):
                stream.more = False
                return
            end = info.get("endCursor")
            if not end or end == stream.after:
                return wrong(f"{connection} of component {cid}: cursor did not move")
            stream.after = end
            if not self._check_cursor(info, stream.offset):
                return  # not offsets after all: the next windows' cursors were not the server's
            if 0 < len(positions) < first:
                # The server caps pages lower than we asked: the next windows started too far;
                # their answers are dropped and read again from here.
                self.limits.page_cap = len(positions)
                log.warning("Decidim caps pages at %d items", len(positions))
                return

    def _check_cursor(self, info: dict, offset: int) -> bool:
        """Is `endCursor` the offset cursor we predict? The first answer decides for the run,
        and which of the formats we know (`CURSOR_FORMATS`) the server's cursors have."""
        end = info.get("endCursor")
        if not end or offset == 0:
            return self.offsets is not False
        if self.offsets is None:
            known = [f for f in CURSOR_FORMATS if end == f(offset)]
            self.offsets = bool(known)
            if known:
                self.cursor = known[0]
            else:
                log.warning("Decidim's cursors are not offsets: one page a request")
        return self.offsets and end == self.cursor(offset)

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
        return document_of(self.capabilities.dropped(), name)

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

    def _leave_out(self, data: dict[str, Any], error: dict[str, Any]) -> None:
        """An item Decidim failed to answer (a null in one of its non-null fields, an error in
        one of its resolvers) becomes a null in its page, as an item Decidim hides: the rest of
        the page is whole and the cursors still count it. Its field may be answered null beside
        the error: the whole item is left out rather than stored with a null it does not
        have. The message is kept for the run's warnings (`unanswered`)."""
        path, at = error["path"], _item_index(error)
        assert at is not None  # `_send` took only such errors
        nodes: Any = data
        for key in path[:at]:
            nodes = nodes.get(key) if isinstance(nodes, dict) else None
        if isinstance(nodes, list) and path[at] < len(nodes):
            nodes[path[at]] = None
        message = str(error.get("message") or "unknown error")
        self._unanswered_now.setdefault(str(path[0]), []).append(message)

    # -- the one place gql is called ---------------------------------------------------------
    def _send(
        self,
        document: DocumentNode,
        variables: dict | None = None,
        operation: str | None = None,
    ) -> dict[str, Any]:
        request = _Request(document, variable_values=variables, operation_name=operation)
        self._unanswered_now = {}
        try:
            result = self._client.execute(request)
        except TransportQueryError as exc:
            errors = list(exc.errors or [{"message": str(exc)}])
            if not isinstance(exc.data, dict) or not all(
                _only_nulled(e) or _item_index(e) is not None for e in errors
            ):
                raise GraphQLErrors(errors) from exc
            log.debug("Decidim left out what it will not show: %s", errors[0].get("message"))
            result = exc.data
            for error in errors:
                if not _only_nulled(error):
                    self._leave_out(result, error)
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


# Decidim 0.32's errors (decidim-api `schema.rb`, `errors/*.rb`) for what older versions answer
# as a silent `null`: a record not found (the probe's ids "0", an item asked by id that left)
# or one the visitor may not see. The rest of the answer is whole, the null in its place.
NULLED = frozenset({"NOT_FOUND_ERROR", "UNAUTHORIZED_OBJECT_ERROR", "UNAUTHORIZED_FIELD_ERROR"})


def _only_nulled(error: dict[str, Any]) -> bool:
    return (error.get("extensions") or {}).get("code") in NULLED


def _item_index(error: dict[str, Any]) -> int | None:
    """Where in its `path` an error names an item of a page (the index after the first
    `nodes`): an error inside one item, which the rest of the answer does not share."""
    path = error.get("path")
    if not isinstance(path, list) or "nodes" not in path:
        return None
    at = path.index("nodes") + 1
    if at < len(path) and isinstance(path[at], int) and not isinstance(path[at], bool):
        return at
    return None


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


def document_of(dropped: frozenset[str], name: str) -> DocumentNode:
    """Our query `name` without the fields the server lacks; SchemaMismatch when it cannot do
    without them."""
    built = queries.build(dropped)[name]
    if built.lost:
        raise SchemaMismatch(
            f"Decidim no longer offers {', '.join(sorted(built.lost))}, "
            f"which the bridge needs to read {name}"
        )
    return built.document


@functools.lru_cache(maxsize=BATCH_DOCUMENTS)
def batch_document(
    dropped: frozenset[str], shape: tuple[tuple[str, str, str, tuple[int, ...]], ...]
) -> DocumentNode:
    """The document of one shape of packed request, built once per process so that it is
    printed once (`queries.printed`): printing one takes 1 to 5 ms, and each run of the
    scheduler printed again the shapes the previous runs had sent."""
    return planner.batch_document(
        [(document_of(dropped, r), op, conn, firsts) for r, op, conn, firsts in shape]
    )
