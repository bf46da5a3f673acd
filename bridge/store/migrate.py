"""`bridge db`: Alembic, configured in code so that no alembic.ini has to be found.

The core and each plugin keep separate Alembic histories, so that one never sees, upgrades or
autogenerates another's tables: the core's revisions live in `migrations/versions` and are
recorded in `alembic_version`; a plugin's live in the folder its `migrations_path` hook names
and are recorded in `alembic_version_<name>`, where the name is the branch label of the plugin's
first revision. A plugin revision that reads or needs core tables names the core revision it
needs with a module attribute `core_revision = "0001"`: the core is upgraded first, a plugin is
not upgraded past what the core has, and the core is not downgraded below what a plugin uses.

Databases made before the split recorded every history in `alembic_version`;
`split_version_table` moves the plugins' rows to their own tables, once, before any upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, text

from bridge.store.db import make_engine, normalise_url

CORE = "core"
MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationError(Exception):
    """A migration refused before it started, with a sentence for the person who asked."""


@dataclass(frozen=True)
class History:
    """The revisions of the core or of one plugin, and the table recording where a database is."""

    name: str
    folder: str

    @property
    def version_table(self) -> str:
        return "alembic_version" if self.name == CORE else f"alembic_version_{self.name}"


CORE_HISTORY = History(CORE, str(MIGRATIONS / "versions"))


def alembic_config(
    database_url: str, history: History = CORE_HISTORY, metadata: MetaData | None = None
) -> Config:
    """An Alembic configuration for one history. `metadata` (the models' tables) is needed
    only to autogenerate or check; the core's is the default for the core."""
    if metadata is None and history.name == CORE:
        from bridge.store.models import Base

        metadata = Base.metadata
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("version_locations", history.folder)
    cfg.set_main_option("path_separator", "newline")
    cfg.attributes["database_url"] = normalise_url(database_url)
    cfg.attributes["version_table"] = history.version_table
    cfg.attributes["target_metadata"] = metadata
    return cfg


def own_tables(metadata: MetaData | None) -> Callable[..., bool]:
    """Alembic's `include_name` for one history: only the tables of its own MetaData, so that
    autogenerate never proposes dropping another history's tables (nor its version table)."""

    def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
        return type_ != "table" or metadata is None or name in metadata.tables

    return include_name


def script(history: History) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://", history, MetaData()))


def plugin_histories(locations: Iterable[str]) -> list[History]:
    """The history of each plugin migrations folder, named by its first revision's label."""
    histories = []
    for folder in locations:
        found = script(History("?", folder))
        try:
            bases = found.get_bases()
            list(found.walk_revisions())
        except KeyError as exc:  # a depends_on naming a core revision, as before the split
            raise MigrationError(
                f"{folder}: a revision names {exc} outside the plugin's own history; name the "
                'core revision a plugin needs with core_revision = "...", not depends_on'
            ) from None
        labels = {label for base in bases for label in found.get_revision(base).branch_labels}
        if len(labels) != 1:
            raise MigrationError(
                f"{folder}: the first revision must have one branch label, the plugin's name"
            )
        histories.append(History(labels.pop(), folder))
    return histories


def split_version_table(database_url: str, plugins: list[History]) -> dict[str, list[str]]:
    """Move the plugins' rows from `alembic_version` to their own tables (databases made before
    each plugin had its own); returns what moved, by plugin. Does nothing the second time."""
    moved: dict[str, list[str]] = {}
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return moved
            rows = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
            for history in plugins:
                ids = {revision.revision for revision in script(history).walk_revisions()}
                if not (mine := sorted(rows & ids)):
                    continue
                table = _version_table(history.version_table)
                table.create(connection, checkfirst=True)
                for revision in mine:
                    connection.execute(table.insert().values(version_num=revision))
                    connection.execute(
                        text("DELETE FROM alembic_version WHERE version_num = :r"), {"r": revision}
                    )
                moved[history.name] = mine
    finally:
        engine.dispose()
    return moved


def _version_table(name: str) -> Table:
    """The table Alembic itself would create (alembic.runtime.migration)."""
    return Table(
        name,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{name}_pkc"),
    )


def current(database_url: str, histories: list[History]) -> dict[str, tuple[str, ...]]:
    """Where the database is, per history (an empty tuple: never upgraded)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                h.name: MigrationContext.configure(
                    connection, opts={"version_table": h.version_table}
                ).get_current_heads()
                for h in [CORE_HISTORY, *histories]
            }
    finally:
        engine.dispose()


def _core_applied(core_heads: Iterable[str]) -> set[str]:
    heads = tuple(core_heads)
    if not heads:
        return set()
    return {r.revision for r in script(CORE_HISTORY).iterate_revisions(heads, "base")}


def _needs(history: History, heads: Iterable[str]) -> set[str]:
    """The core revisions the plugin's revisions up to `heads` need."""
    heads = tuple(heads)
    if not heads:
        return set()
    found = script(history)
    needs = set()
    for revision in found.iterate_revisions(heads, "base"):
        if need := getattr(revision.module, "core_revision", None):
            needs.add(need)
    return needs


def upgrade(
    database_url: str,
    plugin_locations: list[str] | None = None,
    plugins: list[str] | None = None,
) -> None:
    """Upgrade the core, then each plugin's history found in `plugin_locations`.

    `plugins` names the plugins to upgrade (the enabled ones); None upgrades every one found.
    The core always comes first, whatever a plugin needs.
    """
    histories = plugin_histories(plugin_locations or [])
    split_version_table(database_url, histories)
    command.upgrade(alembic_config(database_url), "heads")
    for history in histories:
        if plugins is None or history.name in plugins:
            upgrade_plugin(database_url, history)


def upgrade_core(database_url: str, plugin_locations: list[str] | None = None) -> None:
    split_version_table(database_url, plugin_histories(plugin_locations or []))
    command.upgrade(alembic_config(database_url), "heads")


def upgrade_plugin(database_url: str, history: History, revision: str = "heads") -> None:
    """Upgrade one plugin, refused when it would need a core revision the database lacks."""
    split_version_table(database_url, [history])
    found = script(history)
    targets = found.get_heads() if revision == "heads" else [revision]
    missing = _needs(history, targets) - _core_applied(current(database_url, [])[CORE])
    if missing:
        raise MigrationError(
            f"plugin {history.name} needs core revision {', '.join(sorted(missing))}: "
            "run `bridge db upgrade --core` first"
        )
    command.upgrade(alembic_config(database_url, history), revision)


def downgrade(database_url: str, history: History, revision: str, others: list[History]) -> None:
    """Downgrade one history to `revision` (an id, or `base`). The core is not taken below a
    revision that a plugin's applied revisions need (`others`: the installed plugins)."""
    if history.name == CORE:
        split_version_table(database_url, others)
        keep = set() if revision == "base" else _core_applied([revision])
        where = current(database_url, others)
        for plugin in others:
            if lost := _needs(plugin, where[plugin.name]) - keep:
                raise MigrationError(
                    f"plugin {plugin.name} uses core revision {', '.join(sorted(lost))}: "
                    f"downgrade it first (`bridge db downgrade --plugin {plugin.name} REV`)"
                )
    else:
        split_version_table(database_url, [history])
    command.downgrade(alembic_config(database_url, history), revision)
