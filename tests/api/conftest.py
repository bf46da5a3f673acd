"""One synced database per database kind, shared by the API tests of a module."""

import pytest
from sqlalchemy import select

from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Instance
from bridge.sync.engine import SyncEngine
from bridge.timeutil import utcnow
from simulator.testing import running_simulator
from tests.conftest import _database_url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def synced(request, tmp_path_factory):
    """A database after one sync of the Ivry stand-in, and the stand-in's world."""
    url = _database_url(request.param, tmp_path_factory.mktemp("api"))
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with running_simulator() as sim:
        with sessions() as session:
            now = utcnow()
            session.add(
                Instance(
                    name="ivry",
                    base_url=sim.url,
                    rate_limit_per_minute=0,
                    schedule_interval_minutes=60,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.commit()
        run = SyncEngine(sessions, Settings(database_url=url)).run("ivry")
        assert run.status == "succeeded", run.error
        proposal = sim.world.visible("proposal", "1")[0]
        sim.world.edit_proposal(proposal["id"], votes=proposal["votes"] + 1)
        sim.world.unpublish("meeting", "1")
        run = SyncEngine(sessions, Settings(database_url=url)).run("ivry")
        assert run.status == "succeeded", run.error
        with sessions() as session:  # credentials the API must never show
            instance = session.scalar(select(Instance))
            instance.api_key, instance.api_secret = "key-123", "secret-456"
            session.commit()
        yield url, sim.world
    engine.dispose()


@pytest.fixture(scope="module")
def client(synced):
    url, _ = synced
    app = create_app(Settings(database_url=url))
    return app.test_client()
