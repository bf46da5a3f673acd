"""Errors as `application/problem+json` (RFC 9457), for every path under /api/."""

from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from bridge.api import blueprint


class Problem(Exception):
    """Raise to answer a problem: `raise Problem(400, "limit must be a number")`."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra


def json_object() -> dict:
    """The request's JSON body, which a write needs to be an object; else a 400 problem."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(400, "send a JSON object (Content-Type: application/json)")
    return data


TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Content",
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


@blueprint.app_errorhandler(Problem)
def on_problem(exc: Problem):
    return problem(exc.status, exc.detail, **exc.extra)


@blueprint.app_errorhandler(HTTPException)
def on_http_error(exc: HTTPException):
    if not request.path.startswith("/api/"):
        return exc
    return problem(exc.code or 500, exc.description or exc.name)


@blueprint.app_errorhandler(Exception)
def on_crash(exc: Exception):
    if isinstance(exc, HTTPException):
        return on_http_error(exc)
    from flask import current_app

    current_app.logger.exception("unhandled error on %s", request.path)
    if not request.path.startswith("/api/"):
        return problem(500, "internal error")
    return problem(500, "internal error; the bridge's log has the details")
