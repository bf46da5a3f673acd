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
    database_url: str, plugin_locations: list[str] | None = None, revision: str = "heads"
) -> None:
    """Upgrade the core branch and every plugin branch (each plugin has its own Alembic branch,
    with `depends_on` the core revision it needs)."""
    command.upgrade(alembic_config(database_url, plugin_locations), revision)
