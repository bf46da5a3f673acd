"""Alembic environment for the core and for each plugin: the URL, the version table and the
models' MetaData come from `bridge.store.migrate.alembic_config`.

Autogenerate compares only the tables of the history's own MetaData, so that the core never
proposes dropping a plugin's tables, nor a plugin the core's (a table removed from the models
is dropped by a revision written by hand).

On SQLite, foreign keys are off while migrations run (Alembic's advice for batch mode: a
table is rebuilt under a new name, which a table pointing at it would otherwise forbid) and
checked once at the end: a migration that leaves a dangling key fails.
"""

from alembic import context

from bridge.store.db import make_engine
from bridge.store.migrate import own_tables

config = context.config
given = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
if not given:  # alembic_config always sets one; a hand-made config must too
    raise RuntimeError("no database URL: set sqlalchemy.url or the database_url attribute")
url: str = given
metadata = config.attributes.get("target_metadata")


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # before any transaction: SQLite ignores this pragma inside one
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # so that Alembic begins (and commits) its own transaction
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=config.attributes.get("version_table", "alembic_version"),
            include_name=own_tables(metadata),
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration left dangling foreign keys: {broken[:5]}")
    engine.dispose()


run_migrations_online()
