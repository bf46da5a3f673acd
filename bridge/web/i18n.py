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
