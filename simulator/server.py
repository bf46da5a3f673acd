"""The stand-in's HTTP side: `POST /api` like Decidim, plus a control API under /_simulator/.

Decidim's answers reproduced here: GraphQL errors as HTTP 200 with an `errors` array; a server
fault as HTTP 500 `{"errors":[{"message":"Internal Server error"}],"data":{}}`; 429 "Retry later"
with Retry-After from the throttle; 302 to /users/sign_in for a login-only organization; 401
`{"error":"Access denied"}` when 0.31 forces API authentication; `GET /api` redirects to the docs.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from graphql import build_schema, execute_sync, parse, validate
from graphql.error import GraphQLError
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from simulator import profiles, seed, writes
from simulator.faults import Faults
from simulator.graph import Graph, Options
from simulator.limits import Limits, Throttle, check
from simulator.world import World


@dataclass
class Config:
    version: str = "0.28"
    scale: int = 0
    seed: int = 2021
    page_cap: int = 50
    rate_limit: int = 100  # requests per minute per IP, 0 = off
    unstable_order: bool = False
    # "offsets" (graphql-ruby's, Decidim's), "relay" (graphql-relay's "arrayconnection:N",
    # 0-based, padded) or "opaque" (a format no client knows); a foreign cursor is refused
    cursors: str = "offsets"
    hidden_as_null: bool = False  # 0.30+: a hidden record is a null in its connection
    force_login: bool = False
    force_api_auth: bool = False
    disclose_version: bool = False
    api_credentials: tuple[str, str] | None = None
    token_lifetime: float = 7200.0
    faults: dict[str, Any] = field(default_factory=dict)
    # {"Result.timelineEntries": "milestones"}: a field renamed (None: removed) in the schema.
    renames: dict[str, str | None] = field(default_factory=dict)
    # Decidim's query limits, lowered for a test: {"max_complexity": 2000, "max_aliases": 2}
    limits: dict[str, int] = field(default_factory=dict)
    # Decidim 0.32's write API (result mutations, `simulator/writes.py`); needs API users (0.31+)
    write_api: bool = False
    # The scopes of the tokens `POST /api/sign_in` hands out (an anonymous call has api:read)
    api_scopes: tuple[str, ...] = ("api:read", "api:write")


class StandIn:
    """One Decidim organization served over WSGI."""

    def __init__(self, config: Config | None = None, world: World | None = None):
        self.config = config or Config()
        if self.config.write_api and self.config.version < "0.31":
            raise ValueError("the write API needs API users: Decidim 0.31 or newer")
        # Results the API user may not change (a space it does not administer): tests set it.
        self.refused_results: set[str] = set()
        self.world = world or seed.ivry(self.config.seed, self.config.scale)
        self.rename(self.config.renames)
        self.faults = Faults()
        self.faults.set(**self.config.faults)
        self.throttle = Throttle(self.config.rate_limit)
        self.tokens: dict[str, float] = {}
        self.sign_ins = 0  # tokens handed out (a sign-out forgets its token, not this count)
        self.stats: dict[str, int] = {"requests": 0, "api": 0, "errors": 0, "throttled": 0}
        self._lock = threading.Lock()
        self.urls = Map(
            [
                Rule("/api", endpoint="api", methods=["GET", "POST"]),
                Rule("/api/", endpoint="api", methods=["GET", "POST"]),
                Rule("/api/docs", endpoint="docs"),
                Rule("/api/sign_in", endpoint="sign_in", methods=["POST"]),
                Rule("/api/sign_out", endpoint="sign_out", methods=["DELETE"]),
                Rule("/users/sign_in", endpoint="login_page"),
                Rule("/_simulator/stats", endpoint="stats"),
                Rule("/_simulator/<action>", endpoint="control", methods=["POST"]),
            ]
        )

    def rename(self, renames: dict[str, str | None]) -> None:
        """Rename (or remove) fields of the schema served from now on: an upgrade between two
        syncs. The data keep answering under either name."""
        self.config.renames = {**self.config.renames, **renames}
        sdl = profiles.renamed(profiles.sdl_for(self.config.version), self.config.renames)
        self.schema = build_schema(writes.with_write_api(sdl) if self.config.write_api else sdl)

    # -- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.stats["requests"] += 1
        try:
            endpoint, args = self.urls.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, **args)
        except HTTPException as exc:
            response = exc.get_response(environ)
        return response(environ, start_response)

    # -- Decidim's endpoint -----------------------------------------------------------------
    def on_api(self, request: Request) -> Response:
        if request.method == "GET":
            return Response(status=302, headers={"Location": "/api/docs"})
        with self._lock:
            self.stats["api"] += 1
            number = self.stats["api"]
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        wait = self.throttle.retry_after(request.remote_addr or "?")
        if wait is not None or faults.throttled(number):
            self.stats["throttled"] += 1
            return Response(
                "Retry later\n",
                status=429,
                headers={"Retry-After": str(wait or faults.retry_after)},
            )
        if self.config.force_login:
            return Response(status=302, headers={"Location": "/users/sign_in"})
        if self.config.force_api_auth and not self._authorised(request):
            return _json({"error": "Access denied"}, 401)
        if faults.server_error(number):
            self.stats["errors"] += 1
            return _json({"errors": [{"message": "Internal Server error"}], "data": {}}, 500)
        if faults.html:
            return Response(
                "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>",
                content_type="text/html; charset=utf-8",
            )
        if faults.graphql_errors:
            return _json(
                {
                    "errors": [
                        {
                            "message": "Field 'endorsementsCount' doesn't exist on type 'Proposal'",
                            "locations": [{"line": 1, "column": 1}],
                            "path": ["query"],
                            "extensions": {
                                "code": "undefinedField",
                                "typeName": "Proposal",
                                "fieldName": "endorsementsCount",
                            },
                        }
                    ]
                }
            )
        body = self.execute(request, number)
        return self._send(body)

    def execute(self, request: Request, number: int) -> dict:
        try:
            payload = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            payload = request.form.to_dict()
        if not isinstance(payload, dict):  # Decidim runs no batches: `params[:query]` is nil
            return {"errors": [{"message": "No query string was present"}]}
        query, variables = payload.get("query"), payload.get("variables") or {}
        if isinstance(variables, str):
            variables = json.loads(variables or "{}")
        if not query:
            return {"errors": [{"message": "No query string was present"}]}
        try:
            document = parse(query)
        except GraphQLError as exc:
            return {"errors": [exc.formatted]}
        errors = validate(self.schema, document)
        if errors:
            return {"errors": [_ruby_style(e) for e in errors]}
        limit_errors = check(
            self.schema,
            document,
            self.config.version,
            variables,
            self.config.page_cap,
            introspection_allowed=self.config.version < "0.30",
            limits=Limits(**self.config.limits),
        )
        if limit_errors:
            return {"errors": limit_errors}
        options = Options(
            version=self.config.version,
            page_cap=self.config.page_cap,
            unstable_order=self.config.unstable_order,
            cursors=self.config.cursors,
            hidden_as_null=self.config.hidden_as_null,
            disclose_version=self.config.disclose_version,
            seed=self.config.seed,
        )
        graph = Graph(self.world, options, number)
        root = graph.root()
        writer = None
        if self.config.write_api:
            scopes = self.config.api_scopes if self._authorised(request) else ("api:read",)
            writer = writes.Writes(
                self.world, frozenset(scopes), self.refused_results, graph.result
            )
        root["component"] = writes.mutation_aware(root["component"], writer)
        result = execute_sync(
            self.schema,
            document,
            root_value=root,
            variable_values=variables,
            operation_name=payload.get("operationName"),
        )
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [writes.formatted(e) for e in result.errors]
        return out

    def _send(self, body: dict) -> Response:
        raw = json.dumps(body, ensure_ascii=False).encode()
        if self.faults.truncated:
            raw = raw[: max(1, len(raw) // 2)]
        if self.faults.slow_body_ms:
            delay = self.faults.slow_body_ms / 1000 / 10
            chunks = [
                raw[i : i + max(1, len(raw) // 10)]
                for i in range(0, len(raw), max(1, len(raw) // 10))
            ]

            def trickle():
                for chunk in chunks:
                    time.sleep(delay)
                    yield chunk

            return Response(trickle(), content_type="application/json; charset=utf-8")
        return Response(raw, content_type="application/json; charset=utf-8")

    # -- API users (0.31) -------------------------------------------------------------------
    def on_sign_in(self, request: Request) -> Response:
        key = request.form.get("api_user[key]")
        secret = request.form.get("api_user[secret]")
        if self.config.api_credentials is None or (key, secret) != self.config.api_credentials:
            return _json({"error": "Invalid key or secret."}, 401)
        token = secrets.token_urlsafe(24)
        self.sign_ins += 1
        self.tokens[token] = time.monotonic() + self.config.token_lifetime
        body = {
            "id": 1,
            "name": "civic-bridge",
            "nickname": "@civic_bridge",
            "jwt_token": token,
            "avatar": None,
        }
        return _json(body, 200, headers={"Authorization": f"Bearer {token}"})

    def on_sign_out(self, request: Request) -> Response:
        self.tokens.pop(_bearer(request) or "", None)
        return Response(status=204)

    def _authorised(self, request: Request) -> bool:
        token = _bearer(request)
        return token is not None and self.tokens.get(token, 0) > time.monotonic()

    def on_docs(self, request: Request) -> Response:
        return Response(
            f"<html><body><h1>API documentation</h1><p>Decidim "
            f"{profiles.REPORTED[self.config.version]}</p></body></html>",
            content_type="text/html",
        )

    def on_login_page(self, request: Request) -> Response:
        return Response(
            "<!DOCTYPE html><html><body><form>Se connecter</form></body></html>",
            content_type="text/html",
        )

    # -- control API ------------------------------------------------------------------------
    def on_stats(self, request: Request) -> Response:
        counts = {
            k: self.world.count(k)
            for k in ("proposal", "budget", "project", "result", "meeting", "debate")
        }
        return _json({**self.stats, "records": counts, "faults": self.faults.as_dict()})

    def on_control(self, request: Request, action: str) -> Response:
        data = request.get_json(silent=True) or {}
        try:
            if action == "faults":
                self.faults.set(**data)
                return _json(self.faults.as_dict())
            if action == "edit":
                self.world.edit(data["kind"], str(data["id"]), **data.get("fields", {}))
                return _json({"ok": True})
            if action == "add":
                rid = self.world.add_proposal(str(data["component"]), **data.get("fields", {}))
                return _json({"id": rid})
            if action == "unpublish":
                self.world.unpublish(data["kind"], str(data["id"]))
                return _json({"ok": True})
            if action == "rename":
                self.rename({str(k): (None if v is None else str(v)) for k, v in data.items()})
                return _json({"ok": True})
            if action == "write":
                self.refused_results = {str(r) for r in data.get("refuse", [])}
                return _json({"refuse": sorted(self.refused_results)})
            if action == "reset":
                self.world = seed.ivry(self.config.seed, self.config.scale)
                self.faults.clear()
                return _json({"ok": True})
        except (KeyError, TypeError, ValueError) as exc:
            return _json({"error": f"{type(exc).__name__}: {exc}"}, 400)
        raise NotFound()


def _ruby_style(error: GraphQLError) -> dict[str, Any]:
    """graphql-ruby words an unknown field "Field 'x' doesn't exist on type 'Y'", and a
    selection under a scalar "Selections can't be made on scalars (field 'x' returns T but has
    selections [...])", a fragment on an unknown type "No such type X, so it can't be a
    fragment condition"."""
    formatted: dict[str, Any] = dict(error.formatted)
    message = error.message
    if " must not have a selection since type " in message:
        parts = message.split("'")
        if len(parts) >= 4:
            formatted["message"] = (
                f"Selections can't be made on scalars (field '{parts[1]}' returns "
                f"{parts[3].rstrip('!')} but has selections [...])"
            )
            formatted["extensions"] = {
                "code": "selectionMismatch",
                "nodeName": f"field '{parts[1]}'",
            }
    if " not to include unknown field " in message:
        parts = message.split("'")
        if len(parts) >= 4:  # an input object's unknown field, as graphql-ruby words it
            formatted["message"] = f"InputObject '{parts[1]}' doesn't accept argument '{parts[3]}'"
            formatted["extensions"] = {
                "code": "argumentNotAccepted",
                "name": parts[1],  # graphql-ruby: the input type here, the attribute below
                "typeName": "InputObject",
                "argumentName": parts[3],
            }
    if message.startswith("Unknown type '"):  # a fragment on a type the schema lacks
        name = message.split("'")[1]
        formatted["message"] = f"No such type {name}, so it can't be a fragment condition"
        formatted["extensions"] = {"code": "undefinedType", "typeName": name}
    if message.startswith("Cannot query field"):
        parts = message.split("'")
        if len(parts) >= 4:
            formatted["message"] = f"Field '{parts[1]}' doesn't exist on type '{parts[3]}'"
            formatted["extensions"] = {
                "code": "undefinedField",
                "typeName": parts[3],
                "fieldName": parts[1],
            }
    return formatted


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else None


def _json(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


class QuietHandler(WSGIRequestHandler):
    """No access log: the stand-in is a test double, its callers count requests themselves."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def create_app(config: Config | None = None, **options: Any) -> StandIn:
    """The WSGI app: `create_app(version="0.31", scale=1000, faults={"latency_ms": 20})`."""
    return StandIn(config or Config(**options))


def serve(host: str = "127.0.0.1", port: int = 8091, **options: Any) -> None:
    """Serve the stand-in until interrupted. Options are `Config`'s fields."""
    app = create_app(**options)
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    print(
        f"Decidim stand-in ({app.config.version}, {app.world.count('proposal')} proposals) "
        f"on http://{host}:{server.port}/api",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
