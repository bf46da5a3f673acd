"""A "sync now" request and its audit entry are one transaction: both land, or neither.

Found by a probe: the request row was committed in a session of its own before the audit entry
was added, so a failure in between left a sync nobody could account for.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bridge.store.models import AuditEntry, SyncRequest
from tests.web.conftest import client_for  # noqa: F401 - the signed-in clients fixture


class AuditDown(Exception):
    pass


def refuse(*args, **kwargs):
    raise AuditDown("the audit entry could not be written")


def stored(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_admin_sync_now_without_its_audit_entry_stores_no_request(
    client_for,  # noqa: F811
    sessions,
    monkeypatch,
):
    editor = client_for("editor")
    monkeypatch.setattr("bridge.web.admin.audit", refuse)
    answer = editor.post("/admin/instances/ivry/sync", data={"csrf_token": editor.csrf})
    assert answer.status_code == 500
    assert stored(sessions, SyncRequest) == 0


def test_api_sync_request_without_its_audit_entry_stores_no_request(
    client_for,  # noqa: F811
    sessions,
    monkeypatch,
):
    editor = client_for("editor")
    monkeypatch.setattr("bridge.api.instances.audit", refuse)
    answer = editor.post(
        "/api/v1/instances/ivry/sync", json={}, headers={"X-CSRF-Token": editor.csrf}
    )
    assert answer.status_code == 500
    assert stored(sessions, SyncRequest) == 0


def test_sync_now_stores_the_request_and_its_audit_entry_together(
    client_for,  # noqa: F811
    sessions,
):
    editor = client_for("editor")
    answer = editor.post("/admin/instances/ivry/sync", data={"csrf_token": editor.csrf})
    assert answer.status_code == 302
    assert stored(sessions, SyncRequest) == 1
    with sessions() as session:
        assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
            "sync.request"
        )
