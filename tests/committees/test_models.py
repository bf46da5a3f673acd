"""The committees' tables: the migration builds exactly what the models declare and removes it
again, and the models' small rules (a seat held on a day, where an owner's reminders go)."""

from __future__ import annotations

from datetime import date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine
from bridge.store.migrate import CORE_HISTORY, current, downgrade, own_tables, plugin_histories
from plugins.committees.models import (
    ActionItem,
    ActionItemResult,
    Base,
    Committee,
    Member,
    Membership,
)

FOLDERS = PluginHost(["committees"]).call("migrations_path")
NOW = datetime(2026, 12, 1, 9, 0)


def test_the_migration_builds_the_models_tables_and_removes_them(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        migration = MigrationContext.configure(
            connection, opts={"include_name": own_tables(Base.metadata)}
        )
        assert compare_metadata(migration, Base.metadata) == []  # autogenerate sees nothing
    history = plugin_histories(FOLDERS)[0]
    assert current(database_url, [history])["committees"] == ("committees_2",)  # h7: reminders

    downgrade(database_url, history, "base", [CORE_HISTORY])
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert not {t for t in tables if t.startswith("committees")}
    assert "results" in tables  # the core stays


def test_a_committee_holds_members_meetings_and_action_items_linked_by_stable_keys(sessions):
    with sessions() as session:
        committee = Committee(
            slug="vegetalisation",
            name="Comité de suivi Végétalisation",
            priority="Végétaliser la ville",
            created_at=NOW,
            updated_at=NOW,
        )
        member = Member(
            name="Awa Diallo",
            kind="resident",
            email="awa@example.org",
            created_at=NOW,
            updated_at=NOW,
        )
        seat = Membership(
            committee=committee, member=member, role="secretary", starts_on=date(2022, 1, 1)
        )
        given = ActionItem(
            committee=committee,
            title="Planter 50 arbres",
            owner_name="Direction des espaces verts",
            owner_email="espaces.verts@example.org",
            created_at=NOW,
            updated_at=NOW,
        )
        given.results.append(ActionItemResult(instance="ivry", result_remote_id="42"))
        owned = ActionItem(
            committee=committee,
            title="Vergers partagés",
            owner_member=member,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add_all([committee, seat, given, owned])
        session.commit()
        assert seat.current(date(2026, 1, 1)) and not seat.current(date(2021, 12, 31))
        seat.ends_on = date(2025, 12, 31)
        assert not seat.current(date(2026, 1, 1))
        assert given.owner_address() == "espaces.verts@example.org"
        assert owned.owner_address() == "awa@example.org"
        assert [(r.instance, r.result_remote_id) for r in given.results] == [("ivry", "42")]
        assert (given.status, given.progress) == ("to_do", 0)
