"""A plugin's own settings (`[plugins.NAME]`), checked at start against the dataclass the
plugin declares (`settings_model` hook), so that a typo fails loudly instead of being ignored.

Field types understood: str, int, float, bool, list[T], dict[str, T] and `T | None`. A
dataclass's `__post_init__` may refuse a value by raising ValueError with a short reason.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any


class PluginSettingsError(ValueError):
    """The settings of one plugin are wrong; the message names the plugin and the key."""


def validate(plugin: str, model: type | None, raw: Any) -> Any:
    """The plugin's settings object built from its `[plugins.NAME]` table (None when it
    declares no settings and none were given)."""
    where = f"[plugins.{plugin}]"
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise PluginSettingsError(f"{where} must be a table of settings, not {raw!r}")
    if model is None:
        if raw:
            keys = ", ".join(sorted(raw))
            raise PluginSettingsError(f"plugin {plugin} takes no settings; {where} has: {keys}")
        return None
    if not dataclasses.is_dataclass(model):
        raise PluginSettingsError(f"plugin {plugin}: settings_model must return a dataclass")
    hints = typing.get_type_hints(model)
    known = {f.name for f in dataclasses.fields(model) if f.init}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PluginSettingsError(
            f"plugin {plugin}: unknown setting {where} {unknown[0]}"
            f" (known: {', '.join(sorted(known)) or 'none'})"
        )
    for key, value in raw.items():
        problem = _mismatch(value, hints[key])
        if problem:
            raise PluginSettingsError(f"plugin {plugin}: setting {where} {key} {problem}")
    try:
        return model(**raw)
    except (ValueError, TypeError) as exc:
        raise PluginSettingsError(f"plugin {plugin}: {where} {exc}") from exc


def _mismatch(value: Any, kind: Any) -> str | None:
    """Why `value` is not of type `kind`, or None when it is."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if all(_mismatch(value, option) for option in options):
            return f"must be {_name(kind)}, not {value!r}"
        return None
    if kind is type(None):
        return None if value is None else f"must be empty, not {value!r}"
    if kind is Any:
        return None
    if origin is list:
        if not isinstance(value, list):
            return f"must be a list, not {value!r}"
        (item,) = typing.get_args(kind) or (Any,)
        return next((p for v in value if (p := _mismatch(v, item))), None)
    if origin is dict:
        if not isinstance(value, dict):
            return f"must be a table, not {value!r}"
        _, item = typing.get_args(kind) or (str, Any)
        for k, v in value.items():
            if p := _mismatch(v, item):
                return f"{k} {p}"
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return None  # TOML writes 5 for 5.0
    if kind in (int, float) and isinstance(value, bool):
        return f"must be {_name(kind)}, not {value!r}"
    if isinstance(kind, type) and not isinstance(value, kind):
        return f"must be {_name(kind)}, not {value!r}"
    return None


def _name(kind: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false"}.get(
        kind, getattr(kind, "__name__", str(kind))
    )
