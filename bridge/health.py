"""The health of each instance's syncs, read in a few grouped queries: what the dashboard and
the instance list show (last run, last success, failures of the day, late instances)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.store.models import Instance, SyncRequest, SyncRun
from bridge.timeutil import utcnow

# An instance synced by a crontab is late after this long without a success.
CRON_LATE_AFTER = timedelta(hours=25)


@dataclass(frozen=True)
class InstanceHealth:
    instance: Instance
    last_run: SyncRun | None
    failures_24h: int
    waiting_requests: int
    late: bool

    @property
    def state(self) -> str:
        """never, running, ok or failed: the badge of the instance list."""
        if self.last_run is None:
            return "never"
        return {"succeeded": "ok", "running": "running"}.get(self.last_run.status, "failed")


def late(instance: Instance, now: datetime) -> bool:
    """A scheduled, active instance with no success for twice its interval (25 h for a
    crontab); never for an instance synced only on demand."""
    if not instance.enabled or instance.archived_at is not None:
        return False
    if instance.schedule_interval_minutes:
        allowed = timedelta(minutes=2 * instance.schedule_interval_minutes)
    elif instance.schedule_cron:
        allowed = CRON_LATE_AFTER
    else:
        return False
    since = instance.last_synced_at or instance.created_at
    return now - since > allowed


def instances_health(session: Session, *, archived: bool = True) -> list[InstanceHealth]:
    now = utcnow()
    query = select(Instance).order_by(Instance.name)
    if not archived:
        query = query.where(Instance.archived_at.is_(None))
    instances = list(session.scalars(query))
    last_ids = select(func.max(SyncRun.id)).group_by(SyncRun.instance_id)
    last_runs = {
        r.instance_id: r for r in session.scalars(select(SyncRun).where(SyncRun.id.in_(last_ids)))
    }
    failures = dict(
        session.execute(
            select(SyncRun.instance_id, func.count())
            .where(SyncRun.status == "failed", SyncRun.started_at > now - timedelta(days=1))
            .group_by(SyncRun.instance_id)
        ).all()
    )
    waiting = dict(
        session.execute(
            select(SyncRequest.instance_id, func.count())
            .where(SyncRequest.picked_at.is_(None))
            .group_by(SyncRequest.instance_id)
        ).all()
    )
    return [
        InstanceHealth(
            instance=i,
            last_run=last_runs.get(i.id),
            failures_24h=failures.get(i.id, 0),
            waiting_requests=waiting.get(i.id, 0),
            late=late(i, now),
        )
        for i in instances
    ]
