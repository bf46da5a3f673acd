"""`bridge db` per history: the core and each plugin upgrade, downgrade and show their own
revision, and neither is left needing what the other no longer has."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from bridge.store.db import make_engine
from bridge.store.migrate import CORE_HISTORY, MigrationError, script, upgrade
from tests.cli.test_cli import bridge


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_core_and_plugin_each_on_their_own_version_table(tmp_path):
    url = f"sqlite:///{tmp_path}/bridge.db"

    refused = bridge("db", "upgrade", "--plugin", "budget", database_url=url)
    assert refused.returncode == 1 and "needs core revision 0001" in refused.stderr
    assert "budget_envelopes" not in tables(url)

    bridge("db", "upgrade", "--core", database_url=url, check=True)
    assert "instances" in tables(url) and "budget_envelopes" not in tables(url)
    shown = bridge("db", "current", database_url=url, check=True).stdout
    assert "budget: none" in shown

    bridge("db", "upgrade", "--plugin", "budget", database_url=url, check=True)
    assert {"alembic_version", "alembic_version_budget", "budget_envelopes"} <= tables(url)
    shown = bridge("db", "current", database_url=url, check=True).stdout.splitlines()
    core_head = script(CORE_HISTORY).get_current_head()
    assert shown[0].startswith(f"core: {core_head} (alembic_version)")
    assert shown[1].startswith("budget: b") and "(alembic_version_budget)" in shown[1]

    refused = bridge("db", "downgrade", "base", database_url=url)
    assert refused.returncode == 1 and "plugin budget uses core revision 0001" in refused.stderr
    assert "instances" in tables(url)

    bridge("db", "downgrade", "--plugin", "budget", "base", database_url=url, check=True)
    assert "budget_envelopes" not in tables(url) and "instances" in tables(url)
    before = script(CORE_HISTORY).get_revision(core_head).down_revision
    bridge("db", "downgrade", before, database_url=url, check=True)
    assert f"core: {before} " in bridge("db", "current", database_url=url, check=True).stdout

    bridge("db", "upgrade", database_url=url, check=True)
    assert "budget: none" not in bridge("db", "current", database_url=url, check=True).stdout

    unknown = bridge("db", "downgrade", "--plugin", "nope", "base", database_url=url)
    assert unknown.returncode == 1 and "no plugin 'nope'" in unknown.stderr


def test_a_plugin_revision_depending_on_a_core_revision_is_named(tmp_path):
    """Before the split a plugin named the core revision with Alembic's depends_on; now that
    revision is outside its history, and the message says what to write instead."""
    folder = tmp_path / "old_plugin"
    folder.mkdir()
    (folder / "p1.py").write_text(
        'revision = "p1"\ndown_revision = None\nbranch_labels = ("old_plugin",)\n'
        'depends_on = "0001"\n\n\ndef upgrade():\n    pass\n'
    )
    url = f"sqlite:///{tmp_path}/bridge.db"
    with pytest.raises(MigrationError, match="core_revision"):
        upgrade(url, [str(folder)])
    assert "instances" not in tables(url)  # refused before anything ran
