"""The plugin in a bridge: the fixtures come from civic-bridge's test kit
(`bridge.testing`, loaded by pytest through its entry point); `bridge_plugins` in
pyproject.toml enables this plugin alone. Tests taking `database_url` run on SQLite, then on
PostgreSQL when BRIDGE_TEST_POSTGRES_URL is set."""

from pathlib import Path

from bridge.catalogs import Source, untranslated
from bridge.store.models import Change
from bridge.testing.checks import undocumented_routes, unguarded_routes
from bridge.testing.french import problems
from click.testing import CliRunner
from sqlalchemy import inspect, select

from changes_digest import NAME
from changes_digest.changes import count
from changes_digest.models import Count, Note

PAGE = f"/admin/{NAME}/"
FORM = f"/admin/{NAME}/notes"
API = f"/api/v1/{NAME}/notes"


def test_its_tables_are_migrated(database_url, sessions):
    with sessions() as session:
        tables = inspect(session.get_bind()).get_table_names()
    assert {f"{NAME}_notes", f"{NAME}_counts", f"alembic_version_{NAME}"} <= set(tables)


def test_an_editor_adds_a_note_a_viewer_cannot(client_for, sessions):
    editor = client_for("editor")
    answer = editor.post(FORM, data={"csrf_token": editor.csrf, "text": "Relancer la mairie"})
    assert answer.status_code == 302
    assert "Relancer la mairie" in editor.get(PAGE).get_data(as_text=True)
    assert editor.post(FORM, data={"csrf_token": editor.csrf, "text": " "}).status_code == 422
    assert editor.post(FORM, data={"text": "sans jeton"}).status_code == 400  # no CSRF token
    viewer = client_for("viewer")
    assert viewer.post(FORM, data={"csrf_token": viewer.csrf, "text": "x"}).status_code == 403
    with sessions() as session:
        assert [n.author for n in session.scalars(select(Note))] == ["user:editor@ivry.example"]


def test_the_api_list_is_paged(client_for, api_for):
    editor = client_for("editor")
    for text in ("une", "deux", "trois"):
        editor.post(FORM, data={"csrf_token": editor.csrf, "text": text})
    first = api_for("viewer").get(f"{API}?limit=2").get_json()
    assert [n["text"] for n in first["items"]] == ["une", "deux"]
    rest = api_for("viewer").get(f"{API}?cursor={first['next']}").get_json()
    assert [n["text"] for n in rest["items"]] == ["trois"] and rest["next"] is None
    assert api_for(None).get(API).status_code == 401


def test_every_route_is_documented_and_guarded(bridge_app, client_for, api_for):
    assert undocumented_routes(bridge_app, f"/api/v1/{NAME}") == []
    prefixes = (f"/admin/{NAME}", f"/api/v1/{NAME}")
    assert unguarded_routes(bridge_app, client_for, api_for, prefixes) == []


def test_the_page_is_french_and_every_word_translated(client_for):
    admin = client_for("admin")
    admin.post(FORM, data={"csrf_token": admin.csrf, "text": "Relancer la mairie"})
    french = admin.get(PAGE).get_data(as_text=True)
    assert problems(french, actions=(NAME,)) == []
    assert "Changements reçus" in french  # its own catalog, over the core's
    # The audit log page says the note in a sentence of the plugin's catalog, not its code;
    # filtered on its action (the core's entries name the test accounts, viewer@...).
    audit = admin.get(f"/admin/audit?action={NAME}.note.create").get_data(as_text=True)
    assert "a ajouté la note «\u202fRelancer la mairie\u202f»" in audit
    assert problems(audit, actions=(NAME,)) == []
    english = admin.get(f"{PAGE}?lang=en").get_data(as_text=True)  # the language sticks
    assert "Changes received" in english
    assert "added the note “Relancer la mairie”" in admin.get("/admin/audit").text
    package = Source(NAME, Path(__file__).parents[1] / NAME, NAME)
    assert untranslated(package) == []  # every msgid of its code and templates has French


def test_synced_changes_are_counted_once_and_the_command_prints_them(synced, monkeypatch):
    from bridge.cli import main

    with synced.sessions() as session:
        first = {row.resource: row.count for row in session.scalars(select(Count))}
    assert first["proposals"] > 0
    with synced.sessions() as session, session.begin():
        count(session, list(session.scalars(select(Change).order_by(Change.id))))  # a replay
    with synced.sessions() as session:
        again = {row.resource: row.count for row in session.scalars(select(Count))}
    assert again == first
    # `bridge NAME counts`, on the bridge's database, as a city's administrator runs it.
    monkeypatch.setenv("BRIDGE_DATABASE_URL", synced.url)
    monkeypatch.setenv("BRIDGE_PLUGINS", NAME)
    result = CliRunner().invoke(main, [NAME, "counts"])
    assert result.exit_code == 0, result.output
    assert f"proposals\t{first['proposals']}" in result.output
