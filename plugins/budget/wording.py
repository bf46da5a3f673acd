"""The budget's audit actions as sentences on the audit log page (the `audit_wording` hook)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bridge.plugin import AuditWording


def singular(count: int, lang: str = "fr") -> bool:
    """In French 0 and 1 take the singular; in English only 1 does."""
    return abs(count) < 2 if lang == "fr" else abs(count) == 1


def plural(count: int, one: str, many: str, lang: str = "fr") -> str:
    """'1 ligne importée', '0 ligne importée', '2 lignes importées': the count and the words
    that agree with it."""
    return f"{count} {one if singular(count, lang) else many}"


class _Agreeing(str):
    """An audit sentence whose words agree with a count in `after` (the plural form is the
    string itself, for anything that reads it as text)."""

    one: str
    key: str
    lang: str

    def __new__(cls, one: str, many: str, key: str, lang: str = "fr") -> _Agreeing:
        made = super().__new__(cls, many)
        made.one, made.key, made.lang = one, key, lang
        return made

    # str's takes any mapping; the audit page gives a dict with `after` in it.
    def format_map(self, mapping: Mapping[str, Any]) -> str:  # type: ignore[override]
        try:
            count = int(mapping["after"][self.key])
        except (KeyError, TypeError, ValueError):
            count = 2
        return (self.one if singular(count, self.lang) else str(self)).format_map(mapping)


WORDING = AuditWording(
    actions={
        "budget.envelope.create": {
            "fr": "{who} a créé l'enveloppe « {after[name]} » de {after[amount]}",
            "en": "{who} created the envelope “{after[name]}” of {after[amount]}",
        },
        "budget.allocation.create": {
            "fr": "{who} a créé l'allocation n° {target} de {after[amount]}",
            "en": "{who} created the allocation no. {target} of {after[amount]}",
        },
        "budget.allocation.update": {
            "fr": "{who} a modifié l'allocation n° {target}",
            "en": "{who} changed the allocation no. {target}",
        },
        "budget.ledger.add": {
            "fr": "{who} a ajouté au grand livre\u202f: {after[kind]} de {after[amount]} "
            "du {after[date]}",
            "en": "{who} added to the ledger: {after[kind]} of {after[amount]} on {after[date]}",
        },
        "budget.ledger.delete": {
            "fr": "{who} a supprimé du grand livre\u202f: {before[kind]} de {before[amount]}",
            "en": "{who} deleted from the ledger: {before[kind]} of {before[amount]}",
        },
        "budget.import": {
            "fr": _Agreeing(
                "{who} a importé {after[lines]} ligne du fichier « {after[file]} »",
                "{who} a importé {after[lines]} lignes du fichier « {after[file]} »",
                "lines",
            ),
            "en": _Agreeing(
                "{who} imported {after[lines]} line from the file “{after[file]}”",
                "{who} imported {after[lines]} lines from the file “{after[file]}”",
                "lines",
                "en",
            ),
        },
    },
    labels={
        "budget.envelope.create": {
            "fr": "budget\u202f: création d'enveloppe",
            "en": "budget: envelope",
        },
        "budget.allocation.create": {
            "fr": "budget\u202f: création d'allocation",
            "en": "budget: allocation created",
        },
        "budget.allocation.update": {
            "fr": "budget\u202f: modification d'allocation",
            "en": "budget: allocation changed",
        },
        "budget.ledger.add": {"fr": "budget\u202f: ligne ajoutée", "en": "budget: line added"},
        "budget.ledger.delete": {
            "fr": "budget\u202f: ligne supprimée",
            "en": "budget: line deleted",
        },
        "budget.import": {"fr": "budget\u202f: import CSV", "en": "budget: CSV import"},
    },
    fields={
        "status": {"fr": "statut", "en": "status"},
        "amount": {"fr": "montant", "en": "amount", "unit": "\u00a0€"},
        "label": {"fr": "libellé", "en": "label"},
        "theme": {"fr": "thème", "en": "theme"},
        "neighbourhood": {"fr": "quartier", "en": "neighbourhood"},
    },
    values={
        "proposed": {"fr": "proposée", "en": "proposed"},
        "confirmed": {"fr": "confirmée", "en": "confirmed"},
        "commitment": {"fr": "engagement", "en": "commitment"},
        "payment": {"fr": "mandatement", "en": "payment"},
    },
)
