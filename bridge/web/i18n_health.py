"""Words of the pages about sync health and an instance's life (dashboard, instance list and
page, publish, archive, delete), French first."""

from __future__ import annotations

from bridge.web.i18n import current_language

NNBSP = "\u202f"

WORDS = {
    "fr": {
        "dashboard": "Tableau de bord",
        "colon": "{nnbsp}: ",
        "version_unknown": "pas encore connue (testez la connexion)",
        "dashboard_intro": "L’état des synchronisations de chaque instance.",
        "scheduler": "Planificateur",
        "scheduler_alive": "Planificateur actif (dernier signe de vie le {when}).",
        "scheduler_stale": "Aucun planificateur actif depuis le {when}{nnbsp}: les "
        "synchronisations demandées ne partiront pas.",
        "scheduler_never": "Aucun planificateur n’a jamais tourné{nnbsp}: les synchronisations "
        "demandées ne partiront pas. Lancez «{nnbsp}bridge serve{nnbsp}» (planificateur "
        "intégré) ou «{nnbsp}bridge scheduler{nnbsp}».",
        "instance": "Instance",
        "last_run": "Dernière synchronisation",
        "last_success": "Dernier succès",
        "failures_24h": "Échecs (24{nnbsp}h)",
        "warnings": "Avertissements",
        "waiting_requests": "Demandes en attente",
        "state": "État",
        "ok": "réussie",
        "failed": "échec",
        "running": "en cours",
        "never_run": "jamais synchronisée",
        "stale": "en retard",
        "stale_hint": "Pas de synchronisation réussie depuis plus de deux fois l’intervalle prévu.",
        "plugin_failing": "Extension {name}{nnbsp}: ",
        "plugin_failing_hint": "{attempts} échec(s) d’affilée sur les changements, "
        "{waiting} changement(s) en attente. Voir les extensions.",
        "published": "publiée",
        "unpublished": "non publiée",
        "archived": "archivée",
        "disabled": "synchronisations arrêtées",
        "none": "—",
        "no_instance": "Aucune instance pour l’instant.",
        "all_instances": "Toutes les instances",
        "publication": "Publication sur le site public",
        "publish_hint": "Une instance n’est visible des habitants qu’une fois publiée.",
        "publish": "Publier sur le site public",
        "unpublish": "Retirer du site public",
        "now_published": "L’instance est publiée sur le site public.",
        "now_unpublished": "L’instance n’est plus visible sur le site public.",
        "archive_title": "Archiver ou supprimer",
        "archive_hint": "Archiver arrête les synchronisations et cache l’instance du site "
        "public{nnbsp}; ses données sont gardées.",
        "archive": "Archiver l’instance",
        "unarchive": "Désarchiver l’instance",
        "now_archived": "Instance archivée{nnbsp}: plus de synchronisation, plus visible sur "
        "le site public, données gardées.",
        "now_unarchived": "Instance désarchivée. Les synchronisations planifiées restent "
        "arrêtées{nnbsp}: réactivez-les dans les réglages.",
        "archived_since": "Archivée le {when}{nnbsp}: plus de synchronisation, cachée du site "
        "public, données gardées.",
        "delete": "Supprimer l’instance…",
        "delete_title": "Supprimer l’instance {name}",
        "delete_warning": "La suppression efface définitivement l’instance et {total} "
        "enregistrements synchronisés ou réglages qui lui appartiennent{nnbsp}:",
        "delete_keep": "Le journal d’audit est gardé. Les allocations du budget de suivi "
        "gardent leurs montants mais perdent leur lien avec Decidim.",
        "delete_confirm_label": "Pour confirmer, tapez le nom de l’instance ({name})",
        "delete_button": "Supprimer définitivement",
        "delete_mismatch": "Le nom tapé ne correspond pas{nnbsp}: rien n’a été supprimé.",
        "deleted": "Instance {name} supprimée ({total} enregistrements effacés).",
        "cancel": "Annuler",
        "archived_no_sync": "Cette instance est archivée{nnbsp}: elle n’est plus synchronisée.",
        "reason": "Raison",
        "technical_detail": "Détail technique",
        "tables": {
            "proposals": "propositions",
            "projects": "projets",
            "budgets": "budgets",
            "results": "résultats",
            "meetings": "rencontres",
            "debates": "débats",
            "spaces": "espaces participatifs",
            "components": "composants",
            "categories": "catégories",
            "scopes": "secteurs",
            "changes": "changements enregistrés",
            "sync_runs": "synchronisations",
            "sync_requests": "demandes de synchronisation",
            "sync_locks": "verrous de synchronisation",
            "sync_exclusions": "réglages de synchronisation",
            "scope_neighbourhoods": "correspondances de quartiers",
            "category_themes": "correspondances de thèmes",
        },
    },
    "en": {
        "dashboard": "Dashboard",
        "colon": ": ",
        "version_unknown": "not known yet (test the connection)",
        "dashboard_intro": "The state of each instance's syncs.",
        "scheduler": "Scheduler",
        "scheduler_alive": "Scheduler running (last sign of life on {when}).",
        "scheduler_stale": "No scheduler running since {when}: requested syncs will not start.",
        "scheduler_never": "No scheduler has ever run: requested syncs will not start. "
        "Start “bridge serve” (embedded scheduler) or “bridge scheduler”.",
        "instance": "Instance",
        "last_run": "Last sync",
        "last_success": "Last success",
        "failures_24h": "Failures (24 h)",
        "warnings": "Warnings",
        "waiting_requests": "Waiting requests",
        "state": "State",
        "ok": "succeeded",
        "failed": "failed",
        "running": "running",
        "never_run": "never synced",
        "stale": "late",
        "stale_hint": "No successful sync for more than twice the planned interval.",
        "plugin_failing": "Plugin {name}: ",
        "plugin_failing_hint": "{attempts} failure(s) in a row on the changes, "
        "{waiting} change(s) waiting. See the plugins.",
        "published": "published",
        "unpublished": "not published",
        "archived": "archived",
        "disabled": "syncs stopped",
        "none": "—",
        "no_instance": "No instance yet.",
        "all_instances": "All instances",
        "publication": "Publication on the public site",
        "publish_hint": "Residents see an instance only once it is published.",
        "publish": "Publish on the public site",
        "unpublish": "Remove from the public site",
        "now_published": "The instance is published on the public site.",
        "now_unpublished": "The instance is no longer shown on the public site.",
        "archive_title": "Archive or delete",
        "archive_hint": "Archiving stops the syncs and hides the instance from the public "
        "site; its data is kept.",
        "archive": "Archive the instance",
        "unarchive": "Unarchive the instance",
        "now_archived": "Instance archived: no more syncs, hidden from the public site, data kept.",
        "now_unarchived": "Instance unarchived. Scheduled syncs stay off: switch them on in "
        "the settings.",
        "archived_since": "Archived on {when}: no more syncs, hidden from the public site, "
        "data kept.",
        "delete": "Delete the instance…",
        "delete_title": "Delete the instance {name}",
        "delete_warning": "Deleting erases for good the instance and {total} synced records "
        "or settings that belong to it:",
        "delete_keep": "The audit log is kept. Follow-up budget allocations keep their "
        "amounts but lose their link to Decidim.",
        "delete_confirm_label": "To confirm, type the instance's name ({name})",
        "delete_button": "Delete for good",
        "delete_mismatch": "The name typed does not match: nothing was deleted.",
        "deleted": "Instance {name} deleted ({total} records erased).",
        "cancel": "Cancel",
        "archived_no_sync": "This instance is archived: it is no longer synced.",
        "reason": "Reason",
        "technical_detail": "Technical detail",
        "tables": {
            "proposals": "proposals",
            "projects": "projects",
            "budgets": "budgets",
            "results": "results",
            "meetings": "meetings",
            "debates": "debates",
            "spaces": "participatory spaces",
            "components": "components",
            "categories": "categories",
            "scopes": "scopes",
            "changes": "recorded changes",
            "sync_runs": "sync runs",
            "sync_requests": "sync requests",
            "sync_locks": "sync locks",
            "sync_exclusions": "sync settings",
            "scope_neighbourhoods": "neighbourhood mappings",
            "category_themes": "theme mappings",
        },
    },
}


def health_words() -> dict:
    """This module's words in the request's language, `{nnbsp}` already filled in."""
    words = WORDS[current_language()]
    return {
        key: value.replace("{nnbsp}", NNBSP) if isinstance(value, str) else value
        for key, value in words.items()
    }
