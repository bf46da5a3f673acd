"""CSRF protection: a random token per session, checked on each unsafe request made with the
session cookie, pages and API alike.

The API accepts the session cookie (a signed-in person's own scripts), and a browser sends
that cookie with a form another site posts: so an unsafe API call made with a session must
carry the token too, in the `X-CSRF-Token` header (forms send the `csrf_token` field). A call
with `Authorization: Bearer ...` sends no cookie-borne authority and needs no token. The
token is in every page's forms, and `GET /api/v1/me` gives it to a session's scripts.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

from bridge.errors import Problem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
HEADER = "X-CSRF-Token"


def token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check() -> None:
    """before_request: unsafe requests must echo the session's token."""
    if request.method not in UNSAFE or request.routing_exception is not None:
        return  # safe, or no such route or method: the 404 or 405 (with Allow) says so
    api = request.path.startswith("/api/")
    if api and (_bearer() or "user_id" not in session):
        return  # a token, or no session at all: nothing a forged request could borrow
    sent = request.headers.get(HEADER, "") if api else _sent_by_form()
    expected = session.get("csrf", "")
    if expected and hmac.compare_digest(sent, expected):
        return
    if api:
        raise Problem(
            403,
            f"a call made with the session cookie needs the {HEADER} header "
            "(GET /api/v1/me gives it), or use an API token (Authorization: Bearer)",
            field=HEADER,
        )
    abort(400, description="the form expired or did not come from this site (CSRF)")


def _sent_by_form() -> str:
    return request.form.get("csrf_token") or request.headers.get(HEADER, "")


def _bearer() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")
