"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from bridge.access import current_identity
from bridge.accounts import (
    AccountError,
    LoginRefused,
    authenticate,
    change_password,
    end_sessions,
)
from bridge.db import db
from bridge.i18n import gettext
from bridge.web import throttle

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    email = request.form.get("email", "")
    back = local_target(request.values.get("next"))
    if request.method == "POST":
        note = throttle.claim(db(), request.remote_addr or "unknown")
        if note is None:
            flash(throttle.message(), "error")
            return render_template("login.html", email=email, next=back), 429
        try:
            user = authenticate(db(), email, request.form.get("password", ""))
        except LoginRefused:
            flash(
                gettext(
                    "Wrong email or password, or the account is locked after too many "
                    "attempts (try again in 15 minutes)."
                ),
                "error",
            )
            return render_template("login.html", email=email, next=back), 401
        throttle.release(db(), note)
        lang = session.get("lang")
        session.clear()  # a new session on sign-in: no fixation
        session.update(user_id=user.id, epoch=user.session_epoch)
        if lang:
            session["lang"] = lang
        session.permanent = True
        return redirect(back or url_for("admin.index"))
    return render_template("login.html", email=email, next=back)


def local_target(value: str | None) -> str | None:
    """Where to go after signing in, if it is a page of this site: a path such as
    `/admin/users?page=2`. Anything that could leave the site (`//evil.example`,
    `https://...`, `/\\evil`) or carries control characters is ignored, so the sign-in page
    cannot be used to send someone elsewhere."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(char) < 32 or char == "\\" for char in value):
        return None
    return value


@blueprint.post("/logout")
def logout():
    """Sign-out ends the person's sessions on the server too: a copy of the cookie, kept by
    someone else, is refused from now on (and so are the person's other devices)."""

    identity = current_identity()
    if identity is not None and not request.headers.get("Authorization"):
        end_sessions(db(), identity.user)
        db().commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
def account():
    identity = current_identity()
    if identity is None or request.headers.get("Authorization"):
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        try:
            change_password(
                db(), identity.user, request.form.get("current", ""), request.form.get("new", "")
            )
        except AccountError as exc:
            flash(gettext(exc.msgid, **exc.variables), "error")
            return render_template("account.html", user=identity.user), 422
        session["epoch"] = identity.user.session_epoch  # this session goes on, others end
        flash(gettext("Password changed."), "ok")
        return redirect(url_for("auth.account"))
    return render_template("account.html", user=identity.user)
