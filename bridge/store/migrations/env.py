"""Alembic environment for the core and for each plugin: the URL, the version table and the
models' MetaData come from `bridge.store.migrate.alembic_config`.

Autogenerate compares only the tables of the history's own MetaData, so that the core never
proposes dropping a plugin's tables, nor a plugin the core's (a table removed from the models
is dropped by a revision written by hand).
"""

from alembic import context

from bridge.store.db import make_engine

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
metadata = config.attributes.get("target_metadata")


def include_name(name, type_, parent_names) -> bool:
    return type_ != "table" or metadata is None or name in metadata.tables


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=config.attributes.get("version_table", "alembic_version"),
            include_name=include_name,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
