"""The request's database session, as in Flask's tutorial: opened on first use by `db()`,
closed when the request ends. Pages, API routes and plugins' routes share this one helper."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["bridge"].sessions()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def install(app: Flask) -> None:
    app.teardown_appcontext(close_db)
