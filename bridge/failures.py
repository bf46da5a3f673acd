"""Why a Decidim instance could not be read, in one sentence a city administrator can act on.

The technical message (`cannot reach ... NewConnectionError(...)`) stays in the run record, the
API and the log for developers; the pages show the sentence of its *kind*. The kind is decided
from the exception's class (and, for an unreachable server, the `reason` read from the
requests/urllib3 error when it was raised), not from our own message, which is shortened.
"""

from __future__ import annotations

from bridge.decidim.errors import (
    AuthenticationError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    QueryError,
    UnreachableError,
)

SENTENCES: dict[str, dict[str, str]] = {
    "dns": {
        "fr": "L’adresse du serveur est introuvable\u202f: vérifiez l’adresse de l’instance "
        "(faute de frappe, nom de domaine expiré).",
        "en": "The server's address cannot be found: check the instance's address "
        "(a typo, an expired domain name).",
    },
    "refused": {
        "fr": "Le serveur ne répond pas à cette adresse\u202f: vérifiez l’adresse et le port, "
        "et que le serveur Decidim est bien en marche.",
        "en": "No server answers at this address: check the address and port, "
        "and that the Decidim server is running.",
    },
    "timeout": {
        "fr": "Le serveur a mis trop de temps à répondre\u202f: il est peut-être surchargé ou "
        "en panne\u202f; réessayez plus tard.",
        "en": "The server took too long to answer: it may be overloaded or down; try again later.",
    },
    "certificate": {
        "fr": "Le certificat HTTPS du serveur n’est pas valide (expiré ou pour un autre "
        "nom)\u202f: signalez-le à l’hébergeur de la plateforme Decidim.",
        "en": "The server's HTTPS certificate is not valid (expired or for another name): "
        "tell the Decidim platform's host.",
    },
    "not_found": {
        "fr": "Aucune API Decidim à cette adresse (page introuvable)\u202f: vérifiez qu’il "
        "s’agit bien de l’adresse racine de la plateforme Decidim.",
        "en": "No Decidim API at this address (page not found): check that it is the root "
        "address of the Decidim platform.",
    },
    "server_error": {
        "fr": "Le serveur Decidim a répondu par une erreur\u202f: il est peut-être en "
        "maintenance\u202f; réessayez plus tard.",
        "en": "The Decidim server answered with an error: it may be under maintenance; "
        "try again later.",
    },
    "not_decidim": {
        "fr": "Le serveur répond, mais pas comme une API Decidim (page web, maintenance ou "
        "connexion)\u202f: vérifiez l’adresse de l’instance.",
        "en": "The server answers, but not as a Decidim API (a web page, maintenance or "
        "sign-in page): check the instance's address.",
    },
    "credentials": {
        "fr": "La plateforme Decidim refuse l’accès à l’API\u202f: vérifiez la clé et le secret "
        "d’API de l’instance.",
        "en": "The Decidim platform refuses access to its API: check the instance's API key "
        "and secret.",
    },
    "api_error": {
        "fr": "La plateforme Decidim a refusé une de nos requêtes\u202f: sa version n’est "
        "peut-être pas encore prise en charge.",
        "en": "The Decidim platform refused one of our queries: its version may not be "
        "supported yet.",
    },
    "interrupted": {
        "fr": "La synchronisation a été interrompue (arrêt du service)\u202f; la suivante "
        "reprendra où elle s’était arrêtée.",
        "en": "The sync was interrupted (the service stopped); the next one resumes "
        "where it stopped.",
    },
    "unknown": {
        "fr": "La synchronisation a échoué pour une raison inattendue\u202f: le détail technique "
        "est dans le journal du service.",
        "en": "The sync failed for an unexpected reason: the technical detail is in the "
        "service's log.",
    },
}


def kind_of(exc: BaseException) -> str:
    """The kind of a failure, a key of SENTENCES."""
    if isinstance(exc, UnreachableError):
        return exc.reason
    if isinstance(exc, AuthenticationError):
        return "credentials"
    if isinstance(exc, HTTPStatusError):
        if exc.status in (401, 403):
            return "credentials"
        if exc.status in (404, 405, 410) or 300 <= exc.status < 400:
            return "not_found"
        return "server_error" if exc.status >= 500 else "not_decidim"
    if isinstance(exc, NotJSONError):
        return "not_decidim"
    if isinstance(exc, (GraphQLErrors, QueryError)):
        return "api_error"
    return "unknown"


def sentence(kind: str | None, lang: str = "fr") -> str:
    """The sentence for a kind (an unknown or missing kind gets the generic one)."""
    texts = SENTENCES.get(kind or "unknown", SENTENCES["unknown"])
    return texts.get(lang, texts["fr"])
