"""The admin pages behind the forms: instance settings, accounts, tokens, plugins, the change
feed and a running sync's progress (the browser tests drive the same pages end to end)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from bridge import formatting
from bridge.scheduler import wanted_jobs
from bridge.store.models import (
    ApiToken,
    AuditEntry,
    Change,
    Instance,
    PluginCursor,
    SyncRequest,
    SyncRun,
    User,
)
from bridge.timeutil import utcnow
from tests.web.conftest import csrf_of


def text(response) -> str:
    return response.get_data(as_text=True)


def test_an_admin_edits_the_schedule_and_disables_an_instance(client_for, sessions):
    admin = client_for("admin")
    form = text(admin.get("/admin/instances/ivry/edit"))
    assert 'value="http://127.0.0.1:9"' in form and 'name="enabled"' in form
    assert re.search(r'id="enabled"[^>]*checked', form)
    values = {
        "csrf_token": admin.csrf,
        "base_url": "https://decidim.ivry94.fr",
        "locale": "fr",
        "schedule_interval_minutes": "30",
        "schedule_cron": "tous les jours",
        "rate_limit_per_minute": "60",
        "enabled": "on",
    }
    refused = admin.post("/admin/instances/ivry/edit", data=values)
    assert refused.status_code == 422
    page = text(refused)
    assert 'value="tous les jours"' in page and 'value="https://decidim.ivry94.fr"' in page
    assert re.search(r'id="schedule_cron"[^>]*aria-invalid="true"', page)
    assert not re.search(r'id="base_url"[^>]*aria-invalid', page)
    with sessions() as session:
        assert session.scalar(select(Instance)).base_url == "http://127.0.0.1:9"

    values.update(schedule_interval_minutes="", schedule_cron="0 3 * * *")
    del values["enabled"]  # an unticked box is not sent
    saved = admin.post("/admin/instances/ivry/edit", data=values)
    assert saved.status_code == 302
    with sessions() as session:
        instance = session.scalar(select(Instance))
        assert instance.base_url == "https://decidim.ivry94.fr"
        assert (instance.schedule_interval_minutes, instance.schedule_cron) == (None, "0 3 * * *")
        assert instance.rate_limit_per_minute == 60 and instance.enabled is False
        assert wanted_jobs([instance]) == {}  # the scheduler drops its job
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "instance.update"))
    assert entry.actor == "user:admin@ivry.example"
    assert entry.before["enabled"] is True and entry.after["enabled"] is False
    shown = text(admin.get("/admin/instances/ivry"))
    assert "0 3 * * *" in shown and "désactivée" in shown
    assert 'href="/admin/instances/ivry/edit"' in shown
    assert 'href="/admin/instances/ivry/edit"' not in text(client_for("editor").get(saved.location))


def test_an_admin_creates_an_account_and_sees_its_password_once(client_for, sessions):
    admin = client_for("admin")
    bad = admin.post(
        "/admin/users",
        data={"csrf_token": admin.csrf, "email": "pas-une-adresse", "role": "editor"},
    )
    assert bad.status_code == 422
    assert 'value="pas-une-adresse"' in text(bad)
    assert re.search(r'id="email"[^>]*aria-invalid="true"', text(bad))
    made = admin.post(
        "/admin/users",
        data={"csrf_token": admin.csrf, "email": "Elu@Ivry.example", "role": "editor"},
    )
    assert made.status_code == 200
    password = re.search(r'<code id="new-password">([^<]+)</code>', text(made)).group(1)
    assert password not in text(admin.get("/admin/users"))
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == "elu@ivry.example"))
        assert user.role == "editor"
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.target == "user:elu@ivry.example")
        )
        assert entry.actor == "user:admin@ivry.example"
    newcomer = client_for(None)
    signed_in = newcomer.post(
        "/login",
        data={
            "csrf_token": csrf_of(text(newcomer.get("/login"))),
            "email": "elu@ivry.example",
            "password": password,
        },
    )
    assert signed_in.status_code == 302
    assert newcomer.get("/api/v1/me").get_json()["role"] == "editor"


def test_an_admin_changes_a_role_and_unlocks_an_account(client_for, sessions):
    admin = client_for("admin")
    with sessions() as session:
        viewer = session.scalar(select(User).where(User.email == "viewer@ivry.example"))
        viewer.locked_until = utcnow() + timedelta(minutes=10)
        session.commit()
        viewer_id = viewer.id
        admin_id = session.scalar(select(User.id).where(User.email == "admin@ivry.example"))
    listing = text(admin.get("/admin/users"))
    assert "verrouillé jusqu’à" in listing and "Déverrouiller" in listing
    admin.post(f"/admin/users/{viewer_id}/unlock", data={"csrf_token": admin.csrf})
    admin.post(f"/admin/users/{viewer_id}/role", data={"csrf_token": admin.csrf, "role": "editor"})
    last = admin.post(
        f"/admin/users/{admin_id}/role", data={"csrf_token": admin.csrf, "role": "viewer"}
    )
    assert "Le dernier compte d’administration ne peut pas perdre ce rôle" in text(
        admin.get(last.location)
    )
    with sessions() as session:
        viewer = session.get(User, viewer_id)
        assert viewer.locked_until is None and viewer.role == "editor"
        assert session.get(User, admin_id).role == "admin"
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"user.unlock", "user.role"} <= actions


def test_a_token_is_shown_once_and_works(client_for, sessions):
    editor = client_for("editor")
    form = text(editor.get("/admin/tokens"))
    assert '<option value="editor"' in form and '<option value="admin"' not in form
    too_high = editor.post(
        "/admin/tokens", data={"csrf_token": editor.csrf, "name": "x", "role": "admin"}
    )
    assert too_high.status_code == 422
    assert re.search(r'id="role"[^>]*aria-invalid="true"', text(too_high))
    made = editor.post(
        "/admin/tokens", data={"csrf_token": editor.csrf, "name": "portail", "role": "viewer"}
    )
    secret = re.search(r'<code id="new-token">(cbt_[^<]+)</code>', text(made)).group(1)
    listing = text(editor.get("/admin/tokens"))
    assert "portail" in listing and secret not in listing and secret[:8] in listing
    anonymous = client_for(None)
    me = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json() == {"email": "editor@ivry.example", "name": None, "role": "viewer"}
    with sessions() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "portail"))
        assert token.last_used_at is not None
    editor.post(f"/admin/tokens/{token.id}/revoke", data={"csrf_token": editor.csrf})
    me = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_the_plugins_page_shows_each_plugins_hooks(client_for):
    page = text(client_for("viewer").get("/admin/plugins"))
    row = re.search(r'<tr class="plugin"><td>budget</td>.*?</tr>', page, re.S).group(0)
    assert "activée" in row and "blueprints" in row and "migrations_path" in row
    api = client_for(None).get("/api/v1/plugins").get_json()["items"]
    assert "admin_menu" in next(p for p in api if p["name"] == "budget")["hooks"]


def test_the_plugins_page_shows_each_consumers_cursor_lag_and_failure(client_for, sessions):
    _changes(sessions, 5)
    now = utcnow()
    with sessions() as session:
        first = session.scalar(select(func.min(Change.id)))
        session.add(
            PluginCursor(
                plugin="budget",
                position=first + 1,
                attempts=2,
                last_error=f"changes {first + 2}-{first + 4}: RuntimeError: boom",
                last_error_kind="RuntimeError",
                last_error_at=now,
                next_attempt_at=now + timedelta(minutes=1),
            )
        )
        session.commit()
    page = text(client_for("viewer").get("/admin/plugins"))
    row = re.search(r'<tr class="delivery"><td>budget</td>.*?</tr>', page, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[1:3] == [str(first + 1), "3"]  # its cursor, and 3 changes waiting
    assert "en échec" in cells[3] and "2 échecs d’affilée" in cells[3]
    assert "RuntimeError: boom" in cells[4]
    assert cells[5] == formatting.datetime_text(now + timedelta(minutes=1), "fr")
    english = text(client_for("viewer").get("/admin/plugins?lang=en"))
    assert "Changes delivered to plugins" in english and "failing" in english

    def budget(client):
        items = client.get("/api/v1/plugins").get_json()["items"]
        return next(p for p in items if p["name"] == "budget")["delivery"]

    public, signed_in = budget(client_for(None)), budget(client_for("viewer"))
    assert (public["cursor"], public["lag"], public["attempts"]) == (first + 1, 3, 2)
    assert public["last_error_kind"] == "RuntimeError" and public["last_error"] is None
    assert signed_in["last_error"].endswith("RuntimeError: boom")
    assert public["next_attempt_at"].startswith(str((now + timedelta(minutes=1)).date()))
    home = text(client_for("viewer").get("/admin/"))  # the dashboard says it too
    line = re.search(r'<li class="plugin-failing">(.*?)</li>', home, re.S).group(1)
    assert line.startswith("Extension budget\u202f: ")
    assert "2 échecs d’affilée sur les changements, 3 changement(s) en attente" in line
    assert 'href="/admin/plugins"' in line


def _changes(sessions, count: int, running: bool = False) -> int:
    now = utcnow()
    with sessions() as session:
        instance = session.scalar(select(Instance))
        run = SyncRun(
            instance_id=instance.id,
            status="running" if running else "succeeded",
            started_at=now,
            heartbeat_at=now,
            progress={
                "done": ["component:1", "component:2"],
                "pages": 12,
                "records": {"created": 40, "updated": 2, "unchanged": 5, "removed": 0},
                "retries": 1,
                "warnings": 1,
            },
            requests=7,
            warnings=[],
        )
        session.add(run)
        session.flush()
        for n in range(count):
            session.add(
                Change(
                    run_id=run.id,
                    instance_id=instance.id,
                    resource="proposals" if n % 2 else "meetings",
                    record_id=n + 1,
                    remote_id=str(1000 + n),
                    kind="updated",
                    field="title",
                    old={"fr": f"avant {n}"},
                    new={"fr": f"après {n}"},
                    changed_at=now + timedelta(seconds=n),
                )
            )
        session.commit()
        return run.id


def test_the_change_feed_is_newest_first_paged_and_filtered(client_for, sessions):
    _changes(sessions, 70)
    viewer = client_for("viewer")
    assert 'href="/admin/instances/ivry/changes"' in text(viewer.get("/admin/instances/ivry"))
    first = text(viewer.get("/admin/instances/ivry/changes"))
    remote = re.findall(r"\((10\d\d)\)", first)
    assert len(remote) == 50 and remote[0] == "1069" and remote[-1] == "1020"
    assert "après 69" in first and "→" in first
    older = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = text(viewer.get(older))
    assert re.findall(r"\((10\d\d)\)", second) == [str(1019 - n) for n in range(20)]
    assert 'rel="next"' not in second
    proposals = text(viewer.get("/admin/instances/ivry/changes?resource=proposals"))
    shown = re.findall(r'<tr class="change updated"><td>[^<]*</td><td>(\w+)</td>', proposals)
    assert len(shown) == 35 and set(shown) == {"proposition"}  # the resource, in French
    assert '<option value="proposals" selected>' in proposals


def test_a_running_sync_shows_what_it_has_done_so_far(client_for, sessions):
    _changes(sessions, 3, running=True)
    page = text(client_for("viewer").get("/admin/instances/ivry"))
    assert '<meta http-equiv="refresh" content="2">' in page
    progress = re.search(r'<td class="run-progress">(.*?)</td>', page, re.S).group(1)
    assert "Composants lus\u202f: 2" in progress and "Requêtes\u202f: 7" in progress
    assert "Modifications enregistrées\u202f: 3" in progress
    assert "Pages lues\u202f: 12" in progress
    assert "Fiches nouvelles / modifiées / inchangées\u202f: 40 / 2 / 5" in progress
    assert "Nouvelles tentatives\u202f: 1" in progress and "1 avertissement(s)" in progress


def test_the_new_pages_in_english(client_for):
    admin = client_for("admin")
    for path, title in [
        ("/admin/users?lang=en", "Accounts"),
        ("/admin/tokens", "API tokens"),
        ("/admin/plugins", "Plugins"),
        ("/admin/instances/ivry/edit", "Edit settings"),
        ("/admin/instances/ivry/changes", "Changes received"),
    ]:
        page = text(admin.get(path))
        assert '<html lang="en">' in page and f"<h1>{title}" in page, path


def test_the_page_keeps_refreshing_between_the_claim_and_the_run(client_for, sessions):
    """The scheduler claims a request, then opens its run: the page must not stop in between."""
    viewer = client_for("viewer")
    refresh = '<meta http-equiv="refresh" content="2">'
    with sessions() as session:
        instance = session.scalar(select(Instance))
        session.add(SyncRequest(instance_id=instance.id, requested_at=utcnow(), picked_at=utcnow()))
        session.commit()
    page = text(viewer.get("/admin/instances/ivry"))
    assert refresh in page and "en attente" in page
    with sessions() as session:  # claimed long ago and never run (another sync held the lock)
        request = session.scalar(select(SyncRequest))
        request.picked_at = utcnow() - timedelta(minutes=5)
        session.commit()
    assert refresh not in text(viewer.get("/admin/instances/ivry"))


def test_the_instance_page_leads_to_its_spaces_and_mappings(client_for):
    page = text(client_for("viewer").get("/admin/instances/ivry"))
    assert 'href="/admin/instances/ivry/processes"' in page
    assert 'href="/admin/instances/ivry/mappings"' in page
    english = text(client_for("viewer").get("/admin/instances/ivry?lang=en"))
    assert "Neighbourhoods and themes" in english and "processus" not in english


def test_admins_read_the_audit_log_filtered_and_paged(client_for, sessions):
    from bridge.accounts import audit

    with sessions() as session:
        for n in range(60):
            audit(session, "user:admin@ivry.example", "budget.ledger.add", f"ledger:{n}")
        audit(session, "token:3:editor@ivry.example", "sync.request", "instance:ivry", after={})
        session.commit()
    assert client_for("editor").get("/admin/audit").status_code == 403
    admin = client_for("admin")
    first = text(admin.get("/admin/audit"))
    assert "Journal des modifications" in first and 'href="/api/v1/audit?format=csv"' in first
    actions = re.findall(r'<tr class="entry" data-action="([^"]+)"', first)
    assert len(actions) == 50 and actions[0] == "sync.request"
    assert "editor@ivry.example (jeton n° 3) a demandé une synchronisation" in first
    older = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert text(admin.get(older)).count('<tr class="entry"') > 0
    only = text(admin.get("/admin/audit?actor=token:3"))
    assert re.findall(r'data-action="([^"]+)"', only) == ["sync.request"]
    ledger = text(admin.get("/admin/audit?action=budget.ledger.add"))
    assert set(re.findall(r'data-action="([^"]+)"', ledger)) == {"budget.ledger.add"}
    csv = admin.get("/api/v1/audit?format=csv")  # the signed-in admin downloads it too
    assert csv.status_code == 200 and "budget.ledger.add" in csv.get_data(as_text=True)


def test_an_admin_has_a_failing_plugin_tried_again_now(client_for, sessions):
    later = utcnow() + timedelta(hours=1)
    with sessions() as session:
        session.add(
            PluginCursor(
                plugin="budget",
                position=0,
                attempts=4,
                last_error="changes 1-1: RuntimeError: boom",
                last_error_kind="RuntimeError",
                last_error_at=utcnow(),
                next_attempt_at=later,
            )
        )
        session.commit()
    viewer = client_for("viewer")
    assert "Réessayer maintenant" not in text(viewer.get("/admin/plugins"))
    refused = viewer.post("/admin/plugins/budget/retry", data={"csrf_token": viewer.csrf})
    assert refused.status_code == 403
    admin = client_for("admin")
    assert "Réessayer maintenant" in text(admin.get("/admin/plugins"))
    done = admin.post(
        "/admin/plugins/budget/retry", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert "L’extension sera réessayée d’ici quelques secondes." in text(done)
    with sessions() as session:
        cursor = session.get(PluginCursor, "budget")
        assert (cursor.next_attempt_at, cursor.attempts) == (None, 4)
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "plugins.retry"))
        assert (entry.actor, entry.target) == ("user:admin@ivry.example", "plugin:budget")
    again = admin.post(
        "/admin/plugins/budget/retry", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert "n’attendait pas" in text(again)
    missing = admin.post("/admin/plugins/nobody/retry", data={"csrf_token": admin.csrf})
    assert missing.status_code == 404
    audit_page = text(admin.get("/admin/audit"))
    assert "a fait réessayer tout de suite l’extension budget, en échec" in audit_page


def test_an_instance_never_reached_says_its_version_is_not_known_yet(client_for):
    """It said "Version de Decidim : ?"; now what is missing, and what to do."""
    page = client_for("viewer").get("/admin/instances/ivry").get_data(as_text=True)
    assert '<span id="version">pas encore connue (testez la connexion)</span>' in page
    english = client_for("viewer").get("/admin/instances/ivry?lang=en").get_data(as_text=True)
    assert "not known yet (test the connection)" in english
