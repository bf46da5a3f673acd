"""French first, English second: the words of the pages, and which language a request wants."""

from __future__ import annotations

from flask import request, session

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
        "sync_requested": "Synchronisation demandée : elle démarre dans quelques secondes.",
        "connection_ok": "Connexion réussie",
        "processes_found": "processus trouvés",
        "connection_failed": "Connexion impossible",
        "waiting": "en attente",
        "state": "Réponse",
        "votes": "Votes",
        "published": "Publiée le",
        "back": "Retour",
        "account": "Mon compte",
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
        "connection_ok": "Connection works",
        "processes_found": "processes found",
        "connection_failed": "Cannot connect",
        "waiting": "waiting",
        "state": "Answer",
        "votes": "Votes",
        "published": "Published",
        "back": "Back",
        "account": "My account",
    },
}


def current_language() -> str:
    """`?lang=` wins and is remembered for the session; otherwise French."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    return session.get("lang", "fr")


def words() -> dict[str, str]:
    return WORDS[current_language()]
