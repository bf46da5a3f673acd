"""What the writer's tests write into: an instance's run, one space and one proposals component."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bridge.store.models import Component, Space, SyncRun


def run_and_component(
    session: Session, instance_id: int, now: datetime
) -> tuple[int, dict[str, Any]]:
    """A run of `instance_id` and a proposals component in a space; returns the run's id and the
    columns that place a record in that component (`place`, as the writer takes it). Commits."""
    run = SyncRun(instance_id=instance_id, started_at=now, warnings=[], progress={})
    space = Space(
        instance_id=instance_id,
        remote_id="1",
        space_type="participatory_process",
        title={"fr": "Climat"},
        fingerprint="x",
        first_seen_at=now,
        last_seen_at=now,
        steps=[],
    )
    session.add_all([run, space])
    session.flush()
    component = Component(
        instance_id=instance_id,
        remote_id="10",
        space_id=space.id,
        manifest="Proposals",
        name={"fr": "Propositions"},
        fingerprint="x",
        first_seen_at=now,
        last_seen_at=now,
    )
    session.add(component)
    session.commit()
    return run.id, {"component_id": component.id, "space_id": space.id}
