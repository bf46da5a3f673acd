"""The budget's migrations over data written before them, and the move of a database made
before each plugin had its own version table (core and budget both in `alembic_version`)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker, normalise_url
from bridge.store.migrate import (
    CORE_HISTORY,
    MIGRATIONS,
    current,
    plugin_histories,
    script,
    upgrade,
)
from bridge.store.models import Project
from bridge.sync.engine import SyncEngine
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, LedgerLine
from simulator.testing import running_simulator
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.sync.test_engine import SETTINGS, add_instance

BUDGET_FOLDERS = PluginHost(["budget"]).call("migrations_path")


@pytest.fixture(params=["sqlite", "postgres"])
def bare_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/old.db"
    if not POSTGRES_URL:
        pytest.skip("BRIDGE_TEST_POSTGRES_URL is not set")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


def old_layout(url: str) -> Config:
    """The configuration of the bridge before the split: one script directory holding the core's
    and the budget's revisions, one `alembic_version` table for both."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option(
        "version_locations", " ".join([str(MIGRATIONS / "versions"), *BUDGET_FOLDERS])
    )
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["database_url"] = normalise_url(url)
    return cfg


def synced_with_allocations(url: str, budget_revision: str, sim_url: str):
    """An old database at `budget_revision`, synced, with an envelope whose project was filed
    twice by the old sync and two lines on the first allocation."""
    config = old_layout(url)
    command.upgrade(config, "core@head")
    command.upgrade(config, budget_revision)
    sessions = make_sessionmaker(make_engine(url))
    add_instance(sessions, sim_url)
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
                    "amount_cents, reference, imported_at, applies_to) VALUES (:id, 1, 1, :kind, "
                    "'2023-01-10', :cents, :ref, CURRENT_TIMESTAMP, :kind)"
                    if budget_revision != "b1_budget"
                    else "INSERT INTO budget_ledger (id, envelope_id, allocation_id, kind, day, "
                    "amount_cents, reference, imported_at) VALUES (:id, 1, 1, :kind, "
                    "'2023-01-10', :cents, :ref, CURRENT_TIMESTAMP)"
                ),
                {"id": line_id, "kind": kind, "cents": cents, "ref": f"R{line_id}"},
            )
        session.commit()
    return sessions, project


def test_b2_keeps_lines_and_keys_one_allocation_per_project(bare_url):
    with running_simulator() as sim:
        sessions, project = synced_with_allocations(bare_url, "b1_budget", sim.url)
    upgrade(bare_url, BUDGET_FOLDERS)
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


def test_a_database_of_one_version_table_moves_the_budget_to_its_own(bare_url):
    with running_simulator() as sim:
        sessions, _ = synced_with_allocations(bare_url, "budget@head", sim.url)
    engine = make_engine(bare_url)
    with engine.connect() as connection:
        before = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
    core_head = script(CORE_HISTORY).get_current_head()  # any later core migration too
    assert before == {core_head, "b2_sources_kinds"}  # the layout of the previous bridge

    upgrade(bare_url, BUDGET_FOLDERS)
    upgrade(bare_url, BUDGET_FOLDERS)  # the second time moves nothing
    with engine.connect() as connection:
        core = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
        budget = connection.scalars(text("SELECT version_num FROM alembic_version_budget")).all()
    engine.dispose()
    history = plugin_histories(BUDGET_FOLDERS)[0]
    assert core == [core_head] and budget == [script(history).get_current_head()]
    assert current(bare_url, [history]) == {"core": (core_head,), "budget": tuple(budget)}
    with sessions() as session:  # the envelope, its allocations and its lines are all there
        assert session.scalar(select(Allocation.id).where(Allocation.id == 2)) == 2
        assert (for_envelopes(session)[1].committed, for_envelopes(session)[1].paid) == (
            5_000_000,
            2_000_000,
        )
