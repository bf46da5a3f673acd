"""The plugin system, end to end, with the tutorial's example plugin installed by pip."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select

from bridge.app import create_app
from bridge.config import Settings
from bridge.delivery import Delivery
from bridge.hookspecs import hookimpl
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.migrate import upgrade
from bridge.store.models import AuditEntry, Change, Instance
from bridge.sync.engine import SyncEngine
from bridge.testing import add_instance
from bridge.testing.stand_in import SYNC_SETTINGS as SETTINGS
from simulator.testing import running_simulator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "changes_digest"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """pip-install the example plugin into a folder put on sys.path (its entry point with it)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))


def test_installed_is_not_enabled(installed):
    host = PluginHost([])
    assert {
        "name": "changes_digest",
        "module": "changes_digest",
        "enabled": False,
    } in host.describe()
    assert host.call("migrations_path") == []


def test_every_hook_of_the_example_plugin(installed, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/bridge.db"
    plugins = {"enabled": ["changes_digest"], "changes_digest": {"log_cron": "30 5 * * *"}}
    settings = Settings(database_url=url, plugins=plugins)
    sessions = make_sessionmaker(make_engine(url))
    host = PluginHost(settings.enabled_plugins, settings=settings, sessions=sessions)

    # settings_model: [plugins.changes_digest] checked, then handed over as context.config.
    assert host.context("changes_digest").config.log_cron == "30 5 * * *"

    # migrations_path: `bridge db upgrade` creates the plugin's table on its own branch.
    upgrade(url, host.call("migrations_path"))
    assert inspect(make_engine(url)).has_table("changes_digest")

    # seed_demo, audited in the plugin's words (audit_wording).
    host.call("seed_demo")
    host.call("seed_demo")  # once only
    with sessions() as session:
        [entry] = session.scalars(select(AuditEntry)).all()
    assert (entry.actor, entry.action) == ("system", "changes_digest.seed")
    [(context, wording)] = host.collect_owned("audit_wording")
    assert "résumé" in context.catalog.in_language("fr").ugettext(wording.actions[entry.action])

    # sync_finished, then consume_changes: the delivery after a sync feeds the digest.
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS, plugins=host).run("ivry")
    assert run.status == "succeeded"
    [outcome] = Delivery(sessions, SETTINGS, host).run()
    assert outcome.plugin == "changes_digest" and outcome.delivered > 166
    from changes_digest.models import DigestRow

    with sessions() as session:
        counts = {r.resource: r.count for r in session.scalars(select(DigestRow))}
    assert (counts["proposals"], counts["demo"]) == (166, 1)

    # result_money and instance_deleting: the digest keeps no money and no row per instance.
    with sessions() as session:
        instance = session.scalar(select(Instance))
        assert host.call("result_money", session=session, instance=instance, results=[],
                         projects=[]) == [[]]  # fmt: skip
        assert host.call("instance_deleting", session=session, instance_id=instance.id) == []

    # blueprints, openapi_paths, public_links, admin_menu and exports, through the app.
    client = create_app(settings).test_client()
    digest = client.get("/digest/").get_json()["items"]
    assert {(d["resource"], d["count"]) for d in digest} >= {("proposals", 166)}
    assert client.get("/api/v1/digest").get_json()["items"] == digest
    assert "/digest" in client.get("/api/v1/openapi.json").get_json()["paths"]
    assert 'href="/digest/"' in client.get("/").get_data(as_text=True)
    plugins = client.get("/api/v1/plugins").get_json()
    assert plugins["admin_menu"][0]["label"]["fr"] == "Résumé des changements"
    csv = client.get("/api/v1/exports/changes-digest")
    assert csv.mimetype == "text/csv" and "proposals;166" in csv.get_data(as_text=True)

    # cli_commands: `bridge digest`.
    from bridge.cli import main

    monkeypatch.setenv("BRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("BRIDGE_PLUGINS", "changes_digest")
    result = CliRunner().invoke(main, ["digest"])
    assert result.exit_code == 0, result.output
    assert "proposals\t166" in result.output

    # scheduled_jobs: the scheduler adds them.
    from bridge.scheduler import Scheduler

    scheduler = Scheduler(settings, sessions, run_sync=lambda *a, **k: None)
    assert scheduler.add_plugin_jobs() == 1
    [job] = scheduler.aps.get_jobs()
    assert job.id == "plugin:changes-digest-log"
    assert "hour='5', minute='30'" in str(job.trigger)  # from [plugins.changes_digest]


def test_help_lists_the_commands_of_the_plugins_its_config_enables(installed, tmp_path):
    from bridge.cli import main

    def help_of(enabled: list[str]) -> str:
        config = tmp_path / f"{len(enabled)}.toml"
        database = f"sqlite:///{tmp_path}/bridge.db"
        text = f'database_url = "{database}"\n[plugins]\nenabled = {json.dumps(enabled)}\n'
        config.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["--config", str(config), "--help"])
        assert result.exit_code == 0, result.output
        return result.output

    assert " digest " in help_of(["budget", "changes_digest"])
    assert " budget " in help_of(["budget", "changes_digest"])
    assert " digest " not in help_of(["budget"])
    assert " budget " not in help_of([])


class Broken:
    """A plugin that raises in every hook it implements."""

    @hookimpl
    def consume_changes(self, changes):
        raise RuntimeError("boom")

    @hookimpl
    def sync_finished(self, context, run):
        raise RuntimeError("boom")

    @hookimpl
    def admin_menu(self):
        raise RuntimeError("boom")


class Counting:
    def __init__(self):
        self.changes = 0

    @hookimpl
    def consume_changes(self, changes):
        self.changes += len(changes)


def test_a_failing_plugin_never_breaks_a_sync_or_a_page(sqlite_url, caplog):
    counting = Counting()
    host = PluginHost([], extra={"broken": Broken(), "counting": counting})
    sessions = make_sessionmaker(make_engine(sqlite_url))
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS, plugins=host).run("ivry")
    assert run.status == "succeeded"
    outcomes = {o.plugin: o for o in Delivery(sessions, SETTINGS, host).run()}
    assert outcomes["broken"].failed and outcomes["broken"].delivered == 0
    with sessions() as session:
        logged = session.scalar(select(func.count()).select_from(Change))
    assert counting.changes == outcomes["counting"].delivered == logged  # the healthy one: all
    assert "plugin broken failed on changes 1-" in caplog.text
    assert "plugin broken failed in sync_finished" in caplog.text
    assert host.collect("admin_menu") == []


def test_settings_enable_plugins_from_toml_or_environment(tmp_path):
    path = tmp_path / "bridge.toml"
    path.write_text('[plugins]\nenabled = ["budget"]\n[plugins.budget]\ncurrency = "EUR"\n')
    settings = Settings.load(path, env={})
    assert settings.enabled_plugins == ["budget"]
    assert settings.plugins["budget"]["currency"] == "EUR"
    assert Settings.load(env={"BRIDGE_PLUGINS": "a, b"}).enabled_plugins == ["a", "b"]


def test_db_upgrade_follows_enabled_plugins_and_survives_disabling_one(tmp_path, monkeypatch):
    from bridge.cli import main

    url = f"sqlite:///{tmp_path}/bridge.db"
    monkeypatch.setenv("BRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("BRIDGE_PLUGINS", "budget")  # a plugin's branch alone used to stop
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0  # the core at 0001
    assert inspect(make_engine(url)).has_table("audit_log")
    url = f"sqlite:///{tmp_path}/second.db"
    monkeypatch.setenv("BRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("BRIDGE_PLUGINS", "")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    assert not inspect(make_engine(url)).has_table("budget_envelopes")
    assert inspect(make_engine(url)).has_table("audit_log")  # the core's newest revision
    monkeypatch.setenv("BRIDGE_PLUGINS", "budget")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    assert inspect(make_engine(url)).has_table("budget_envelopes")
    assert inspect(make_engine(url)).has_table("audit_log")
    monkeypatch.setenv("BRIDGE_PLUGINS", "")  # disabled after upgrading: still upgradable
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_a_plugin_module_keeps_its_hooks_after_its_submodules_are_imported():
    import importlib

    import plugins.budget as budget

    for name in ("api", "cli", "csvimport", "demo", "downloads", "figures", "public"):
        importlib.import_module(f"plugins.budget.{name}")
    host = PluginHost(["budget"])
    assert len(host.collect("exports")) == 5
    assert callable(budget.exports)
