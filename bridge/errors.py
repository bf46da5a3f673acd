"""Problems as `application/problem+json` (RFC 9457), and the one reader of JSON bodies: raised
by API routes, pages and plugins alike. `bridge.web.error_pages` installs the handlers: under
/api/ the answers below, elsewhere a page."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, json, request
from werkzeug.exceptions import HTTPException

from bridge.inputs import BadJson, parse_json


class Problem(Exception):
    """Raise to answer a problem: `raise Problem(400, "limit must be a number")`."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


def json_body() -> Any:
    """The request's JSON body, parsed once by the one reader (`bridge.inputs.parse_json`);
    None without a body; a 400 problem when it is not JSON this service reads."""
    if "json_body" not in g:
        data = request.get_data()
        if not data.strip():
            g.json_body = None
        elif not request.is_json:
            raise Problem(400, "send JSON (Content-Type: application/json)")
        else:
            try:
                g.json_body = parse_json(data)
            except BadJson as exc:
                raise Problem(400, str(exc)) from None
    return g.json_body


def json_object(*, optional: bool = False) -> dict:
    """The request's JSON body, which a write needs to be an object; else a 400 problem.
    `optional`: no body at all reads as `{}`."""
    if optional and not request.get_data().strip():
        return {}
    data = json_body()
    if not isinstance(data, dict):
        raise Problem(400, "send a JSON object (Content-Type: application/json)")
    return data


TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def problem(status: int, detail: str, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


# The answers to every failure under /api/ (the handlers of `bridge.web.error_pages` hand /api/
# paths to them).
def on_problem(exc: Problem):
    return problem(exc.status, exc.detail, **exc.extra)


def on_http_error(exc: HTTPException):
    if not request.path.startswith("/api/"):
        return exc
    if exc.code == 413:
        return problem(
            413, f"the request body is larger than {_limit_mb()} MB", limit_mb=_limit_mb()
        )
    answer = problem(exc.code or 500, exc.description or exc.name)
    if "Allow" in (allowed := dict(exc.get_headers())):  # a 405 says what the path accepts
        answer.headers["Allow"] = allowed["Allow"]
    return answer


def on_crash(exc: Exception):
    if isinstance(exc, HTTPException):
        return on_http_error(exc)
    current_app.logger.exception("unhandled error on %s", request.path)
    if not request.path.startswith("/api/"):
        return problem(500, "internal error")
    return problem(500, "internal error; the bridge's log has the details")


def _limit_mb() -> int:
    return current_app.extensions["bridge"].settings.max_request_mb
