"""The Flask app factory: the read API today, the admin UI and plugins' pages next."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, jsonify, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from bridge import csrf, formatting
from bridge import db as request_db
from bridge.api.routes import blueprint as api
from bridge.config import Settings
from bridge.errors import Problem, json_body
from bridge.hookspecs import MenuItem
from bridge.inputs import unstorable
from bridge.pluginhost import PluginHost, host_for
from bridge.store.db import make_engine, make_sessionmaker
from bridge.web import (  # a page module adds its routes to admin's or public's blueprint
    admin,
    admin_accounts,  # noqa: F401
    admin_audit,  # noqa: F401
    admin_dashboard,  # noqa: F401
    admin_lifecycle,  # noqa: F401
    admin_mail,  # noqa: F401
    admin_runs,  # noqa: F401
    auth,
    branding,
    error_pages,
    headers,
    i18n,
    processes,
    public,
    public_followup,  # noqa: F401
)


@dataclass
class Bridge:
    """What every request needs, built once per app."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    plugins: PluginHost


class _ReadableJSON(DefaultJSONProvider):
    """French text stays readable in the JSON (no \\u escapes), keys in the order written."""

    ensure_ascii = False
    sort_keys = False


def create_app(
    settings: Settings | None = None,
    *,
    extra_plugins: dict[str, Any] | None = None,
    actor: str = "system",
) -> Flask:
    """The app. Without `settings` (a WSGI server's `create_app()`), they are loaded and must
    hold a secret key; given settings without one (the demo, tests) get a key of their own.
    `extra_plugins` ({name: plugin object}) are enabled besides the installed ones the settings
    name: a plugin's tests run it before it is installed. `actor` names who acts in the audit
    log outside requests ("cli" for commands)."""
    if settings is None:
        settings = Settings.load()
        settings.require_secret_key()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or _ephemeral_secret(app),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=settings.max_request_mb * 1024 * 1024,  # beyond: 413, body unread
    )
    if settings.proxies:  # the visitor's address and scheme, as the proxies tell them
        # Flask's documented way to wrap the WSGI app; mypy sees a method overwritten.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies
        )
    app.json = _ReadableJSON(app)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    plugins = host_for(settings, sessions, extra=extra_plugins, actor=actor)
    app.extensions["bridge"] = Bridge(settings, engine, sessions, plugins)

    app.register_blueprint(api)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(processes.blueprint)
    app.register_blueprint(public.blueprint)
    branding.install(app)
    formatting.install(app)
    request_db.install(app)
    i18n.install(app)
    error_pages.install(app)
    app.before_request(refuse_nul_bytes)
    app.before_request(csrf.check)
    app.after_request(headers.add)

    @app.context_processor
    def page_context():
        return {
            "lang": i18n.language(),
            "csrf_token": csrf.token,
            "plugin_menu": lambda: [
                MenuItem(context.gettext(item.label), item.endpoint, item.role)
                for context, item in plugins.collect_owned("admin_menu")
            ],
        }

    for blueprint in plugins.collect("blueprints"):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means "not healthy"
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    return app


def refuse_nul_bytes() -> None:
    """PostgreSQL cannot store a NUL character nor a lone surrogate (`\\ud800`) in text: refuse
    them at the door with a 400 naming them, rather than fail deep inside with a 500. A JSON
    body is read here by the one JSON reader (too deep or not JSON: 400). Under /api/ the body
    is read raw whatever its Content-Type (a CSV import sent as a form by curl stays a CSV);
    a CSV upload is read by its own checks."""
    values = [request.path, *request.args.values()]
    if request.path.startswith("/api/"):
        request.get_data()  # kept: a form parser reading it later gets it too
        if request.is_json:
            json_body()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += request.form.values()
    for value in values:
        if reason := unstorable(value):
            raise Problem(400, f"the request holds {reason}, which no field accepts")


def _ephemeral_secret(app: Flask) -> str:
    """No secret configured: sign sessions with a random key (they end when the process does)."""
    app.logger.warning("BRIDGE_SECRET_KEY is not set: sessions will not survive a restart")
    return secrets.token_hex(32)
