"""Every admin page refuses anonymous visitors, and every admin write refuses lower roles."""

from __future__ import annotations

import re

import pytest

PAGES = [
    "/admin/",
    "/admin/instances/new",
    "/admin/instances/ivry",
    "/admin/instances/ivry/edit",
    "/admin/instances/ivry/changes",
    "/admin/instances/ivry/proposals",
    "/admin/proposals/1",
    "/admin/users",
    "/admin/tokens",
    "/admin/plugins",
]
# Pages to read, and the role they need.
READS = [
    ("/admin/instances/ivry/edit", "admin"),
    ("/admin/users", "admin"),
    ("/admin/tokens", "viewer"),
    ("/admin/plugins", "viewer"),
    ("/admin/instances/ivry/changes", "viewer"),
]
# Users are made in this order: admin is 1, editor 2, viewer 3.
WRITES = [
    ("/admin/instances/new", "admin"),
    ("/admin/instances/ivry/edit", "admin"),
    ("/admin/instances/ivry/test", "admin"),
    ("/admin/instances/ivry/sync", "editor"),
    ("/admin/users", "admin"),
    ("/admin/users/3/role", "admin"),
    ("/admin/users/3/unlock", "admin"),
    ("/admin/tokens", "viewer"),
]
FORMS = [path for path, _ in WRITES] + ["/admin/tokens/1/revoke", "/login", "/logout"]


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    client = client_for(None)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_writes_need_the_right_role(client_for):
    ranks = ["viewer", "editor", "admin"]
    for path, needed in WRITES:
        for role in ranks:
            client = client_for(role)
            response = client.post(
                path, data={"csrf_token": client.csrf, "name": "x", "base_url": "ftp://x"}
            )
            allowed = ranks.index(role) >= ranks.index(needed)
            assert (response.status_code != 403) == allowed, (path, role, response.status_code)


def test_pages_need_the_right_role(client_for):
    ranks = ["viewer", "editor", "admin"]
    clients = {role: client_for(role) for role in ranks}
    for path, needed in READS:
        for role in ranks:
            status = clients[role].get(path).status_code
            allowed = ranks.index(role) >= ranks.index(needed)
            assert status == (200 if allowed else 403), (path, role, status)


def test_the_menu_shows_accounts_to_admins_only(client_for):
    admin = client_for("admin").get("/admin/").get_data(as_text=True)
    viewer = client_for("viewer").get("/admin/").get_data(as_text=True)
    assert 'href="/admin/users"' in admin and 'href="/admin/users"' not in viewer
    for page in (admin, viewer):
        assert 'href="/admin/tokens"' in page and 'href="/admin/plugins"' in page


def test_each_role_is_offered_only_the_buttons_it_may_press(client_for):
    """Found walking the demo as a viewer: the instance page offered "Synchroniser maintenant"
    and "Tester la connexion", both answered by a 403 page; an editor was offered the test."""
    offered = {}
    for role in ("viewer", "editor", "admin"):
        page = client_for(role).get("/admin/instances/ivry").get_data(as_text=True)
        offered[role] = [path for path, _ in WRITES if f'action="{path}"' in page]
        offered[role] += ["edit"] if 'href="/admin/instances/ivry/edit"' in page else []
    assert offered == {
        "viewer": [],
        "editor": ["/admin/instances/ivry/sync"],
        "admin": ["/admin/instances/ivry/test", "/admin/instances/ivry/sync", "edit"],
    }


def test_admin_form_posts_need_the_csrf_token(client_for):
    client = client_for("admin")
    client.post("/admin/tokens", data={"csrf_token": client.csrf, "name": "to revoke"})
    for path in FORMS:
        response = client.post(path, data={"name": "x", "email": "x@ivry.example"})
        assert response.status_code == 400, path
        wrong = client.post(path, data={"csrf_token": "forged", "role": "viewer"})
        assert wrong.status_code == 400, path


def test_nobody_revokes_the_tokens_of_others_but_an_admin(client_for):
    admin, viewer, editor = client_for("admin"), client_for("viewer"), client_for("editor")
    admin.post("/admin/tokens", data={"csrf_token": admin.csrf, "name": "portail"})
    refused = viewer.post("/admin/tokens/1/revoke", data={"csrf_token": viewer.csrf})
    assert refused.status_code == 403
    editor.post("/admin/tokens", data={"csrf_token": editor.csrf, "name": "tableau"})
    assert "tableau" not in viewer.get("/admin/tokens").get_data(as_text=True)
    assert "tableau" in admin.get("/admin/tokens").get_data(as_text=True)
    done = admin.post("/admin/tokens/2/revoke", data={"csrf_token": admin.csrf})
    assert done.status_code == 302
    assert "tableau" in editor.get("/admin/tokens").get_data(as_text=True)
    assert 'class="token revoked"' in editor.get("/admin/tokens").get_data(as_text=True)


def test_revoking_a_token_asks_first(client_for):
    """The list's button opens a page that names the token and says it cannot be undone;
    only that page's button revokes."""
    admin = client_for("admin")
    admin.post("/admin/tokens", data={"csrf_token": admin.csrf, "name": "portail open data"})
    listing = admin.get("/admin/tokens").get_data(as_text=True)
    assert 'href="/admin/tokens/1/revoke"' in listing

    asked = admin.get("/admin/tokens/1/revoke").get_data(as_text=True)
    assert "portail open data" in asked and "définitive" in asked
    assert 'class="token active"' in admin.get("/admin/tokens").get_data(as_text=True)

    assert admin.post("/admin/tokens/1/revoke", data={"csrf_token": admin.csrf}).status_code == 302
    assert 'class="token revoked"' in admin.get("/admin/tokens").get_data(as_text=True)
    assert client_for("viewer").get("/admin/tokens/1/revoke").status_code == 403


def test_sign_in_sends_people_back_to_the_page_they_asked_for(client_for):
    client = client_for(None)
    asked = client.get("/admin/instances/ivry/changes?resource=proposals")
    login_page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/admin/instances/ivry/changes?resource=proposals"' in login_page
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "viewer@ivry.example",
            "password": "a long password 12",
            "next": "/admin/instances/ivry/changes?resource=proposals",
        },
    )
    assert response.headers["Location"] == "/admin/instances/ivry/changes?resource=proposals"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "admin", "/a\nb"]
)
def test_sign_in_never_sends_people_off_the_site(client_for, target):
    client = client_for(None)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "viewer@ivry.example",
            "password": "a long password 12",
            "next": target,
        },
    )
    assert response.headers["Location"] == "/admin/"


def test_a_view_reached_without_its_guard_answers_401_not_a_crash(bridge_app):
    """`required_identity()` is how a guarded view names who is asking; in a request with no
    one signed in it raises the 401 problem, never an AttributeError on None (found by mypy)."""
    from bridge.access import required_identity
    from bridge.errors import Problem

    with bridge_app.test_request_context("/admin/"), pytest.raises(Problem) as refused:
        required_identity()
    assert refused.value.status == 401
