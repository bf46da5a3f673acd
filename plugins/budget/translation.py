"""The budget's own gettext catalog (plugins/budget/translations, domain "budget"), over the
core's: `_` and `ngettext` for its Python code, and its pages' templates (`use_catalog`)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from bridge.plugin import catalog

# the catalog the budget's PluginContext translates with too (context.gettext)
CATALOG = catalog(Path(__file__).parent / "translations", "budget")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext
pgettext = CATALOG.pgettext


def use_catalog(blueprint: Blueprint) -> None:
    """The templates of `blueprint`'s pages (`_()`, `ngettext()`) read the budget's catalog."""
    blueprint.before_request(CATALOG.use_for_request)
