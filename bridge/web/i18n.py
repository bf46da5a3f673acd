"""French first, English second: the words of the pages, and which language a request wants."""

from __future__ import annotations

from flask import Flask, request, session, url_for
from jinja2 import pass_context

LANGUAGES = ("fr", "en")

WORDS = {
    "fr": {
        "sign_in": "Se connecter",
        "sign_out": "Se déconnecter",
        "email": "Adresse e-mail",
        "password": "Mot de passe",
        "refused": "Adresse ou mot de passe incorrect, ou compte "
        "verrouillé après trop d'essais (réessayez dans 15 minutes).",
        "change_password": "Changer de mot de passe",
        "current_password": "Mot de passe actuel",
        "new_password": "Nouveau mot de passe (12 caractères au moins)",
        "password_changed": "Mot de passe changé.",
        "signed_in_as": "Connecté·e en tant que",
        "save": "Enregistrer",
        "other_language": "English",
        "home": "civic-bridge",
        "colon": "\u202f: ",
        "skip": "Aller au contenu",
        "what_happened": "Ce qui a été fait",
        "search": "Rechercher",
        "all_f": "Toutes",
        "process": "Processus ou assemblée",
        "proposal": "Proposition",
        "proposals_shown": "Propositions {first} à {last} sur {total}",
        "no_proposals": "Aucune proposition ne correspond.",
        "pages": "Pages",
        "previous_page": "Page précédente",
        "next_page": "Page suivante",
        "page_of": "Page {page} sur {pages}",
        "public_service": "Participation citoyenne",
        "admin_service": "Administration de la participation",
        "admin_menu": "Menu d'administration",
        "breadcrumbs": "Fil d'Ariane",
        "footer_data": "Données publiques issues de la plateforme Decidim de la ville",
        "public_site": "Site public",
        "admin_site": "Administration",
        "instances": "Instances Decidim",
        "add_instance": "Ajouter une instance",
        "name": "Nom",
        "base_url": "Adresse du site Decidim",
        "locale": "Langue principale",
        "interval": "Synchroniser toutes les N minutes",
        "cron": "ou selon un crontab",
        "rate_limit": "Requêtes par minute au plus",
        "version": "Version de Decidim",
        "last_sync": "Dernière synchronisation",
        "never": "jamais",
        "test_connection": "Tester la connexion",
        "sync_now": "Synchroniser maintenant",
        "runs": "Synchronisations",
        "status": "État",
        "started": "Début",
        "finished": "Fin",
        "counts": "Créés / modifiés / inchangés / retirés",
        "error": "Erreur",
        "proposals": "Propositions",
        "sync_requested": "Synchronisation demandée\u202f: elle démarre dans quelques secondes.",
        "waiting": "en attente",
        "state": "Réponse",
        "votes": "Votes",
        "published": "Publiée le",
        "back": "Retour",
        "account": "Mon compte",
        "edit_instance": "Modifier les réglages",
        "schedule_hint": "Laissez les deux champs du calendrier vides pour ne synchroniser "
        "qu'à la demande. 0 requête par minute\u202f: pas de limite.",
        "enabled_label": "Synchronisations planifiées actives",
        "saved": "Modifications enregistrées.",
        "schedule": "Calendrier",
        "cron_schedule": "selon le crontab",
        "every": "toutes les",
        "no_schedule": "à la demande seulement",
        "sync_state": "État",
        "enabled": "activée",
        "disabled": "désactivée",
        "unlimited": "sans limite",
        "changes": "Modifications reçues",
        "components_done": "Composants lus",
        "pages_read": "Pages lues",
        "audit": "Journal des modifications",
        "audit_intro": "Chaque écriture, par la page ou par l’API\u202f: qui, quand, quoi. "
        "Le détail (avant et après) est dans le fichier CSV.",
        "audit_csv": "Télécharger tout le journal (CSV)",
        "action": "Action",
        "actor": "Auteur",
        "target": "Objet",
        "no_audit": "Aucune entrée.",
        "spaces_synced": "Espaces synchronisés",
        "mappings": "Quartiers et thèmes",
        "spaces": "Processus et assemblées",
        "records_so_far": "Fiches nouvelles / modifiées / inchangées",
        "retries": "Nouvelles tentatives",
        "requests": "Requêtes",
        "changes_so_far": "Modifications enregistrées",
        "heartbeat": "dernier signe de vie",
        "warnings": "avertissement(s)",
        "resource": "Type",
        "all": "Tous",
        "filter": "Filtrer",
        "when": "Quand",
        "record": "Élément",
        "kind": "Modification",
        "field": "Champ",
        "old_new": "Avant → après",
        "run": "Synchro",
        "kind_created": "création",
        "kind_updated": "modification",
        "kind_removed": "retrait",
        "kind_restored": "rétablissement",
        "no_changes": "Aucune modification pour l'instant.",
        "newest": "Les plus récentes",
        "older": "Plus anciennes",
        "plugins": "Extensions",
        "module": "Module",
        "hooks": "Points d'accroche utilisés",
        "unreadable": "illisible (voir le journal)",
        "no_plugins": "Aucune extension installée.",
        "plugins_hint": "Une extension installée ne sert que si la configuration l'active\u202f:",
        "users": "Comptes",
        "user_created": "Compte créé",
        "password_once": "Mot de passe, affiché une seule fois\u202f: transmettez-le à la personne "
        "(elle pourra le changer dans «\u202fMon compte\u202f»)\u202f:",
        "role": "Rôle",
        "last_sign_in": "Dernière connexion",
        "lock": "Verrouillage",
        "role_viewer": "lecture",
        "role_editor": "édition",
        "role_admin": "administration",
        "change_role": "Changer le rôle",
        "role_changed": "Rôle changé",
        "locked_until": "verrouillé jusqu'à",
        "unlock": "Déverrouiller",
        "unlocked": "Compte déverrouillé",
        "not_locked": "non",
        "add_user": "Créer un compte",
        "person_name": "Nom (facultatif)",
        "create_user": "Créer le compte",
        "roles_hint": "Lecture\u202f: consulter. Édition\u202f: faire tourner les fonctions "
        "de la ville et "
        "demander des synchronisations. Administration\u202f: tout, y compris les comptes.",
        "tokens": "Jetons d'API",
        "token_created": "Jeton créé",
        "token_once": "Copiez-le maintenant\u202f: il ne sera plus jamais affiché.",
        "token_name": "Nom du jeton (à quoi il sert)",
        "owner": "Compte",
        "created": "Créé le",
        "last_used": "Dernière utilisation",
        "revoked": "révoqué le",
        "revoke": "Révoquer",
        "token_revoked": "Jeton révoqué",
        "no_tokens": "Aucun jeton.",
        "add_token": "Créer un jeton",
        "create_token": "Créer le jeton",
        "tokens_hint": "Un jeton agit avec un rôle au plus égal au vôtre. Envoyez-le dans "
        "l'en-tête Authorization: Bearer ...",
    },
    "en": {
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "email": "Email address",
        "password": "Password",
        "refused": "Wrong email or password, or the account is locked "
        "after too many attempts (try again in 15 minutes).",
        "change_password": "Change password",
        "current_password": "Current password",
        "new_password": "New password (at least 12 characters)",
        "password_changed": "Password changed.",
        "signed_in_as": "Signed in as",
        "save": "Save",
        "other_language": "Français",
        "home": "civic-bridge",
        "colon": ": ",
        "skip": "Skip to content",
        "what_happened": "What was done",
        "search": "Search",
        "all_f": "All",
        "process": "Process or assembly",
        "proposal": "Proposal",
        "proposals_shown": "Proposals {first} to {last} of {total}",
        "no_proposals": "No proposal matches.",
        "pages": "Pages",
        "previous_page": "Previous page",
        "next_page": "Next page",
        "page_of": "Page {page} of {pages}",
        "public_service": "Citizen participation",
        "admin_service": "Participation administration",
        "admin_menu": "Administration menu",
        "breadcrumbs": "Breadcrumbs",
        "footer_data": "Public data from the city's Decidim platform",
        "public_site": "Public site",
        "admin_site": "Administration",
        "instances": "Decidim instances",
        "add_instance": "Add an instance",
        "name": "Name",
        "base_url": "Decidim site address",
        "locale": "Main language",
        "interval": "Sync every N minutes",
        "cron": "or on a crontab",
        "rate_limit": "Requests per minute at most",
        "version": "Decidim version",
        "last_sync": "Last sync",
        "never": "never",
        "test_connection": "Test the connection",
        "sync_now": "Sync now",
        "runs": "Syncs",
        "status": "Status",
        "started": "Started",
        "finished": "Finished",
        "counts": "Created / updated / unchanged / removed",
        "error": "Error",
        "proposals": "Proposals",
        "sync_requested": "Sync requested: it starts within seconds.",
        "waiting": "waiting",
        "state": "Answer",
        "votes": "Votes",
        "published": "Published",
        "back": "Back",
        "account": "My account",
        "edit_instance": "Edit settings",
        "schedule_hint": "Leave both schedule fields empty to sync on demand only. "
        "0 requests a minute: no limit.",
        "enabled_label": "Scheduled syncs are on",
        "saved": "Changes saved.",
        "schedule": "Schedule",
        "cron_schedule": "on the crontab",
        "every": "every",
        "no_schedule": "on demand only",
        "sync_state": "State",
        "enabled": "enabled",
        "disabled": "disabled",
        "unlimited": "no limit",
        "changes": "Changes received",
        "components_done": "Components read",
        "pages_read": "Pages read",
        "audit": "Audit log",
        "audit_intro": "Every write, from a page or the API: who, when, what. The details (before "
        "and after) are in the CSV file.",
        "audit_csv": "Download the whole log (CSV)",
        "action": "Action",
        "actor": "Actor",
        "target": "Target",
        "no_audit": "No entry.",
        "spaces_synced": "Synced spaces",
        "mappings": "Neighbourhoods and themes",
        "spaces": "Processes and assemblies",
        "records_so_far": "Records new / updated / unchanged",
        "retries": "Retries",
        "requests": "Requests",
        "changes_so_far": "Changes stored",
        "heartbeat": "last heartbeat",
        "warnings": "warning(s)",
        "resource": "Type",
        "all": "All",
        "filter": "Filter",
        "when": "When",
        "record": "Record",
        "kind": "Change",
        "field": "Field",
        "old_new": "Before → after",
        "run": "Sync",
        "kind_created": "created",
        "kind_updated": "updated",
        "kind_removed": "removed",
        "kind_restored": "restored",
        "no_changes": "No changes yet.",
        "newest": "Newest",
        "older": "Older",
        "plugins": "Plugins",
        "module": "Module",
        "hooks": "Hooks implemented",
        "unreadable": "unreadable (see the log)",
        "no_plugins": "No plugin installed.",
        "plugins_hint": "An installed plugin only runs when the settings enable it:",
        "users": "Accounts",
        "user_created": "Account created",
        "password_once": "Password, shown once only: give it to the person "
        "(they can change it in “My account”):",
        "role": "Role",
        "last_sign_in": "Last sign-in",
        "lock": "Locked",
        "role_viewer": "viewer",
        "role_editor": "editor",
        "role_admin": "admin",
        "change_role": "Change role",
        "role_changed": "Role changed",
        "locked_until": "locked until",
        "unlock": "Unlock",
        "unlocked": "Account unlocked",
        "not_locked": "no",
        "add_user": "Create an account",
        "person_name": "Name (optional)",
        "create_user": "Create the account",
        "roles_hint": "Viewer: reads. Editor: runs the city features and asks for syncs. "
        "Admin: everything, accounts included.",
        "tokens": "API tokens",
        "token_created": "Token created",
        "token_once": "Copy it now: it will never be shown again.",
        "token_name": "Token name (what it is for)",
        "owner": "Account",
        "created": "Created",
        "last_used": "Last used",
        "revoked": "revoked on",
        "revoke": "Revoke",
        "token_revoked": "Token revoked",
        "no_tokens": "No tokens.",
        "add_token": "Create a token",
        "create_token": "Create the token",
        "tokens_hint": "A token acts with a role no higher than yours. Send it in the "
        "Authorization: Bearer ... header.",
    },
}

# Decidim's and the engine's words for states and kinds, as a reader says them:
# TERMS[kind][value] = (French, English). An unknown value is shown as it is.
TERMS: dict[str, dict[str | None, tuple[str, str]]] = {
    "run": {
        "succeeded": ("réussie", "succeeded"),
        "running": ("en cours", "running"),
        "failed": ("échouée", "failed"),
        "waiting": ("en attente", "waiting"),
    },
    "proposal": {
        "accepted": ("acceptée", "accepted"),
        "evaluating": ("en cours d'évaluation", "under evaluation"),
        "rejected": ("rejetée", "rejected"),
        "withdrawn": ("retirée", "withdrawn"),
        "published": ("sans réponse", "not answered"),
        "not_answered": ("sans réponse", "not answered"),
        None: ("sans réponse", "not answered"),
    },
    "component": {
        "Proposals": ("Propositions", "Proposals"),
        "Budgets": ("Budgets participatifs", "Budgets"),
        "Accountability": ("Suivi des résultats", "Results tracking"),
        "Meetings": ("Rencontres", "Meetings"),
        "Debates": ("Débats", "Debates"),
        "Pages": ("Pages", "Pages"),
        "Surveys": ("Questionnaires", "Surveys"),
        "Blogs": ("Actualités", "Blog"),
        "Sortitions": ("Tirages au sort", "Sortitions"),
        "Elections": ("Élections", "Elections"),
        "Component": ("Autre composant", "Other component"),
    },
    "resource": {
        "spaces": ("espace", "space"),
        "scopes": ("secteur", "scope"),
        "categories": ("catégorie", "category"),
        "components": ("composant", "component"),
        "proposals": ("proposition", "proposal"),
        "budgets": ("budget", "budget"),
        "projects": ("projet", "project"),
        "results": ("résultat", "result"),
        "meetings": ("rencontre", "meeting"),
        "debates": ("débat", "debate"),
    },
    "space": {
        "participatory_process": ("processus", "process"),
        "assembly": ("assemblée", "assembly"),
    },
}
# The badge of a run's status and of a proposal's state (docs/design.md)
RUN_BADGES = {"succeeded": "badge-ok", "running": "badge-warn", "failed": "badge-error"}
PROPOSAL_BADGES = {"accepted": "badge-ok", "evaluating": "badge-warn", "rejected": "badge-error"}


def term(kind: str, value: str | None, lang: str = "fr") -> str:
    """A state or kind in the reader's words: term("run", "failed") -> "échouée"."""
    found = TERMS[kind].get(value)
    if found is None:
        return "" if value is None else str(value)
    return found[0] if lang == "fr" else found[1]


def current_language() -> str:
    """`?lang=` wins and is remembered for the session; otherwise French."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    return session.get("lang", "fr")


def words() -> dict[str, str]:
    return WORDS[current_language()]


@pass_context
def ui(context, key: str) -> str:
    """A word of the page frame (header, menu, footer) in the page's language: the public site
    and the admin pages have their own word lists but share this frame."""
    return WORDS.get(context.get("lang"), WORDS["fr"])[key]


@pass_context
def other_language_url(context) -> str:
    """This page in the other language, its filters and paging kept."""
    other = "en" if context.get("lang") == "fr" else "fr"
    args = {**request.args.to_dict(), "lang": other}
    if request.endpoint and request.url_rule is not None:
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return "?lang=" + other


@pass_context
def term_filter(context, value: str | None, kind: str) -> str:
    return term(kind, value, context.get("lang") or "fr")


def install(app: Flask) -> None:
    app.jinja_env.globals.update(
        ui=ui,
        other_language_url=other_language_url,
        run_badges=RUN_BADGES,
        proposal_badges=PROPOSAL_BADGES,
    )
    app.jinja_env.filters["term"] = term_filter
