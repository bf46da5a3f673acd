"""An instance's settings as a new administrator types them: what is refused before it is
saved, and what a new address makes the pages forget.

Found walking the demo: "français" was saved as the main language (every translated field is
keyed by a code such as "fr", so none would have matched), and after the address was changed to
another server the page still said "Version de Decidim : 0.28.4", the old server's, while the
next sync would have started from the old server's capabilities.
"""

from __future__ import annotations

import html

from sqlalchemy import select

from bridge.store.models import Instance


def test_the_main_language_is_a_language_code(client_for, sessions):
    admin = client_for("admin")
    refused = admin.post(
        "/admin/instances/new",
        data={
            "csrf_token": admin.csrf,
            "name": "vitry",
            "base_url": "https://decidim.vitry.example",
            "locale": "français",
        },
    )
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "un code comme fr ou en" in page and 'value="français"' in page
    assert 'id="locale"' in page and 'aria-invalid="true"' in page
    for code in ("fr", "pt-BR", "sr-Latn"):
        answer = admin.post(
            "/admin/instances/ivry/edit",
            data={"csrf_token": admin.csrf, "base_url": "http://127.0.0.1:9", "locale": code},
        )
        assert answer.status_code == 302, code
    with sessions() as session:
        names = session.scalars(select(Instance.name)).all()
        assert names == ["ivry"]
        assert session.scalar(select(Instance.locale)) == "sr-Latn"
    api = admin.open(
        "/api/v1/instances/ivry",
        method="PATCH",
        json={"locale": "French"},
        headers={"X-CSRF-Token": admin.csrf},
    )
    assert api.status_code == 422 and api.get_json()["field"] == "locale"


def test_a_new_address_forgets_what_the_old_server_said(client_for, sessions):
    with sessions() as session:
        ivry = session.scalar(select(Instance).where(Instance.name == "ivry"))
        ivry.decidim_version, ivry.query_set = "0.28.4", "0.28"
        ivry.capabilities = {"missing": []}
        ivry.write_capabilities = {"result_update": {"offered": True}}
        session.commit()
    admin = client_for("admin")
    same = admin.post(
        "/admin/instances/ivry/edit",
        data={"csrf_token": admin.csrf, "base_url": "http://127.0.0.1:9", "locale": "fr"},
    )
    assert same.status_code == 302
    assert "0.28.4" in admin.get("/admin/instances/ivry").get_data(as_text=True)
    moved = admin.post(
        "/admin/instances/ivry/edit",
        data={"csrf_token": admin.csrf, "base_url": "https://decidim.ivry94.fr", "locale": "fr"},
    )
    assert moved.status_code == 302
    page = html.unescape(admin.get("/admin/instances/ivry").get_data(as_text=True))
    assert "0.28.4" not in page and "pas encore connue" in page
    with sessions() as session:
        ivry = session.scalar(select(Instance).where(Instance.name == "ivry"))
        learnt = (ivry.decidim_version, ivry.query_set, ivry.capabilities, ivry.write_capabilities)
        assert learnt == (None, None, None, None)


def test_an_admin_types_the_api_credentials_in_the_forms(client_for, sessions):
    """Found walking the demo: the forms had no field for the key and secret a Decidim 0.31+
    with a closed API needs; only the CLI and the API could set them."""
    admin = client_for("admin")
    form = {"csrf_token": admin.csrf, "base_url": "https://decidim.vitry.example", "locale": "fr"}
    half = admin.post(
        "/admin/instances/new", data={**form, "name": "vitry", "api_secret": "s3cret-vitry"}
    )
    page = html.unescape(half.get_data(as_text=True))
    assert half.status_code == 422
    assert "La clé et le secret de l’API vont ensemble." in page
    assert "s3cret-vitry" not in page  # a secret is never written back into a page
    added = admin.post(
        "/admin/instances/new",
        data={**form, "name": "vitry", "api_key": "key-vitry", "api_secret": "s3cret-vitry"},
    )
    assert added.status_code == 302
    edit = admin.get("/admin/instances/vitry/edit").get_data(as_text=True)
    assert "s3cret-vitry" not in edit and "key-vitry" not in edit
    assert "Des identifiants sont enregistrés" in html.unescape(edit)

    def stored():
        with sessions() as session:
            vitry = session.scalar(select(Instance).where(Instance.name == "vitry"))
            return vitry.api_key, vitry.api_secret

    assert stored() == ("key-vitry", "s3cret-vitry")
    kept = admin.post("/admin/instances/vitry/edit", data={**form, "api_key": "", "api_secret": ""})
    assert kept.status_code == 302 and stored() == ("key-vitry", "s3cret-vitry")
    admin.post("/admin/instances/vitry/edit", data={**form, "api_key": "key-2"})
    assert stored() == ("key-2", "s3cret-vitry")
    admin.post("/admin/instances/vitry/edit", data={**form, "clear_credentials": "on"})
    assert stored() == (None, None)
    audit = html.unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "s3cret-vitry" not in audit and "key-vitry" not in audit


def test_each_field_says_what_to_type(client_for):
    """A new administrator met "Nom", "Langue principale" and "ou selon un crontab" with no
    word of what they take; each now has its hint, read with the field."""
    admin = client_for("admin")
    for path in ("/admin/instances/new", "/admin/instances/ivry/edit"):
        page = html.unescape(admin.get(path).get_data(as_text=True))
        assert 'aria-describedby="base_url-hint"' in page and "(sans /api)" in page, path
        assert 'aria-describedby="locale-hint"' in page and "fr, en…" in page, path
        assert "0 3 * * * (chaque nuit à 3\u202fh)" in page, path
    new = html.unescape(admin.get("/admin/instances/new").get_data(as_text=True))
    assert 'aria-describedby="name-hint"' in new and "par exemple ivry." in new
