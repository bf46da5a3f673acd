"""The commitments plugin's gettext catalog (translations/, domain "commitments"), over the
core's."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from bridge.plugin import catalog, formatting

CATALOG = catalog(Path(__file__).parent / "translations", "commitments")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext


def use_catalog(blueprint: Blueprint) -> None:
    """`blueprint`'s templates read the commitments' catalog; French pages get French spacing."""
    formatting.french_pages(blueprint, CATALOG)
