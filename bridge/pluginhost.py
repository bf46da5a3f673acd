"""Find, enable and call plugins, so that one failing plugin never takes the core down."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
from sqlalchemy.orm import Session, sessionmaker

from bridge import hookspecs
from bridge.config import Settings
from bridge.context import NoDatabase, PluginContext
from bridge.plugin_settings import validate
from bridge.store.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)


class PluginHost:
    """The enabled plugins of a deployment and a safe way to call their hooks.

    Each hook implementation that names a `context` argument gets its plugin's
    `PluginContext`, built here from `settings` and `sessions`. Without `sessions` the host
    opens the database of `settings` on first use (and refuses if it was given no settings at
    all: a test's bare host must not open `var/bridge.db`). `actor` names who acts in the audit
    log outside a request ("cli" for commands).
    """

    def __init__(
        self,
        enabled: list[str] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        settings: Settings | None = None,
        sessions: sessionmaker[Session] | None = None,
        actor: str = "system",
    ):
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.settings = settings if settings is not None else Settings()
        self._has_database = settings is not None or sessions is not None
        self._sessions = sessions
        self.actor = actor
        self.installed: dict[str, str] = {}
        self.enabled = list(enabled or [])
        for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
            self.installed[ep.name] = ep.value
            if ep.name in self.enabled:
                self._register(ep.name, ep.load)
        for name, plugin in (extra or {}).items():  # tests and embedding code
            self.installed.setdefault(name, repr(plugin))
            self._register(name, lambda plugin=plugin: plugin)
        missing = set(self.enabled) - set(self.installed)
        if missing:
            log.warning("enabled plugin(s) not installed: %s", ", ".join(sorted(missing)))
        loaded = {name for name, _ in self.manager.list_name_plugin()}
        log.info(
            "plugins enabled: %s; installed but not enabled: %s",
            ", ".join(sorted(loaded)) or "none",
            ", ".join(sorted(set(self.installed) - loaded)) or "none",
        )
        self.configs = self._validated_configs()

    def _register(self, name: str, load) -> None:
        try:
            self.manager.register(load(), name=name)
        except Exception:  # noqa: BLE001 - a broken plugin is logged, not fatal
            log.exception("plugin %s could not be loaded; it stays disabled", name)

    def _validated_configs(self) -> dict[str, Any]:
        """Each registered plugin's `[plugins.NAME]` checked against its `settings_model`.
        Wrong settings are not a plugin failing: they stop the start (PluginSettingsError)."""
        configs = {}
        for name, plugin in self.manager.list_name_plugin():
            hook = getattr(plugin, "settings_model", None)
            model = _call(hook, context=self._context(name, None)) if callable(hook) else None
            configs[name] = validate(name, model, self.settings.plugins.get(name))
        return configs

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            if not self._has_database:
                raise NoDatabase("this plugin host was given no settings and no sessions")

            self._sessions = make_sessionmaker(make_engine(self.settings.database_url))
        return self._sessions

    def context(self, name: str) -> PluginContext:
        """The context of plugin `name` ("core" for the core's own features)."""
        return self._context(name, self.configs.get(name))

    def _context(self, name: str, config: Any) -> PluginContext:
        return PluginContext(
            name,
            self.settings,
            lambda: self.sessions,
            config,
            self.actor,
            self._translations(name),
            lambda: self,
        )

    def _translations(self, name: str) -> Path | None:
        """The plugin's `translations/` folder, beside its module (None for the core)."""
        module = self.manager.get_plugin(name)
        path = getattr(module, "__file__", None)
        return Path(path).parent / "translations" if path and name != "core" else None

    def call(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of `hook`; one that raises is logged and skipped. Each
        gets its plugin's `context` when it asks for it."""
        return [result for _, result in self._call_each(hook, kwargs)]

    def collect_owned(self, hook: str, **kwargs: Any) -> list[tuple[PluginContext, Any]]:
        """As `collect`, each item with the context of the plugin that gave it: its labels
        are msgids of that plugin's catalog (`context.catalog`)."""
        return [
            (context, item) for context, result in self._call_each(hook, kwargs) for item in result
        ]

    def _call_each(self, hook: str, kwargs: dict[str, Any]) -> list[tuple[PluginContext, Any]]:
        results = []
        caller = getattr(self.manager.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            given = dict(kwargs)
            context = self.context(impl.plugin_name)
            if "context" in impl.argnames:
                given["context"] = context
            try:
                result = impl.function(**{k: given[k] for k in impl.argnames})
            except Exception:  # noqa: BLE001 - isolation is the point
                log.exception(
                    "plugin %s failed in %s; skipped for this call", impl.plugin_name, hook
                )
                continue
            if result is not None:
                results.append((context, result))
        return results

    def collect(self, hook: str, **kwargs: Any) -> list[Any]:
        """For hooks that return lists: one flat list from every plugin."""
        return [item for result in self.call(hook, **kwargs) for item in result]

    def migration_folders(self) -> dict[str, str]:
        """Every installed plugin's Alembic folder, enabled or not.

        Alembic must see the branch of a plugin a deployment disabled after upgrading, or it
        cannot read the database's version table; only enabled branches are upgraded.
        """
        folders = {}
        for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
            try:
                hook = getattr(ep.load(), "migrations_path", None)
                if callable(hook) and (folder := _call(hook, context=self.context(ep.name))):
                    folders[ep.name] = folder
            except Exception:  # noqa: BLE001 - a broken plugin must not block migrations
                log.exception("plugin %s: cannot read its migrations", ep.name)
        return folders

    def describe(self, *, with_hooks: bool = False) -> list[dict[str, Any]]:
        """Installed plugins and whether this deployment enabled them (for the admin UI); with
        `hooks`, the hooks each implements (None when a disabled plugin cannot be loaded)."""
        loaded = dict(self.manager.list_name_plugin())
        out = []
        for name, module in sorted(self.installed.items()):
            item = {"name": name, "module": module, "enabled": name in loaded}
            if with_hooks:
                item["hooks"] = self._hooks(name, loaded.get(name))
            out.append(item)
        return out

    def _hooks(self, name: str, plugin: Any) -> list[str] | None:
        if plugin is not None:
            return sorted(c.name for c in self.manager.get_hookcallers(plugin) or [])
        for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):  # disabled: read, not register
            if ep.name == name:
                try:
                    module = ep.load()
                except Exception:  # noqa: BLE001 - a broken plugin is shown as such, not fatal
                    log.exception("plugin %s cannot be loaded", name)
                    return None
                mark = hookspecs.PROJECT + "_impl"  # the attribute pluggy's hookimpl sets
                return sorted(a for a in dir(module) if hasattr(getattr(module, a), mark))
        return None


def _call(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a hook function outside pluggy (a plugin not registered) with the arguments it
    names, as pluggy would."""
    names = inspect.signature(func).parameters
    return func(**{k: v for k, v in kwargs.items() if k in names})


def host_for(
    settings: Settings,
    sessions: sessionmaker[Session] | None = None,
    *,
    actor: str = "system",
    extra: dict[str, Any] | None = None,
) -> PluginHost:
    """The plugins a deployment enabled (`[plugins] enabled = [...]` or BRIDGE_PLUGINS), and
    the plugin objects of `extra` (tests), with their settings checked (PluginSettingsError
    when one is wrong)."""
    return PluginHost(
        settings.enabled_plugins, extra=extra, settings=settings, sessions=sessions, actor=actor
    )
