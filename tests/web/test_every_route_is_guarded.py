"""No route can be forgotten: every admin page and every write, the plugins' too, found in the
app's own URL map, is put through the test kit's guard check (`bridge.testing.checks`):
anonymous visitors are sent to sign in or refused 401, viewers are refused every write (but
their own account and tokens), pages that need more than a viewer refuse the role below."""

from __future__ import annotations

from bridge.testing.checks import routes, unguarded_routes

SAMPLES = {"name": "ivry"}  # the instance of the client_for fixture (tests/web/conftest.py)
ADMIN_ONLY = {"/admin/users": "admin", "/admin/audit": "admin", "/admin/instances/new": "admin"}


def test_every_page_and_write_is_guarded(bridge_app, client_for, api_for):
    found = unguarded_routes(bridge_app, client_for, api_for, needs=ADMIN_ONLY, samples=SAMPLES)
    assert found == []
    admin_routes = list(routes(bridge_app, "/admin"))
    assert len(admin_routes) >= 20  # the core's and the budget plugin's pages are all in the map
    assert len([r for r in routes(bridge_app, "/api/v1") if r[0] != "GET"]) >= 10


def test_the_check_finds_an_open_write(bridge_app, client_for, api_for):
    """So that a check finding nothing means something."""

    @bridge_app.post("/admin/open-door")
    def open_door():
        return "written"

    @bridge_app.post("/api/v1/open-door")
    def open_api():
        return "written"

    found = unguarded_routes(bridge_app, client_for, api_for, ("/admin/open", "/api/v1/open"))
    assert found == [
        "POST /admin/open-door: anonymous got 200",
        "POST /admin/open-door: a viewer got 200, not 403",
        "POST /api/v1/open-door: anonymous got 200, not 401",
        "POST /api/v1/open-door: a viewer's token got 200",
    ]
