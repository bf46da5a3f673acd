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
    downgrade,
    plugin_histories,
    script,
    upgrade,
)
from bridge.store.models import Project, Space
from bridge.sync.engine import SyncEngine
from bridge.testing import add_instance
from bridge.testing.stand_in import SYNC_SETTINGS as SETTINGS
from plugins.budget.figures import for_envelopes
from plugins.budget.models import Allocation, EnvelopeSource, LedgerLine
from simulator.testing import running_simulator
from tests.conftest import POSTGRES_URL, reset_postgres

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
        if budget_revision != "b1_budget":
            session.execute(
                text(
                    "INSERT INTO budget_envelope_sources (envelope_id, instance_id, space_id) "
                    "VALUES (1, :i, :s)"
                ),
                {"i": project.instance_id, "s": project.space_id},
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
        sessions, project = synced_with_allocations(bare_url, "b2_sources_kinds", sim.url)
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
        keys = session.execute(
            select(Allocation.instance, Allocation.project_remote_id).order_by(Allocation.id)
        ).all()
        assert keys == [("ivry", project.remote_id)] * 2  # b3: stable keys from the ids
        [source] = session.scalars(select(EnvelopeSource)).all()
        space = session.get(Space, project.space_id)
        assert (source.instance, source.space_type, source.space_remote_id) == (
            "ivry",
            space.space_type,
            space.remote_id,
        )
        assert source.component_remote_id is None
        assert (for_envelopes(session)[1].committed, for_envelopes(session)[1].paid) == (
            5_000_000,
            2_000_000,
        )

    # b3 is reversible: the ids come back from the keys
    downgrade(bare_url, history, "b2_sources_kinds", [history])
    engine = make_engine(bare_url)
    with engine.connect() as connection:
        assert connection.execute(
            text("SELECT id, project_id FROM budget_allocations ORDER BY id")
        ).all() == [(1, project.id), (2, project.id)]
        assert connection.execute(
            text("SELECT instance_id, space_id, component_id FROM budget_envelope_sources")
        ).all() == [(project.instance_id, project.space_id, None)]
    engine.dispose()
    upgrade(bare_url, BUDGET_FOLDERS)


def test_autogenerate_of_one_history_sees_none_of_the_others_tables(database_url):
    """On a database with every table, the core's models and the budget's each match their own
    migrations, and neither proposes to drop (or touch) the other's tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bridge.store.migrate import CORE_HISTORY, own_tables
    from bridge.store.models import Base as CoreBase
    from plugins.budget.models import Base as BudgetBase

    [budget] = plugin_histories(BUDGET_FOLDERS)
    engine = make_engine(database_url)
    # SQLite keeps VARCHAR where PostgreSQL got TEXT (core 0005): types compared on PostgreSQL
    compare_type = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        for history, metadata in ((CORE_HISTORY, CoreBase.metadata), (budget, BudgetBase.metadata)):
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": own_tables(metadata),
                    "compare_type": compare_type,
                    "version_table": history.version_table,
                },
            )
            assert compare_metadata(context, metadata) == [], history.name

        # what the filter keeps out: without it, each would drop the other's tables
        unfiltered = compare_metadata(MigrationContext.configure(connection), CoreBase.metadata)
        assert "budget_envelopes" in {d[1].name for d in unfiltered if d[0] == "remove_table"}
        unfiltered = compare_metadata(MigrationContext.configure(connection), BudgetBase.metadata)
        assert "instances" in {d[1].name for d in unfiltered if d[0] == "remove_table"}
    engine.dispose()
    assert (CORE_HISTORY.version_table, budget.version_table) == (
        "alembic_version",
        "alembic_version_budget",
    )
    assert not set(CoreBase.metadata.tables) & set(BudgetBase.metadata.tables)
