"""Who am I, the audit log, people and API tokens."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, jsonify, request
from sqlalchemy import select

from bridge import csrf, spreadsheet
from bridge.access import require_role, required_identity
from bridge.accounts import (
    AccountError,
    create_token,
    create_user,
    is_locked,
    revoke_token,
    set_role,
    unlock_user,
)
from bridge.api import params
from bridge.api.blueprint import blueprint
from bridge.api.paging import page
from bridge.db import db
from bridge.errors import Problem, json_object
from bridge.store.db import find
from bridge.store.models import ApiToken, AuditEntry, User
from bridge.timeutil import iso


# -- who am I, and the audit log ---------------------------------------------------------------
@blueprint.get("/me")
@require_role("viewer")
def me():
    identity = required_identity()
    body = {"email": identity.user.email, "name": identity.user.name, "role": identity.role}
    if not request.headers.get("Authorization"):  # a session: its scripts' writes need it
        body["csrf_token"] = csrf.token()
    return jsonify(body)


@blueprint.get("/audit")
@require_role("admin")
def audit_log():

    def entry(row: AuditEntry, _unused=None) -> dict:
        return {
            "id": row.id,
            "at": iso(row.at),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "before": row.before,
            "after": row.after,
        }

    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["id", "at", "actor", "action", "target", "before", "after"])
        for row in db().scalars(select(AuditEntry).order_by(AuditEntry.id)):
            e = entry(row)
            writer.writerow(
                spreadsheet.row(
                    [
                        e["id"],
                        e["at"],
                        e["actor"],
                        e["action"],
                        e["target"],
                        json.dumps(e["before"]),
                        json.dumps(e["after"]),
                    ]
                )
            )
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return page(select(AuditEntry, AuditEntry.id), AuditEntry, entry, descending=True)


# -- people and API tokens ------------------------------------------------------------------------
USER_FIELDS = {"email", "role", "name", "password"}
USER_CHANGES = {"role", "locked"}
TOKEN_FIELDS = {"name", "role"}


def _account_invalid(exc) -> Problem:
    return Problem(422, str(exc), field=exc.field or "body")


def _only(body: dict, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise Problem(422, f"{unknown[0]} cannot be set here", field=unknown[0])


def user_json(row) -> dict:

    return {
        "id": row.id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "created_at": iso(row.created_at),
        "last_login_at": iso(row.last_login_at),
        "locked": is_locked(row),
        "locked_until": iso(row.locked_until) if is_locked(row) else None,
    }


def token_json(row, email: str | None = None) -> dict:
    out = {
        "id": row.id,
        "name": row.name,
        "prefix": row.prefix,
        "role": row.role,
        "user": row.user_id,
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
    }
    if email is not None:  # personal data: admins only
        out["owner_email"] = email
    return out


def _user_by_id(user_id: int):

    found = find(db(), User, user_id)
    if found is None:
        raise Problem(404, f"no user with id {user_id}")
    return found


@blueprint.get("/users")
@require_role("admin")
def list_users():

    return page(select(User, User.id), User, lambda row, _: user_json(row))


@blueprint.post("/users")
@require_role("admin")
def add_user():

    body = json_object()
    _only(body, USER_FIELDS)
    for key in USER_FIELDS:
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise Problem(422, f"{key} is a string", field=key)
    try:
        user, password = create_user(
            db(),
            body.get("email") or "",
            body.get("role") or "",
            body.get("password") or None,
            name=body.get("name") or None,
            actor=required_identity().actor,
        )
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    out = user_json(user)
    if not body.get("password"):
        out["password"] = password  # generated: shown this once
    return jsonify(out), 201


@blueprint.patch("/users/<int:user_id>")
@require_role("admin")
def update_user(user_id: int):

    user = _user_by_id(user_id)
    body = json_object()
    _only(body, USER_CHANGES)
    actor = required_identity().actor
    try:
        if "locked" in body:
            if body["locked"] is not False:
                raise AccountError("locked can only be set to false (unlock)", field="locked")
            unlock_user(db(), user, actor)
        if "role" in body:
            set_role(db(), user, body["role"], actor)
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    return jsonify(user_json(user))


@blueprint.get("/tokens")
@require_role("viewer")
def list_tokens():

    identity = required_identity()
    admin = identity.role == "admin"
    query = select(ApiToken, User.email).join(User, ApiToken.user_id == User.id)
    if not admin:
        query = query.where(ApiToken.user_id == identity.user.id)
    if not params.boolean("include_revoked"):
        query = query.where(ApiToken.revoked_at.is_(None))
    return page(
        query,
        ApiToken,
        lambda row, email: token_json(row, email if admin else None),
        descending=True,
    )


@blueprint.post("/tokens")
@require_role("viewer")
def add_token():

    identity = required_identity()
    body = json_object()
    _only(body, TOKEN_FIELDS)
    name = body.get("name")
    try:
        token, secret = create_token(
            db(),
            identity.user,
            name if isinstance(name, str) else "",
            body.get("role") or None,
            actor=identity.actor,
            ceiling=identity.role,
        )
    except AccountError as exc:
        db().rollback()
        raise _account_invalid(exc) from None
    db().commit()
    return jsonify({**token_json(token), "token": secret}), 201


@blueprint.delete("/tokens/<int:token_id>")
@require_role("viewer")
def delete_token(token_id: int):

    identity = required_identity()
    token = find(db(), ApiToken, token_id)
    if token is None:
        raise Problem(404, f"no token with id {token_id}")
    if token.user_id != identity.user.id and identity.role != "admin":
        raise Problem(403, "only the token's owner or an admin revokes it")
    if token.revoked_at is None:
        revoke_token(db(), token, identity.actor)
    return "", 204
