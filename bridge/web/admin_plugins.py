"""What the plugins page and `GET /api/v1/plugins` show: installed plugins, enabled or not, and
the hooks each implements."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import Any

from bridge import hookspecs
from bridge.pluginhost import PluginHost

log = logging.getLogger(__name__)
MARK = hookspecs.PROJECT + "_impl"  # the attribute pluggy's hookimpl decorator sets


def _declared_hooks(name: str) -> list[str] | None:
    """Hooks a disabled plugin declares: read from its module without registering it."""
    for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        if ep.name != name:
            continue
        try:
            module = ep.load()
        except Exception:  # noqa: BLE001 - a broken plugin is shown as such, not fatal
            log.exception("plugin %s cannot be loaded", name)
            return None
        return sorted(attr for attr in dir(module) if hasattr(getattr(module, attr), MARK))
    return None


def describe(host: PluginHost) -> list[dict[str, Any]]:
    """host.describe() with `hooks`: the hooks the plugin implements (None: unreadable)."""
    out = []
    for item in host.describe():
        plugin = host.manager.get_plugin(item["name"])
        if plugin is not None:
            hooks = sorted(c.name for c in host.manager.get_hookcallers(plugin) or [])
        else:
            hooks = _declared_hooks(item["name"])
        out.append({**item, "hooks": hooks})
    return out
