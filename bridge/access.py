"""Who is asking: a signed-in person (session cookie) or an API token; and what they may do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, g, redirect, request, session, url_for

from bridge.accounts import has_role, token_owner
from bridge.db import db
from bridge.errors import Problem
from bridge.store.models import User


@dataclass(frozen=True)
class Identity:
    user: User
    role: str  # a token may act with less than its user's role
    actor: str  # for the audit log: "user:<email>" or "token:<id>:<email>"


def current_identity() -> Identity | None:
    if "identity" in g:
        return g.identity

    identity = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        found = token_owner(db(), header[7:].strip())
        if found:
            user, token = found
            identity = Identity(user, token.role, f"token:{token.id}:{user.email}")
    elif (user_id := session.get("user_id")) is not None:
        person = db().get(User, user_id)
        if person is not None and session.get("epoch") == person.session_epoch:
            identity = Identity(person, person.role, f"user:{person.email}")
    g.identity = identity
    return identity


def required_identity() -> Identity:
    """Who is asking, in a view that `require_role` or `pages_need_sign_in` guards: there is
    always someone there, and a view reached without its guard gets a 401, not a crash."""
    identity = current_identity()
    if identity is None:
        raise Problem(401, "sign in or send an API token (Authorization: Bearer ...)")
    return identity


def require_role(role: str):
    """401 without credentials, 403 with a role too low (problem+json under /api/)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            identity = current_identity()
            if identity is None:
                raise Problem(401, "sign in or send an API token (Authorization: Bearer ...)")
            if not has_role(identity.role, role):
                raise Problem(403, f"this needs the {role} role; you act as {identity.role}")
            return view(*args, **kwargs)

        return wrapped

    return decorate


def pages_need_sign_in(blueprint: Blueprint) -> None:
    """Every page of `blueprint` needs a signed-in person (a token is for the API, not for
    pages): anyone else is sent to the sign-in page, and back afterwards."""

    @blueprint.before_request
    def signed_in():
        if current_identity() is None or request.headers.get("Authorization"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None


def need(role: str) -> None:
    """In a page that writes: 403 unless the signed-in person has `role` (or more)."""
    if not has_role(required_identity().role, role):
        abort(403)
