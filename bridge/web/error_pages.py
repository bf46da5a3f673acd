"""Errors on pages answer a page in the reader's language (French first), in the site's frame;
under /api/ they stay application/problem+json (`bridge.errors`).

The error page never reads the database (the error may be that the database is down), so it
shows no menu that depends on who is signed in.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from bridge import errors as problems
from bridge.i18n import N_, gettext, language

# Each status's title and sentence (English msgids, translated when shown).
TEXT = {
    400: (N_("Bad request"), N_("The request could not be read.")),
    403: (N_("Access denied"), N_("Your role does not let you open this page.")),
    404: (N_("Page not found"), N_("This page does not exist, or no longer. Check the address.")),
    405: (N_("Not allowed here"), N_("This address does not allow this action.")),
    413: (
        N_("Too large"),
        N_(
            "The file or form sent is larger than the service accepts; nothing was saved. "
            "Split a CSV file (by year, for instance)."
        ),
    ),
    429: (N_("Too many requests"), N_("Too many requests in a short time: try again later.")),
    500: (
        N_("Service error"),
        N_(
            "An unexpected error happened. It was written to the service's log; "
            "try again in a moment."
        ),
    ),
    503: (N_("Service unavailable"), N_("The service is unavailable for a moment.")),
}
OTHER = (N_("Error"), N_("The request did not succeed."))


def _page(status: int):
    try:
        lang = language()
    except Exception:  # noqa: BLE001 - a broken session must not break the error page
        lang = "fr"
    title, detail = TEXT.get(status, OTHER)
    # Staff refused an admin page go back to the administration, residents to the public home:
    # told by the address alone (no database read).
    admin = request.path.startswith("/admin")
    body = render_template(
        "error.html",
        status=status,
        title=gettext(title),
        detail=gettext(detail),
        lang=lang,
        home=url_for("admin.index") if admin else url_for("public.index", lang=_lang(lang)),
        home_label=(
            gettext("Back to the administration") if admin else gettext("Back to the home page")
        ),
    )
    return body, status


def _lang(lang: str) -> str | None:
    return None if lang == "fr" else lang


def on_http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return problems.on_http_error(exc)
    if exc.code is None or exc.code < 400 or exc.response is not None:
        return exc  # redirects and ready-made answers pass through
    allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # a 405 names what is allowed
    return (*_page(exc.code), allow)


def on_problem(exc: problems.Problem):
    if request.path.startswith("/api/"):
        return problems.on_problem(exc)
    return _page(exc.status)


def on_crash(exc: Exception):
    if isinstance(exc, HTTPException):
        return on_http_error(exc)
    if request.path.startswith("/api/"):
        return problems.on_crash(exc)
    current_app.logger.exception("unhandled error on %s", request.path)
    return _page(500)


def install(app: Flask) -> None:
    """The app's error handlers, for pages and for the API (/api/ answers problem+json)."""
    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(problems.Problem, on_problem)
    app.register_error_handler(Exception, on_crash)
