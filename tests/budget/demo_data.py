"""A database as the demo leaves it: one sync of the Ivry stand-in, its changes delivered to the
plugins, then the demo seed of every plugin enabled by default (the budget's, the committees')."""

from __future__ import annotations

from pathlib import Path

from bridge.config import Settings
from bridge.pluginhost import PluginHost
from bridge.store.db import make_engine, make_sessionmaker
from bridge.testing import migrated_database, sync_stand_in
from simulator.testing import running_simulator


def demo_budget_database(folder: Path, *, seed_twice: bool = False) -> str:
    plugins = Settings().enabled_plugins
    url = migrated_database("sqlite", folder, plugins)
    sessions = make_sessionmaker(make_engine(url))
    host = PluginHost(plugins, sessions=sessions)
    with running_simulator() as sim:
        sync_stand_in(sessions, host, sim, published=True)
    for _ in range(2 if seed_twice else 1):
        host.call("seed_demo")
    return url
