"""Processes in the admin: what is synced, neighbourhoods and themes, one process's page; and
the same settings over the API. Viewers read, editors change, every change is audited."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bridge import mappings
from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store import models
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import AuditEntry, CategoryTheme, ScopeNeighbourhood, SyncExclusion
from bridge.sync import selection
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance

PASSWORD = "a long password 12"


def populate(sessions) -> dict[str, str]:
    """Users of each role with a token each, and one sync of the Ivry stand-in."""
    tokens = {}
    with sessions() as session:
        for role in ("admin", "editor", "viewer"):
            user, _ = create_user(session, f"{role}@ivry.example", role, PASSWORD)
            tokens[role] = create_token(session, user, f"{role} token")[1]
        session.commit()
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    return tokens


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One populated SQLite database per module; each test gets a copy (a sync costs seconds)."""
    folder = tmp_path_factory.mktemp("template")
    engine = make_engine(_database_url("sqlite", folder))
    tokens = populate(make_sessionmaker(engine))
    engine.dispose()  # the last connection closed folds the WAL into the file
    return folder / "bridge.db", tokens


@pytest.fixture(params=["sqlite", "postgres"])
def populated(request, tmp_path) -> tuple[str, dict[str, str]]:
    """A populated database (see `populate`) and the tokens of its users."""
    if request.param == "sqlite":
        template, tokens = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "bridge.db")
        return f"sqlite:///{tmp_path}/bridge.db", tokens
    url = _database_url("postgres", tmp_path)
    engine = make_engine(url)
    tokens = populate(make_sessionmaker(engine))
    engine.dispose()
    return url, tokens


@pytest.fixture
def database_url(populated) -> str:
    """Overrides the shared fixture (so `sessions` opens the populated database)."""
    return populated[0]


@pytest.fixture
def synced(populated):
    url, tokens = populated
    app = create_app(Settings(database_url=url, secret_key="t", cookie_secure=False))
    return app, tokens


@pytest.fixture
def client_for(synced):
    app, _ = synced

    def make(role: str | None):
        client = app.test_client()
        if role:
            token = csrf_in(client.get("/login"))
            client.post(
                "/login",
                data={"csrf_token": token, "email": f"{role}@ivry.example", "password": PASSWORD},
            )
            client.csrf = csrf_in(client.get("/account"))
        return client

    return make


@pytest.fixture
def api(synced):
    app, tokens = synced
    client = app.test_client()

    def call(method, path, role=None, json=None):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        return client.open(path, method=method, json=json, headers=headers)

    return call


def csrf_in(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def climat(sessions) -> models.Space:
    with sessions() as session:
        return session.scalar(select(models.Space).where(models.Space.slug == "pour-le-climat"))


def components_of(sessions, space_id: int) -> list[models.Component]:
    with sessions() as session:
        return list(
            session.scalars(
                select(models.Component)
                .where(models.Component.space_id == space_id)
                .order_by(models.Component.id)
            )
        )


def audit_entries(sessions, action: str) -> list[AuditEntry]:
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def switches(sessions) -> selection.Switches:
    with sessions() as session:
        instance_id = session.scalar(select(models.Instance.id))
        return selection.load(session, instance_id)


PAGES = ["/admin/instances/ivry/processes", "/admin/instances/ivry/mappings"]


# -- pages ---------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client_for, sessions):
    client = client_for(None)
    for path in [*PAGES, f"/admin/processes/{climat(sessions).id}"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
        response = client.post(path, data={})
        assert response.status_code in (302, 400, 405), path  # never a change


def test_a_viewer_reads_every_page_in_both_languages_but_cannot_change(client_for, sessions):
    client = client_for("viewer")
    space = climat(sessions)
    page = client.get("/admin/instances/ivry/processes").get_data(as_text=True)
    assert "Pour le climat, à Ivry, on agit !" in page and "Synchroniser cet espace" in page
    assert "Lecture seule" in page and "disabled" in page
    english = client.get("/admin/instances/ivry/processes?lang=en").get_data(as_text=True)
    assert "Sync this space" in english and 'lang="en"' in english
    mapping = client.get("/admin/instances/ivry/mappings?lang=fr").get_data(as_text=True)
    assert "Quartiers et thèmes" in mapping and "Centre-ville" in mapping
    assert client.get("/admin/instances/nowhere/processes").status_code == 404
    process = client.get(f"/admin/processes/{space.id}")
    assert process.status_code == 200
    assert client.get("/admin/processes/999999").status_code == 404

    form = {"csrf_token": client.csrf, "shown_space": f"{space.space_type}:{space.remote_id}"}
    assert client.post("/admin/instances/ivry/processes", data=form).status_code == 403
    response = client.post(
        "/admin/instances/ivry/mappings", data={"csrf_token": client.csrf, "scope:scope:1": "X"}
    )
    assert response.status_code == 403
    assert switches(sessions) == selection.Switches()
    assert audit_entries(sessions, "sync.settings") == []


def test_the_process_page_shows_steps_components_and_records(client_for, sessions):
    client = client_for("viewer")
    space = climat(sessions)
    page = client.get(f"/admin/processes/{space.id}").get_data(as_text=True)
    assert "Caravane citoyenne" in page  # the first step
    for word in ("Propositions", "Budgets", "Projets", "Résultats", "Rencontres"):
        assert word in page, word
    with sessions() as session:
        first = session.scalar(
            select(models.Proposal)
            .where(models.Proposal.space_id == space.id)
            .order_by(models.Proposal.id)
        )
    assert f"/admin/proposals/{first.id}" in page
    assert "50 affichées sur 120" in page  # first 50 of the process's 120 proposals
    assert page.count("/admin/proposals/") == 50
    english = client.get(f"/admin/processes/{space.id}?lang=en").get_data(as_text=True)
    assert "50 shown of 120" in english and "Meetings" in english


def test_an_editor_switches_a_space_and_a_component_off_and_on(client_for, sessions):
    client = client_for("editor")
    space = climat(sessions)
    components = components_of(sessions, space.id)
    page = client.get("/admin/instances/ivry/processes").get_data(as_text=True)
    # Every box of the page, as the browser would send it, minus one space and one component.
    shown_spaces = re.findall(r'name="shown_space" value="([^"]+)"', page)
    shown_components = re.findall(r'name="shown_component" value="([^"]+)"', page)
    assert f"{space.space_type}:{space.remote_id}" in shown_spaces
    assert {c.remote_id for c in components} <= set(shown_components)
    off_space = "assembly:1"
    off_component = components[0].remote_id
    form = {
        "csrf_token": client.csrf,
        "shown_space": shown_spaces,
        "shown_component": shown_components,
        "space": [s for s in shown_spaces if s != off_space],
        "component": [c for c in shown_components if c != off_component],
    }
    response = client.post("/admin/instances/ivry/processes", data=form)
    assert response.status_code == 302
    assert switches(sessions) == selection.Switches(
        spaces_off=frozenset({("assembly", "1")}), components_off=frozenset({off_component})
    )
    [entry] = audit_entries(sessions, "sync.settings")
    assert entry.actor == "user:editor@ivry.example" and entry.target == "instance:ivry"
    assert entry.before == {"spaces_off": [], "components_off": []}
    assert entry.after == {
        "spaces_off": [{"space_type": "assembly", "remote_id": "1"}],
        "components_off": [off_component],
    }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Réglages enregistrés." in page
    assert not re.search(rf'name="component" value="{off_component}" checked', page)

    # Sending the same form again changes nothing and audits nothing.
    client.post("/admin/instances/ivry/processes", data=form)
    assert len(audit_entries(sessions, "sync.settings")) == 1

    # Everything ticked: everything on again.
    form.update(space=shown_spaces, component=shown_components)
    client.post("/admin/instances/ivry/processes", data=form)
    assert switches(sessions) == selection.Switches()
    assert len(audit_entries(sessions, "sync.settings")) == 2


def test_a_form_leaves_alone_what_it_did_not_show(client_for, sessions):
    with sessions() as session:
        instance = session.scalar(select(models.Instance))
        selection.replace(session, instance, "test", components_off={"4242"})
        session.commit()
    client = client_for("editor")
    client.post(
        "/admin/instances/ivry/processes",
        data={"csrf_token": client.csrf, "shown_component": ["1"], "component": []},
    )
    assert switches(sessions).components_off == {"4242", "1"}


def test_an_editor_maps_scopes_and_categories(client_for, sessions):
    client = client_for("editor")
    space = climat(sessions)
    with sessions() as session:
        category = session.scalar(
            select(models.Category)
            .where(models.Category.space_id == space.id)
            .order_by(models.Category.id)
        )
    page = client.get("/admin/instances/ivry/mappings").get_data(as_text=True)
    assert 'name="scope:scope:1"' in page and f'name="category:{category.remote_id}"' in page
    assert 'list="neighbourhood-names"' in page and 'list="theme-names"' in page
    response = client.post(
        "/admin/instances/ivry/mappings",
        data={
            "csrf_token": client.csrf,
            "scope:scope:1": "  Centre  ville ",
            "scope:scope:2": "Port",
            "scope:scope:3": "",
            f"category:{category.remote_id}": "Climat",
        },
    )
    assert response.status_code == 302
    with sessions() as session:
        instance_id = session.scalar(select(models.Instance.id))
        assert mappings.neighbourhoods(session, instance_id) == {"1": "Centre ville", "2": "Port"}
        assert mappings.neighbourhood_for_scope(session, instance_id, "2") == "Port"
        assert mappings.neighbourhood_for_scope(session, instance_id, "3") is None
        assert mappings.theme_for_category(session, instance_id, category.remote_id) == "Climat"
        proposal = session.scalar(
            select(models.Proposal).where(models.Proposal.scope_remote_id == "2")
        )
        assert mappings.neighbourhood_for_record(session, proposal) == "Port"
    [entry] = audit_entries(sessions, "mappings.update")
    assert entry.before == {"neighbourhoods": {}, "themes": {}}
    assert entry.after == {
        "neighbourhoods": {"scope:1": "Centre ville", "scope:2": "Port"},
        "themes": {category.remote_id: "Climat"},
    }
    page = client.get("/admin/instances/ivry/mappings").get_data(as_text=True)
    assert '<option value="Centre ville">' in page and '<option value="Climat">' in page
    assert 'value="Port"' in page

    # Emptying a field removes its mapping; the others stay.
    client.post(
        "/admin/instances/ivry/mappings",
        data={"csrf_token": client.csrf, "scope:scope:2": ""},
    )
    with sessions() as session:
        assert mappings.neighbourhoods(session, instance_id) == {"1": "Centre ville"}


def test_a_refused_mapping_keeps_what_was_typed_and_saves_nothing(client_for, sessions):
    client = client_for("editor")
    response = client.post(
        "/admin/instances/ivry/mappings?lang=en",
        data={"csrf_token": client.csrf, "scope:scope:1": "x" * 201, "scope:scope:2": "Port"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Port"' in page and "x" * 201 in page
    assert 'aria-invalid="true"' in page and "200 characters at most" in page
    with sessions() as session:
        assert session.scalars(select(ScopeNeighbourhood)).all() == []
    assert audit_entries(sessions, "mappings.update") == []


def test_forms_need_the_csrf_token(client_for, sessions):
    client = client_for("editor")
    for path in PAGES:
        response = client.post(path, data={"shown_component": ["1"], "scope:scope:1": "X"})
        assert response.status_code == 400, path
    with sessions() as session:
        assert session.scalars(select(SyncExclusion)).all() == []
        assert session.scalars(select(ScopeNeighbourhood)).all() == []


# -- the API -------------------------------------------------------------------------------------
SETTINGS_PATH = "/api/v1/instances/ivry/sync-settings"
MAPPINGS_PATH = "/api/v1/instances/ivry/mappings"


def test_the_api_needs_an_editor_token(api):
    for path in (SETTINGS_PATH, MAPPINGS_PATH):
        for method in ("GET", "PUT"):
            response = api(method, path, json={})
            assert response.status_code == 401, (method, path)
            assert response.mimetype == "application/problem+json"
            assert api(method, path, "viewer", json={}).status_code == 403, (method, path)
        assert api("GET", path, "editor").status_code == 200
        assert api("GET", path, "admin").status_code == 200
    assert api("GET", "/api/v1/instances/nowhere/sync-settings", "editor").status_code == 404


def test_sync_settings_over_the_api(api, sessions):
    body = api("GET", SETTINGS_PATH, "editor").get_json()
    assert body["spaces_off"] == [] and body["components_off"] == []
    climat_space = next(s for s in body["spaces"] if s["title"]["fr"].startswith("Pour le climat"))
    assert climat_space["synced"] and all(c["synced"] for c in climat_space["components"])
    component = climat_space["components"][0]["remote_id"]

    answer = api(
        "PUT",
        SETTINGS_PATH,
        "editor",
        {
            "spaces_off": [{"space_type": "participatory_process", "remote_id": "2"}],
            "components_off": [int(component)],
        },
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["spaces_off"] == [{"space_type": "participatory_process", "remote_id": "2"}]
    assert body["components_off"] == [component]
    second = next(
        s
        for s in body["spaces"]
        if s["space_type"] == "participatory_process" and s["remote_id"] == "2"
    )
    assert not second["synced"] and not any(c["synced"] for c in second["components"])
    [entry] = audit_entries(sessions, "sync.settings")
    assert entry.actor.startswith("token:") and entry.after["components_off"] == [component]

    # A list left out is kept; an empty list switches everything of its kind on.
    api("PUT", SETTINGS_PATH, "editor", {"components_off": []})
    assert switches(sessions) == selection.Switches(
        spaces_off=frozenset({("participatory_process", "2")})
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"spaces_off": "2"}, "spaces_off"),
        (
            {"spaces_off": [{"space_type": "initiative", "remote_id": "1"}]},
            "spaces_off[0].space_type",
        ),
        (
            {"spaces_off": [{"space_type": "assembly", "remote_id": "99"}]},
            "spaces_off[0].remote_id",
        ),
        ({"spaces_off": ["1"]}, "spaces_off[0]"),
        ({"components_off": ["1", "999"]}, "components_off[1]"),
        ({"components_off": [True]}, "components_off[0]"),
        ({"everything": False}, "everything"),
    ],
)
def test_invalid_sync_settings_are_422_with_the_field(api, sessions, body, field):
    answer = api("PUT", SETTINGS_PATH, "editor", body)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["field"] == field
    assert switches(sessions) == selection.Switches()
    assert audit_entries(sessions, "sync.settings") == []


def test_mappings_over_the_api(api, sessions):
    body = api("GET", MAPPINGS_PATH, "editor").get_json()
    assert {n["remote_id"] for n in body["neighbourhoods"]} >= {"1", "2"}
    assert all(n["neighbourhood"] is None for n in body["neighbourhoods"])
    category = body["themes"][0]["remote_id"]
    answer = api(
        "PUT",
        MAPPINGS_PATH,
        "editor",
        {
            "neighbourhoods": [
                {"kind": "scope", "remote_id": "1", "neighbourhood": "Centre-ville"},
                {"remote_id": 2, "neighbourhood": "Ivry-Port"},
            ],
            "themes": [{"remote_id": category, "theme": "Climat"}],
        },
    )
    assert answer.status_code == 200
    body = answer.get_json()
    mapped = {n["remote_id"]: n["neighbourhood"] for n in body["neighbourhoods"]}
    assert mapped["1"] == "Centre-ville" and mapped["2"] == "Ivry-Port" and mapped["3"] is None
    assert next(t for t in body["themes"] if t["remote_id"] == category)["theme"] == "Climat"
    [entry] = audit_entries(sessions, "mappings.update")
    assert entry.after["neighbourhoods"] == {"scope:1": "Centre-ville", "scope:2": "Ivry-Port"}

    # A list sent replaces the mappings of its kind; a list left out keeps them.
    api(
        "PUT",
        MAPPINGS_PATH,
        "editor",
        {"neighbourhoods": [{"remote_id": "2", "neighbourhood": None}]},
    )
    with sessions() as session:
        assert session.scalars(select(ScopeNeighbourhood)).all() == []
        [theme] = session.scalars(select(CategoryTheme)).all()
        assert theme.theme == "Climat"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"neighbourhoods": {"1": "x"}}, "neighbourhoods"),
        (
            {"neighbourhoods": [{"remote_id": "1", "neighbourhood": "x" * 201}]},
            "neighbourhoods[0].neighbourhood",
        ),
        (
            {"neighbourhoods": [{"remote_id": "1", "neighbourhood": 3}]},
            "neighbourhoods[0].neighbourhood",
        ),
        ({"neighbourhoods": [{"kind": "zone", "remote_id": "1"}]}, "neighbourhoods[0].kind"),
        (
            {"neighbourhoods": [{"remote_id": "999", "neighbourhood": "x"}]},
            "neighbourhoods[0].remote_id",
        ),
        ({"neighbourhoods": [{"neighbourhood": "x"}]}, "neighbourhoods[0].remote_id"),
        ({"themes": ["Climat"]}, "themes[0]"),
        ({"themes": [{"remote_id": "9999", "theme": "Climat"}]}, "themes[0].remote_id"),
        ({"scopes": []}, "scopes"),
    ],
)
def test_invalid_mappings_are_422_with_the_field(api, sessions, body, field):
    answer = api("PUT", MAPPINGS_PATH, "editor", body)
    assert answer.status_code == 422
    assert answer.get_json()["field"] == field
    assert audit_entries(sessions, "mappings.update") == []


def test_the_openapi_document_describes_the_settings(api):
    spec = api("GET", "/api/v1/openapi.json").get_json()
    for path in ("/instances/{name}/sync-settings", "/instances/{name}/mappings"):
        assert set(spec["paths"][path]) == {"get", "put"}
        assert "422" in spec["paths"][path]["put"]["responses"]


def test_plugins_read_the_mappings_of_scopes_taxonomies_and_categories(sessions):
    with sessions() as session:
        instance = session.scalar(select(models.Instance))
        mappings.save(
            session,
            instance,
            "test",
            neighbourhoods={("scope", "1"): "Centre", ("taxonomy", "8"): "Port"},
            themes={"5": "Climat"},
        )
        session.commit()
        record = SimpleNamespace(
            instance_id=instance.id,
            scope_remote_id=None,
            taxonomy_remote_ids=["7", 8],
            category_remote_id="5",
        )
        assert mappings.neighbourhood_for_record(session, record) == "Port"
        record.scope_remote_id = "1"
        assert mappings.neighbourhood_for_record(session, record) == "Centre"
        assert mappings.theme_for_record(session, record) == "Climat"
        assert mappings.neighbourhoods(session, instance.id, "taxonomy") == {"8": "Port"}
        assert mappings.neighbourhood_for_scope(session, instance.id, "8") is None  # a scope 8
        assert mappings.neighbourhood_for_scope(session, instance.id, None) is None
        assert mappings.theme_for_category(session, instance.id, "6") is None
        assert mappings.names_in_use(session) == (["Centre", "Port"], ["Climat"])
        assert mappings.neighbourhoods(session, instance.id + 1) == {}  # per instance
