"""The plugin context every hook receives, and each plugin's own checked settings."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bridge.config import Settings
from bridge.hookspecs import hookimpl
from bridge.plugin_settings import PluginSettingsError
from bridge.pluginhost import PluginHost
from bridge.store.models import AuditEntry, Instance, Project
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


@dataclass(frozen=True)
class ToySettings:
    greeting: str = "bonjour"
    every_minutes: int = 15
    ratio: float = 0.5
    loud: bool = False
    tags: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.every_minutes < 1:
            raise ValueError("every_minutes must be at least 1")


class Toy:
    """A plugin that records what its hooks were given."""

    def __init__(self):
        self.seen = {}

    @hookimpl
    def settings_model(self):
        return ToySettings

    @hookimpl
    def admin_menu(self, context):
        self.seen["admin_menu"] = context
        return []

    @hookimpl
    def seed_demo(self, context):
        with context.transaction() as session:
            session.add(
                Instance(name="toy", base_url="https://toy.example", locale="fr", **_times())
            )
            context.audit(session, "toy.add", "instance:toy", {"name": "toy"})


def _times():
    from bridge.timeutil import utcnow

    return {"created_at": utcnow(), "updated_at": utcnow()}


def _host(table=None, **kwargs) -> PluginHost:
    plugins = {"enabled": []} | ({"toy": table} if table is not None else {})
    settings = Settings(database_url="sqlite://", plugins=plugins)
    return PluginHost([], extra={"toy": kwargs.pop("plugin", Toy())}, settings=settings, **kwargs)


def test_a_plugin_gets_its_settings_with_defaults_and_values_checked():
    host = _host({"greeting": "salut", "ratio": 2, "tags": ["a"], "labels": {"x": "y"}})
    config = host.context("toy").config
    assert config == ToySettings(greeting="salut", ratio=2, tags=["a"], labels={"x": "y"})
    assert _host().context("toy").config == ToySettings()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"greting": "x"}, "plugin toy: unknown setting [plugins.toy] greting"),
        ({"every_minutes": "15"}, "plugin toy: setting [plugins.toy] every_minutes must be"),
        ({"every_minutes": True}, "plugin toy: setting [plugins.toy] every_minutes must be"),
        ({"loud": "yes"}, "plugin toy: setting [plugins.toy] loud must be true or false"),
        ({"tags": "a"}, "plugin toy: setting [plugins.toy] tags must be a list"),
        ({"tags": [1]}, "plugin toy: setting [plugins.toy] tags must be text"),
        ({"labels": {"x": 1}}, "plugin toy: setting [plugins.toy] labels x must be text"),
        ({"limit": "none"}, "plugin toy: setting [plugins.toy] limit must be int | None"),
        ({"every_minutes": 0}, "plugin toy: [plugins.toy] every_minutes must be at least 1"),
        ("oops", "[plugins.toy] must be a table"),
    ],
)
def test_wrong_plugin_settings_stop_the_start_naming_plugin_and_key(table, message):
    with pytest.raises(PluginSettingsError) as caught:
        _host(table)
    assert message in str(caught.value)


def test_a_plugin_without_a_settings_model_takes_no_settings():
    class Bare:
        @hookimpl
        def admin_menu(self):
            return []

    with pytest.raises(PluginSettingsError, match="plugin toy takes no settings"):
        _host({"anything": 1}, plugin=Bare())
    assert _host(plugin=Bare()).context("toy").config is None


def test_every_hook_gets_its_own_plugins_context(sqlite_url):
    from bridge.store.db import make_engine, make_sessionmaker

    toy = Toy()
    sessions = make_sessionmaker(make_engine(sqlite_url))
    host = PluginHost([], extra={"toy": toy}, sessions=sessions, actor="cli")
    host.collect("admin_menu")
    context = toy.seen["admin_menu"]
    assert (context.name, context.config, context.identity) == ("toy", ToySettings(), None)
    assert context.has_role("admin")  # outside a request: the operator holds every role
    host.call("seed_demo")
    with sessions() as session:
        assert session.scalar(select(Instance.name)) == "toy"
        entry = session.scalar(select(AuditEntry))
    assert (entry.actor, entry.action, entry.target) == ("cli", "toy.add", "instance:toy")
    assert entry.after == {"name": "toy"}


def test_a_transaction_rolls_back_when_the_block_raises(sqlite_url):
    from bridge.store.db import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(sqlite_url))
    context = PluginHost([], sessions=sessions).context("core")
    with pytest.raises(RuntimeError), context.transaction() as session:
        session.add(Instance(name="gone", base_url="https://x.example", locale="fr", **_times()))
        session.flush()
        raise RuntimeError("stop")
    with sessions() as session:
        assert session.scalar(select(Instance)) is None


def test_records_by_instance_resource_and_remote_id(sqlite_url):
    from bridge.store.db import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(sqlite_url))
    with running_simulator() as sim:
        add_instance(sessions, sim.url)
        from bridge.sync.engine import SyncEngine

        assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
    records = PluginHost([], sessions=sessions).context("core").records
    with sessions() as session:
        project = session.scalars(select(Project).order_by(Project.id)).first()
        count = len(session.scalars(select(Project)).all())
    found = records.get("ivry", "projects", project.remote_id)
    assert (found.id, found.title) == (project.id, project.title)
    found.title = {"fr": "changed"}  # detached: never written
    assert records.get("ivry", "projects", project.remote_id).title == project.title
    assert records.get("ivry", "projects", "no-such-id") is None
    assert records.get("elsewhere", "projects", project.remote_id) is None
    walked = list(records.iterate("ivry", "projects", batch=3))
    assert len(walked) == count and [r.id for r in walked] == sorted(r.id for r in walked)
    with pytest.raises(ValueError, match="no synced resource 'envelopes'"):
        records.get("ivry", "envelopes", "1")


def test_a_bare_host_never_opens_a_database_of_its_own():
    from bridge.context import NoDatabase

    with pytest.raises(NoDatabase):
        PluginHost([]).context("core").sessions  # noqa: B018


def test_the_budget_declares_its_settings():
    from plugins.budget.settings import BudgetSettings

    good = Settings(plugins={"enabled": ["budget"], "budget": {"columns": {"amount": "TTC"}}})
    assert PluginHost(["budget"], settings=good).context("budget").config == BudgetSettings(
        {"amount": "TTC"}
    )
    bad = Settings(plugins={"budget": {"columns": {"montant": "TTC"}}})
    with pytest.raises(PluginSettingsError, match="plugin budget: .* no column 'montant'"):
        PluginHost(["budget"], settings=bad)


def test_bridge_refuses_to_start_with_wrong_plugin_settings(tmp_path):
    config = tmp_path / "city.toml"
    config.write_text(
        f'database_url = "sqlite:///{tmp_path}/city.db"\n'
        '[plugins]\nenabled = ["budget"]\n[plugins.budget]\ncurrency = "EUR"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    for args in (["db", "upgrade"], ["budget", "envelope", "list"], ["--help"]):
        done = subprocess.run(
            [sys.executable, "-m", "bridge.cli", "--config", str(config), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 0, (args, done.stdout)
        assert "plugin budget: unknown setting [plugins.budget] currency" in done.stderr
        assert "Traceback" not in done.stderr
