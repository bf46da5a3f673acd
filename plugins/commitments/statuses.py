"""A commitment's five statuses, their words in French and English, and the words a city's
spreadsheet may use for each."""

from __future__ import annotations

import unicodedata

from bridge.plugin import N_

# In the order of the booklet: what was kept first.
STATUSES = ("done", "in_progress", "on_hold", "broken", "not_started")
NAMES = {
    "done": N_("Done"),
    "in_progress": N_("In progress or partly done"),
    "on_hold": N_("On hold"),
    "broken": N_("Broken"),
    "not_started": N_("Not started"),
}
# bar and badge colours (SVG fill attributes): contrast >= 3:1 on white, told apart by text too
COLOURS = {
    "done": "#1a7f37",
    "in_progress": "#0969da",
    "on_hold": "#9a6700",
    "broken": "#cf222e",
    "not_started": "#6e7781",
}
# folded words (lower case, no accent) a spreadsheet may write -> status
WORDS = {
    "done": "done",
    "realise": "done",
    "realisee": "done",
    "tenu": "done",
    "fait": "done",
    "termine": "done",
    "in_progress": "in_progress",
    "in progress": "in_progress",
    "en cours": "in_progress",
    "partiellement realise": "in_progress",
    "en partie realise": "in_progress",
    "en cours ou en partie realise": "in_progress",
    "engage": "in_progress",
    "on_hold": "on_hold",
    "on hold": "on_hold",
    "en attente": "on_hold",
    "en suspens": "on_hold",
    "suspendu": "on_hold",
    "reporte": "on_hold",
    "broken": "broken",
    "non tenu": "broken",
    "abandonne": "broken",
    "renonce": "broken",
    "not_started": "not_started",
    "not started": "not_started",
    "a venir": "not_started",
    "a faire": "not_started",
    "restant a faire": "not_started",
    "reste a faire": "not_started",
    "non commence": "not_started",
    "pas encore engage": "not_started",
}


def fold(text: str) -> str:
    """'Réalisé ' -> 'realise': what is compared, whatever the accents and the case."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower().replace("’", "'"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(folded.replace("-", " ").split())


def parse(text: str) -> str | None:
    """The status a spreadsheet's word means, or None."""
    return WORDS.get(fold(text))
