"""Pages answer errors with a French page in the site's frame (English with ?lang=en); the API
keeps problem+json."""

from __future__ import annotations

from flask import Blueprint

from bridge.app import create_app
from bridge.config import Settings


def test_a_missing_page_is_a_french_page_and_the_api_keeps_problem_json(client_for):
    anonymous = client_for(None)
    page = anonymous.get("/public/nowhere/")
    body = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page introuvable" in body and '<html lang="fr">' in body
    assert "Not Found" not in body and "requested URL" not in body
    assert "bridge.css" in body  # the site's frame
    english = anonymous.get("/public/nowhere/?lang=en").get_data(as_text=True)
    assert "Page not found" in english
    api = anonymous.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_forbidden_and_wrong_method_pages_are_french(client_for):
    viewer = client_for("viewer")
    forbidden = viewer.get("/admin/users")
    assert forbidden.status_code == 403
    assert "Accès refusé" in forbidden.get_data(as_text=True)
    back = '<a class="button" href="/admin/">Retour à l’administration</a>'
    assert back in forbidden.get_data(as_text=True)  # to the staff's pages, not the public home
    wrong = viewer.get("/logout")
    assert wrong.status_code == 405
    assert "Action impossible ici" in wrong.get_data(as_text=True)


def test_a_crash_on_a_page_is_a_french_500_page_without_the_exception(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/e.db", secret_key="t"))
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(boom)
    answer = app.test_client().get("/boom")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500 and answer.mimetype == "text/html"
    assert "Erreur du service" in body
    assert "secret internals" not in body and "Traceback" not in body
