"""The city's name and logo in every page's header (settings `city_name` and `logo`).

`logo` is either a file on this server (served at /logo, so it needs no other web server) or a
URL of this deployment; empty, our neutral placeholder from bridge/static is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_file, url_for

blueprint = Blueprint("branding", __name__)


@dataclass(frozen=True)
class Site:
    city_name: str
    logo_url: str


def _is_url(logo: str) -> bool:
    return logo.startswith(("http://", "https://", "/"))


def site() -> Site:
    settings = current_app.extensions["bridge"].settings
    logo = settings.logo.strip()
    if not logo:
        logo_url = url_for("static", filename="logo.svg")
    elif _is_url(logo) and not Path(logo).is_file():
        logo_url = logo
    else:
        logo_url = url_for("branding.logo")
    return Site(settings.city_name, logo_url)


@blueprint.get("/logo")
def logo():
    """The configured logo file; 404 when the setting names none (or a URL)."""
    configured = current_app.extensions["bridge"].settings.logo.strip()
    path = Path(configured)
    if not configured or not path.is_file():
        abort(404)
    return send_file(path.resolve(), max_age=3600)


def install(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.jinja_env.globals["site"] = site
