"""`bridge db upgrade`: Alembic, configured in code so that no alembic.ini has to be found."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bridge.store.db import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, extra_locations: list[str] | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions"), *(extra_locations or [])]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["database_url"] = normalise_url(database_url)
    return cfg


def upgrade(
    database_url: str,
    plugin_locations: list[str] | None = None,
    plugins: list[str] | None = None,
) -> None:
    """Upgrade the core branch, then each plugin's branch (a plugin has its own Alembic branch,
    labelled with its name, whose `depends_on` names the core revision it needs).

    `plugins` names the branches to upgrade (the enabled plugins); None upgrades every branch
    found in `plugin_locations`. The core always comes first, whatever a plugin depends on.
    """
    config = alembic_config(database_url, plugin_locations)
    if plugins is None:
        command.upgrade(config, "heads")
        return
    for branch in ["core", *plugins]:
        command.upgrade(config, f"{branch}@head")
