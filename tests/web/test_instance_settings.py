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
