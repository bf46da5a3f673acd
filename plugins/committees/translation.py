"""The committees' own gettext catalog (plugins/committees/translations, domain "committees"),
over the core's, and the French typography of its pages."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response

from bridge.plugin import catalog, current_language

CATALOG = catalog(Path(__file__).parent / "translations", "committees")
_ = CATALOG.gettext
ngettext = CATALOG.ngettext

# a plain space before : ; ! ? » (then a space, a tag, a quote or the end), and after «
BEFORE = re.compile(r" ([:;!?»])(?=[\s<\"']|$)")
AFTER = re.compile(r"« ")
TAG = re.compile(r"(<[^>]*>)")


def french_spacing(html: str) -> str:
    """A narrow no-break space (U+202F) before : ; ! ? » and after «, in text between tags
    only (a form's values stay as typed)."""
    return "".join(
        part if part.startswith("<") else AFTER.sub("«\u202f", BEFORE.sub("\u202f\\1", part))
        for part in TAG.split(html)
    )


def french_pages(blueprint: Blueprint) -> None:
    """`blueprint`'s templates read the committees' catalog; French pages get French spacing."""
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
