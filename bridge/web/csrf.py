"""CSRF protection for every form: a random token per session, checked on each unsafe request
outside the token-authenticated API."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check() -> None:
    """before_request: forms must echo the session's token (field `csrf_token`)."""
    if request.method not in UNSAFE or request.path.startswith("/api/"):
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="the form expired or did not come from this site (CSRF)")
