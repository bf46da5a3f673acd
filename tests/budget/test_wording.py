"""French plural agreement in the budget's messages and audit sentences: 0 and 1 take the
singular in French (1 ligne importée, 2 lignes importées), only 1 does in English."""

from __future__ import annotations

import pytest

from bridge.store.models import AuditEntry
from bridge.web.audit_text import Wording
from plugins.budget.figures import Figures
from plugins.budget.translation import CATALOG
from plugins.budget.wording import WORDING


def sentence(lines: int, lang: str) -> str:
    """The import's audit sentence, worded through the budget's catalog as the page does."""
    entry = AuditEntry(
        actor="cli",
        action="budget.import",
        target="envelope:1",
        after={"file": "grand-livre.csv", "lines": lines, "envelope": "Climat"},
    )
    return Wording([(CATALOG, WORDING)], {}, lang).sentence(entry)


@pytest.mark.parametrize(
    ("count", "lang", "text"),
    [
        (0, "fr", "a importé 0 ligne du fichier"),
        (1, "fr", "a importé 1 ligne du fichier"),
        (2, "fr", "a importé 2 lignes du fichier"),
        (0, "en", "imported 0 lines from the file"),
        (1, "en", "imported 1 line from the file"),
        (2, "en", "imported 2 lines from the file"),
    ],
)
def test_words_agree_with_the_count(count, lang, text):
    assert text in sentence(count, lang)


@pytest.mark.parametrize(
    ("lines", "fr", "en"),
    [
        (1, "a importé 1 ligne du fichier", "imported 1 line from the file"),
        (5, "a importé 5 lignes du fichier", "imported 5 lines from the file"),
    ],
)
def test_the_import_audit_sentence_agrees(lines, fr, en):
    assert fr in sentence(lines, "fr")
    assert en in sentence(lines, "en")


def test_warnings_agree_with_their_counts():
    one = Figures(100, 0, 0, 0, upstream_changes=1, outside_years=1)
    assert one.warnings("fr") == [
        "1 montant de projet modifié dans Decidim après l’allocation",
        "1 ligne datée hors des années de l’enveloppe",
    ]
    assert Figures(100, 0, 0, 0, outside_years=3).warnings() == [
        "3 lines dated outside the envelope's years"
    ]
