"""How the audit log page says the plugin's actions, French first."""

from __future__ import annotations

from bridge.plugin import AuditWording

WORDING = AuditWording(
    actions={
        "commitments.mandate.create": {
            "fr": "{who} a créé le mandat «\u202f{after[name]}\u202f»",
            "en": "{who} created the mandate “{after[name]}”",
        },
        "commitments.commitment.create": {
            "fr": "{who} a ajouté l’engagement {after[ref]} «\u202f{after[title]}\u202f»",
            "en": "{who} added the commitment {after[ref]} “{after[title]}”",
        },
        "commitments.commitment.edit": {
            "fr": "{who} a modifié l’engagement {target}",
            "en": "{who} edited the commitment {target}",
        },
        "commitments.commitment.status": {
            "fr": "{who} a changé le statut de l’engagement {target}\u202f: {after[reason]}",
            "en": "{who} changed the status of the commitment {target}: {after[reason]}",
        },
        "commitments.evidence.add": {
            "fr": "{who} a ajouté une preuve à l’engagement {target}\u202f: {after[label]}",
            "en": "{who} added evidence to the commitment {target}: {after[label]}",
        },
        "commitments.evidence.remove": {
            "fr": "{who} a retiré une preuve de l’engagement {target}\u202f: {before[label]}",
            "en": "{who} removed evidence from the commitment {target}: {before[label]}",
        },
        "commitments.import": {
            "fr": "{who} a importé un tableur d’engagements\u202f: {after[create]} créé(s), "
            "{after[update]} modifié(s)",
            "en": "{who} imported a spreadsheet of commitments: {after[create]} created, "
            "{after[update]} changed",
        },
        "commitments.demo": {
            "fr": "{who} a amorcé les engagements de démonstration",
            "en": "{who} seeded the demo commitments",
        },
    },
    labels={
        "commitments.mandate.create": {"fr": "création de mandat", "en": "new mandate"},
        "commitments.commitment.create": {"fr": "ajout d’engagement", "en": "new commitment"},
        "commitments.commitment.edit": {
            "fr": "modification d’engagement",
            "en": "commitment edited",
        },
        "commitments.commitment.status": {"fr": "statut d’engagement", "en": "commitment status"},
        "commitments.evidence.add": {"fr": "ajout de preuve", "en": "evidence added"},
        "commitments.evidence.remove": {"fr": "retrait de preuve", "en": "evidence removed"},
        "commitments.import": {"fr": "import d’engagements", "en": "commitments import"},
        "commitments.demo": {"fr": "engagements de démonstration", "en": "demo commitments"},
    },
    fields={
        "ref": {"fr": "numéro", "en": "number"},
        "theme": {"fr": "thème", "en": "theme"},
        "title": {"fr": "engagement", "en": "commitment"},
        "description": {"fr": "description", "en": "description"},
        "status": {"fr": "statut", "en": "status"},
    },
    values={
        "done": {"fr": "réalisé", "en": "done"},
        "in_progress": {"fr": "en cours ou en partie réalisé", "en": "in progress or partly done"},
        "on_hold": {"fr": "en suspens", "en": "on hold"},
        "broken": {"fr": "non tenu", "en": "broken"},
        "not_started": {"fr": "pas encore engagé", "en": "not started"},
    },
)
