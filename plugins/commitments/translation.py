"""The commitments plugin's gettext catalog (translations/, domain "commitments"), over the
core's, and the French typography of its pages."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response

from bridge.plugin import catalog, current_language

CATALOG = catalog(Path(__file__).parent / "translations", "commitments")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext

# a plain space before : ; ! ? » (then a space, a tag, a quote, a closing mark or the end),
# and after «
BEFORE = re.compile(r" ([:;!?»])(?=[\s<\"'.,)\]]|$)")
AFTER = re.compile(r"« ")
TAG = re.compile(r"(<[^>]*>)")


def french_spacing(text: str) -> str:
    """A narrow no-break space (U+202F) before : ; ! ? » and after «, between tags only."""
    return "".join(
        part if part.startswith("<") else AFTER.sub("«\u202f", BEFORE.sub("\u202f\\1", part))
        for part in TAG.split(text)
    )


def use_catalog(blueprint: Blueprint) -> None:
    """`blueprint`'s templates read this catalog; its French HTML pages get French spacing."""
    blueprint.before_request(CATALOG.use_for_request)

    @blueprint.after_request
    def typeset(response: Response) -> Response:
        if (
            current_language() == "fr"
            and response.mimetype == "text/html"
            and not response.direct_passthrough
        ):
            response.set_data(french_spacing(response.get_data(as_text=True)))
        return response
