"""A run closed as interrupted keeps the counts it had saved: its changes are in the store.

Found by a probe: a run killed after writing hundreds of records was closed with zero created,
zero updated, while the change feed listed every one of its changes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bridge.store.models import Instance, SyncRun
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


def test_an_interrupted_run_keeps_its_last_saved_counts(sessions):
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        with sessions() as session:
            started = utcnow() - timedelta(minutes=5)
            session.add(
                SyncRun(
                    instance_id=session.scalar(select(Instance.id)),
                    status="running",
                    started_at=started,
                    heartbeat_at=started,
                    warnings=[],
                    progress={
                        "done": [],
                        "pages": 9,
                        "records": {"created": 412, "updated": 3, "unchanged": 0, "removed": 1},
                    },
                )
            )
            session.commit()
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    with sessions() as session:
        killed = session.scalar(select(SyncRun).order_by(SyncRun.id))
    assert killed.status == "failed" and "interrupted" in killed.error
    assert (killed.created, killed.updated, killed.unchanged, killed.removed) == (412, 3, 0, 1)
