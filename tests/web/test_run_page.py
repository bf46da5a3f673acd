"""A sync run's page: an administrator reads what a run left aside.

Found walking the demo: the instance page and the dashboard counted a run's warnings ("2
avertissement(s)") and nothing on the pages showed them; only `GET /api/v1/sync-runs` did.
"""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from bridge.store.models import Instance, SyncRun
from bridge.timeutil import utcnow

WARNINGS = [
    "component 12 (proposals): record 345 not stored: invalid date '2024-13-45'",
    "component 14 (results) not read: the server no longer offers Result.weight",
]


def add_runs(sessions) -> tuple[int, int]:
    """A succeeded run with two warnings and a failed one, on the instance 'ivry'."""
    with sessions() as session:
        ivry = session.scalar(select(Instance).where(Instance.name == "ivry"))
        start = utcnow() - timedelta(hours=1)
        warned = SyncRun(
            instance_id=ivry.id,
            status="succeeded",
            started_at=start,
            finished_at=start + timedelta(minutes=2),
            created=318,
            requests=6,
            warnings=WARNINGS,
        )
        failed = SyncRun(
            instance_id=ivry.id,
            status="failed",
            started_at=start + timedelta(minutes=30),
            finished_at=start + timedelta(minutes=31),
            error="cannot reach http://127.0.0.1:9/api: ConnectionRefusedError(...)",
            error_kind="refused",
            warnings=[],
        )
        session.add_all([warned, failed])
        session.commit()
        return warned.id, failed.id


def test_a_viewer_reads_a_runs_warnings_from_the_instance_page(client_for, sessions):
    warned, failed = add_runs(sessions)
    viewer = client_for("viewer")
    instance_page = viewer.get("/admin/instances/ivry").get_data(as_text=True)
    link = f'href="/admin/instances/ivry/runs/{warned}#warnings-title">2 avertissement(s)</a>'
    assert link in instance_page
    assert f'href="/admin/instances/ivry/runs/{failed}"' in instance_page
    page = html.unescape(viewer.get(f"/admin/instances/ivry/runs/{warned}").get_data(as_text=True))
    assert "<h1>Synchronisation du " in page and "Avertissements (2)" in page
    assert "transmettez-le tel quel" in page
    assert '<ul id="warnings" lang="en">' in page
    assert all(w in page for w in WARNINGS)
    assert "318 / 0 / 0 / 0" in page
    dashboard = viewer.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/instances/ivry/runs/{failed}' not in dashboard  # its last run: none
    english = viewer.get(f"/admin/instances/ivry/runs/{warned}?lang=en").get_data(as_text=True)
    assert "send it as it is" in english and "Warnings (2)" in english


def test_a_failed_run_says_why_in_one_sentence_not_the_technical_error(client_for, sessions):
    _, failed = add_runs(sessions)
    page = html.unescape(
        client_for("viewer").get(f"/admin/instances/ivry/runs/{failed}").get_data(as_text=True)
    )
    assert "Le serveur ne répond pas à cette adresse\u202f: vérifiez l’adresse et le port" in page
    assert "ConnectionRefusedError" not in page
    assert "Aucun\u202f: tout ce qui a été lu a été enregistré." in page


def test_a_run_is_found_only_under_its_own_instance(client_for, sessions):
    warned, _ = add_runs(sessions)
    admin = client_for("admin")
    assert admin.get("/admin/instances/nowhere/runs/1").status_code == 404
    assert admin.get(f"/admin/instances/ivry/runs/{warned + 100}").status_code == 404
    assert client_for(None).get(f"/admin/instances/ivry/runs/{warned}").status_code == 302
