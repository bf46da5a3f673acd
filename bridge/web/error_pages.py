"""Errors on pages answer a page in the reader's language (French first), in the site's frame;
under /api/ they stay application/problem+json, answered by the API's own handlers.

The error page never reads the database (the error may be that the database is down), so it
shows no menu that depends on who is signed in.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from bridge.api import errors as api_errors
from bridge.web.i18n import current_language

TEXT = {
    "fr": {
        400: ("Demande incorrecte", "La demande envoyée n'a pas pu être lue."),
        403: ("Accès refusé", "Votre rôle ne permet pas d'ouvrir cette page."),
        404: ("Page introuvable", "Cette page n'existe pas, ou plus. Vérifiez l'adresse."),
        405: ("Action impossible ici", "Cette adresse ne permet pas cette action."),
        413: (
            "Envoi trop volumineux",
            "Le fichier ou le formulaire envoyé dépasse la taille que le service accepte\u202f; "
            "rien n'a été enregistré. Découpez un fichier CSV (par année, par exemple).",
        ),
        429: ("Trop de demandes", "Trop de demandes en peu de temps\u202f: réessayez plus tard."),
        500: (
            "Erreur du service",
            "Une erreur imprévue s'est produite. Elle a été notée dans le journal du "
            "service\u202f; réessayez dans un moment.",
        ),
        503: ("Service indisponible", "Le service est momentanément indisponible."),
        "other": ("Erreur", "La demande n'a pas abouti."),
        "home": "Retour à l'accueil",
        "admin_home": "Retour à l'administration",
        "code": "Code d'erreur",
    },
    "en": {
        400: ("Bad request", "The request could not be read."),
        403: ("Access denied", "Your role does not let you open this page."),
        404: ("Page not found", "This page does not exist, or no longer. Check the address."),
        405: ("Not allowed here", "This address does not allow this action."),
        413: (
            "Too large",
            "The file or form sent is larger than the service accepts; nothing was saved. "
            "Split a CSV file (by year, for instance).",
        ),
        429: ("Too many requests", "Too many requests in a short time: try again later."),
        500: (
            "Service error",
            "An unexpected error happened. It was written to the service's log; "
            "try again in a moment.",
        ),
        503: ("Service unavailable", "The service is unavailable for a moment."),
        "other": ("Error", "The request did not succeed."),
        "home": "Back to the home page",
        "admin_home": "Back to the administration",
        "code": "Error code",
    },
}


def _page(status: int):
    try:
        lang = current_language()
    except Exception:  # noqa: BLE001 - a broken session must not break the error page
        lang = "fr"
    words = TEXT[lang]
    title, detail = words.get(status, words["other"])
    # Staff refused an admin page go back to the administration, residents to the public home:
    # told by the address alone (no database read).
    admin = request.path.startswith("/admin")
    body = render_template(
        "error.html",
        status=status,
        title=title,
        detail=detail,
        w=words,
        lang=lang,
        home=url_for("admin.index") if admin else url_for("public.index", lang=_lang(lang)),
        home_label=words["admin_home" if admin else "home"],
    )
    return body, status


def _lang(lang: str) -> str | None:
    return None if lang == "fr" else lang


def on_http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return api_errors.on_http_error(exc)
    if exc.code is None or exc.code < 400 or exc.response is not None:
        return exc  # redirects and ready-made answers pass through
    allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # a 405 names what is allowed
    return (*_page(exc.code), allow)


def on_problem(exc: api_errors.Problem):
    if request.path.startswith("/api/"):
        return api_errors.on_problem(exc)
    return _page(exc.status)


def on_crash(exc: Exception):
    if isinstance(exc, HTTPException):
        return on_http_error(exc)
    if request.path.startswith("/api/"):
        return api_errors.on_crash(exc)
    current_app.logger.exception("unhandled error on %s", request.path)
    return _page(500)


def install(app: Flask) -> None:
    """After the API's blueprint: these handlers take over and hand /api/ back to it."""
    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(api_errors.Problem, on_problem)
    app.register_error_handler(Exception, on_crash)
