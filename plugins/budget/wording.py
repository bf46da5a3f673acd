"""The budget's audit actions as sentences on the audit log page (the `audit_wording` hook)."""

from __future__ import annotations

from bridge.plugin import AuditWording

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
            "fr": "{who} a importé {after[lines]} lignes du fichier « {after[file]} »",
            "en": "{who} imported {after[lines]} lines from the file “{after[file]}”",
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
