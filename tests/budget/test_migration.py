"""The budget's b2 revision over data written before it: lines keep what they were, each
project keeps one allocation with its key, and the duplicates the old sync made stay visible."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text

from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import alembic_config
from bridge.store.models import Project
from bridge.sync.engine import SyncEngine
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, LedgerLine
from simulator.testing import running_simulator
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.sync.test_engine import SETTINGS, add_instance


@pytest.fixture(params=["sqlite", "postgres"])
def bare_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/old.db"
    if not POSTGRES_URL:
        pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


def test_b2_keeps_lines_and_keys_one_allocation_per_project(bare_url):
    config = alembic_config(bare_url, PluginHost(["budget"]).call("migrations_path"))
    command.upgrade(config, "core@head")
    command.upgrade(config, "b1_budget")
    sessions = make_sessionmaker(make_engine(bare_url))
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    with sessions() as session:
        project = session.scalar(select(Project).where(Project.selected.is_(True)).limit(1))
        session.execute(
            text(
                "INSERT INTO budget_envelopes (id, name, amount_cents, created_at) "
                "VALUES (1, 'Suites du vote', 70000000, CURRENT_TIMESTAMP)"
            )
        )
        for allocation_id in (1, 2):  # the old sync filed the project twice
            session.execute(
                text(
                    "INSERT INTO budget_allocations (id, envelope_id, label, amount_cents, "
                    "project_id, status, created_at) VALUES (:id, 1, 'Vergers', 12000000, :p, "
                    "'proposed', CURRENT_TIMESTAMP)"
                ),
                {"id": allocation_id, "p": project.id},
            )
        for line_id, kind, cents in ((1, "commitment", 5_000_000), (2, "payment", 2_000_000)):
            session.execute(
                text(
                    "INSERT INTO budget_ledger (id, envelope_id, allocation_id, kind, day, "
                    "amount_cents, reference, imported_at) VALUES (:id, 1, 1, :kind, "
                    "'2023-01-10', :cents, :ref, CURRENT_TIMESTAMP)"
                ),
                {"id": line_id, "kind": kind, "cents": cents, "ref": f"R{line_id}"},
            )
        session.commit()

    command.upgrade(config, "heads")
    with sessions() as session:
        lines = session.scalars(select(LedgerLine).order_by(LedgerLine.id)).all()
        assert [(li.kind, li.applies_to, li.cancels_id) for li in lines] == [
            ("commitment", "commitment", None),
            ("payment", "payment", None),
        ]
        figures = for_envelopes(session)[1]
        assert (figures.committed, figures.paid) == (5_000_000, 2_000_000)
        keys = dict(session.execute(select(Allocation.id, Allocation.project_key)).all())
        assert keys[1] == f"{sim.url}#project-{project.remote_id}" and keys[2] is None
