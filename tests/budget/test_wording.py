"""French plural agreement in the budget's messages and audit sentences: 0 and 1 take the
singular in French (1 ligne importée, 2 lignes importées), only 1 does in English."""

from __future__ import annotations

import pytest

from bridge.store.models import AuditEntry
from bridge.web.audit_text import Wording
from plugins.budget.figures import Figures
from plugins.budget.wording import WORDING, plural


@pytest.mark.parametrize(
    ("count", "lang", "text"),
    [
        (0, "fr", "0 ligne importée"),
        (1, "fr", "1 ligne importée"),
        (2, "fr", "2 lignes importées"),
        (0, "en", "0 lines imported"),
        (1, "en", "1 line imported"),
        (2, "en", "2 lines imported"),
    ],
)
def test_words_agree_with_the_count(count, lang, text):
    words = (
        ("ligne importée", "lignes importées")
        if lang == "fr"
        else ("line imported", "lines imported")
    )
    assert plural(count, *words, lang) == text


@pytest.mark.parametrize(
    ("lines", "fr", "en"),
    [
        (1, "a importé 1 ligne du fichier", "imported 1 line from the file"),
        (5, "a importé 5 lignes du fichier", "imported 5 lines from the file"),
    ],
)
def test_the_import_audit_sentence_agrees(lines, fr, en):
    entry = AuditEntry(
        actor="cli",
        action="budget.import",
        target="envelope:1",
        after={"file": "grand-livre.csv", "lines": lines, "envelope": "Climat"},
    )
    assert fr in Wording([WORDING], {}, "fr").sentence(entry)
    assert en in Wording([WORDING], {}, "en").sentence(entry)


def test_warnings_agree_with_their_counts():
    one = Figures(100, 0, 0, 0, upstream_changes=1, outside_years=1)
    assert one.warnings("fr") == [
        "1 montant de projet modifié dans Decidim après l’allocation",
        "1 ligne datée hors des années de l’enveloppe",
    ]
    assert Figures(100, 0, 0, 0, outside_years=3).warnings() == [
        "3 lines dated outside the envelope's years"
    ]
