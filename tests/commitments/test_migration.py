"""The plugin's migration makes exactly the tables its models describe (SQLite, PostgreSQL),
and its CHECK constraints refuse a status or an evidence kind the code does not know."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from bridge.store.db import normalise_url
from plugins.commitments.models import Base


def test_the_migration_matches_the_models(database_url):
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in diff if "commitments" in repr(d) and "alembic_version" not in repr(d)]
    assert ours == []
    engine.dispose()


def test_the_database_refuses_an_unknown_status(sessions):
    with pytest.raises(IntegrityError), sessions() as s, s.begin():
        s.execute(
            text("insert into commitments_mandates (name, created_at) values ('M', :t)"),
            {"t": datetime(2023, 1, 1)},
        )
        s.execute(
            text(
                "insert into commitments (mandate_id, ref, theme, title, status,"
                " status_changed_at, created_at, updated_at)"
                " select id, 'E', 'T', 'X', 'maybe', :t, :t, :t from commitments_mandates"
            ),
            {"t": datetime(2023, 1, 1)},
        )
