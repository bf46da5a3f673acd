"""What the dashboard reads, on SQLite and PostgreSQL: each instance's last run, failures of
the last 24 hours, waiting requests, and which scheduled instances are late."""

from __future__ import annotations

from datetime import timedelta

from bridge.health import instances_health
from bridge.store.models import Instance, SyncRequest, SyncRun
from bridge.timeutil import utcnow


def test_last_run_failures_waiting_and_late(sessions):
    now = utcnow()
    with sessions() as session:
        for name, values in (
            ("fresh", {"schedule_interval_minutes": 60, "last_synced_at": now}),
            ("late", {"schedule_interval_minutes": 60, "last_synced_at": now - timedelta(hours=3)}),
            ("cron", {"schedule_cron": "0 3 * * *", "last_synced_at": now - timedelta(hours=26)}),
            ("manual", {"last_synced_at": now - timedelta(days=30)}),
            ("off", {"schedule_interval_minutes": 5, "enabled": False}),
        ):
            session.add(
                Instance(
                    name=name,
                    base_url="https://x",
                    created_at=now - timedelta(days=40),
                    updated_at=now,
                    **values,
                )
            )
        session.flush()
        ids = {i.name: i.id for i in session.query(Instance)}
        for status, ago in (("failed", 30), ("failed", 2), ("succeeded", 1)):
            session.add(
                SyncRun(
                    instance_id=ids["late"],
                    status=status,
                    started_at=now - timedelta(hours=ago),
                    error_kind="refused",
                )
            )
        session.add(SyncRequest(instance_id=ids["late"], requested_at=now))
        session.add(SyncRun(instance_id=ids["fresh"], status="failed", started_at=now))
        session.commit()
    with sessions() as session:
        health = {h.instance.name: h for h in instances_health(session)}
    assert {n for n, h in health.items() if h.late} == {"late", "cron"}
    assert health["late"].state == "ok" and health["late"].failures_24h == 1
    assert health["late"].waiting_requests == 1
    assert health["fresh"].state == "failed" and health["manual"].state == "never"
