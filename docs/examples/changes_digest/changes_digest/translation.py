"""The plugin's own gettext catalog (`translations/LANG/LC_MESSAGES/NAME.po`, compiled to `.mo`
beside it), over the core's: `_` for its Python code, and `use_catalog` so its pages'
templates (`{{ _("...") }}`) read it. msgids are English; French is in the catalog."""

from pathlib import Path

from bridge.plugin import Catalog
from flask import Blueprint

from changes_digest import NAME

CATALOG = Catalog(Path(__file__).parent / "translations", NAME)
_ = CATALOG.gettext
ngettext = CATALOG.ngettext


def use_catalog(blueprint: Blueprint) -> None:
    """The templates of `blueprint`'s pages read this catalog."""
    blueprint.before_request(CATALOG.use_for_request)
