"""Admin pages for people and API tokens (routes on the `admin` blueprint).

Users: admins only. Tokens: every signed-in person manages their own; admins see and revoke
everyone's. A generated password or token secret is shown once, on the page answering the form,
and never stored in clear.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bridge.access import need, required_identity
from bridge.accounts import (
    ROLES,
    AccountError,
    create_token,
    create_user,
    has_role,
    is_locked,
    revoke_token,
    set_role,
    unlock_user,
)
from bridge.i18n import gettext
from bridge.store.db import find
from bridge.store.models import ApiToken, User
from bridge.web.admin import _db, blueprint
from bridge.web.i18n import term


def _user(user_id: int) -> User:
    found = find(_db(), User, user_id)
    if found is None:
        abort(404)
    return found


def _users_page(form=None, error=None, created=None, status=200):
    rows = _db().scalars(select(User).order_by(User.email)).all()
    return render_template(
        "admin/users.html",
        users=rows,
        roles=ROLES,
        is_locked=is_locked,
        form=form or {"role": "viewer"},
        error=error,
        created=created,
    ), status


@blueprint.get("/users")
def users():
    need("admin")
    return _users_page()


@blueprint.post("/users")
def create_user_page():
    need("admin")
    form = {
        "email": request.form.get("email", "").strip(),
        "name": request.form.get("name", "").strip(),
        "role": request.form.get("role", ""),
    }
    try:
        user, password = create_user(
            _db(),
            form["email"],
            form["role"],
            name=form["name"] or None,
            actor=required_identity().actor,
        )
    except AccountError as exc:
        _db().rollback()
        return _users_page(form=form, error=exc, status=422)
    _db().commit()
    return _users_page(created={"email": user.email, "password": password})


@blueprint.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    need("admin")
    user = _user(user_id)
    try:
        set_role(_db(), user, request.form.get("role", ""), required_identity().actor)
    except AccountError as exc:
        _db().rollback()
        flash(gettext(exc.msgid, **exc.variables), "error")
        return redirect(url_for("admin.users"))
    _db().commit()
    flash(
        gettext(
            "Role changed: %(email)s → %(role)s", email=user.email, role=term("role", user.role)
        ),
        "ok",
    )
    return redirect(url_for("admin.users"))


@blueprint.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    need("admin")
    user = _user(user_id)
    unlock_user(_db(), user, required_identity().actor)
    _db().commit()
    flash(gettext("Account unlocked: %(email)s", email=user.email), "ok")
    return redirect(url_for("admin.users"))


# -- API tokens ---------------------------------------------------------------------------------
def _visible_tokens():
    identity = required_identity()
    query = select(ApiToken, User.email).join(User, ApiToken.user_id == User.id)
    if identity.role != "admin":
        query = query.where(ApiToken.user_id == identity.user.id)
    return _db().execute(query.order_by(ApiToken.id.desc())).all()


def _tokens_page(form=None, error=None, created=None, status=200):
    identity = required_identity()
    return render_template(
        "admin/tokens.html",
        tokens=_visible_tokens(),
        roles=[r for r in ROLES if has_role(identity.role, r)],
        form=form or {"role": "viewer"},
        error=error,
        created=created,
        identity=identity,
    ), status


@blueprint.get("/tokens")
def tokens():
    return _tokens_page()


@blueprint.post("/tokens")
def create_token_page():
    identity = required_identity()
    form = {"name": request.form.get("name", "").strip(), "role": request.form.get("role", "")}
    try:
        token, secret = create_token(
            _db(),
            identity.user,
            form["name"],
            form["role"] or None,
            actor=identity.actor,
            ceiling=identity.role,
        )
    except AccountError as exc:
        _db().rollback()
        return _tokens_page(form=form, error=exc, status=422)
    _db().commit()
    return _tokens_page(created={"id": token.id, "name": token.name, "secret": secret})


@blueprint.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
def revoke(token_id: int):
    """A page that names the token and says revoking cannot be undone; its button revokes."""
    identity = required_identity()
    token = find(_db(), ApiToken, token_id)
    if token is None:
        abort(404)
    if token.user_id != identity.user.id and identity.role != "admin":
        abort(403)
    if request.method == "GET":
        return render_template("admin/token_revoke.html", token=token)
    if token.revoked_at is None:
        revoke_token(_db(), token, identity.actor)
        flash(gettext("Token revoked: %(name)s", name=token.name), "ok")
    return redirect(url_for("admin.tokens"))
