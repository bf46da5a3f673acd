"""Find, enable and call plugins, so that one failing plugin never takes the core down."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Any

import pluggy

from bridge import hookspecs

log = logging.getLogger(__name__)


class PluginHost:
    """The enabled plugins of a deployment and a safe way to call their hooks."""

    def __init__(self, enabled: list[str] | None = None, *, extra: dict[str, Any] | None = None):
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
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

    def _register(self, name: str, load) -> None:
        try:
            self.manager.register(load(), name=name)
        except Exception:  # noqa: BLE001 - a broken plugin is logged, not fatal
            log.exception("plugin %s could not be loaded; it stays disabled", name)

    def call(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of `hook`; one that raises is logged and skipped."""
        results = []
        caller = getattr(self.manager.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception:  # noqa: BLE001 - isolation is the point
                log.exception(
                    "plugin %s failed in %s; skipped for this call", impl.plugin_name, hook
                )
                continue
            if result is not None:
                results.append(result)
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
                if callable(hook) and (folder := hook()):
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


def host_for(settings) -> PluginHost:
    """The plugins a deployment enabled (`[plugins] enabled = [...]` or BRIDGE_PLUGINS)."""
    return PluginHost(settings.enabled_plugins)
