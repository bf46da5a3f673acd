"""The committees' own gettext catalog (plugins/committees/translations, domain "committees"),
over the core's."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from bridge.plugin import catalog, formatting

CATALOG = catalog(Path(__file__).parent / "translations", "committees")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext


def french_pages(blueprint: Blueprint) -> None:
    """`blueprint`'s templates read the committees' catalog; its French pages get French spacing."""
    formatting.french_pages(blueprint, CATALOG)
