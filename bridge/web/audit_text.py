"""The audit log as sentences a person reads ("Camille a modifié l'instance ivry : intervalle
60 → 30 min"), in French or English. The raw entries (action, JSON before and after) stay as
they are in the API and the CSV download; this only words them for the page.

Plugins word their own actions with the `audit_wording` hook (`bridge.hookspecs.AuditWording`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bridge.formatting import date_text, number
from bridge.hookspecs import AuditWording
from bridge.store.models import AuditEntry

DECIMAL = re.compile(r"-?\d+(\.\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CORE = AuditWording(
    actions={
        "user.create": {
            "fr": "{who} a créé le compte {target} (rôle {after[role]})",
            "en": "{who} created the account {target} (role {after[role]})",
        },
        "user.role": {
            "fr": "{who} a changé le rôle du compte {target}",
            "en": "{who} changed the role of the account {target}",
        },
        "user.unlock": {
            "fr": "{who} a déverrouillé le compte {target}",
            "en": "{who} unlocked the account {target}",
        },
        "user.locked": {
            "fr": "Le compte {target} a été verrouillé après trop de mots de passe erronés",
            "en": "The account {target} was locked after too many wrong passwords",
        },
        "user.password": {
            "fr": "{who} a changé son mot de passe",
            "en": "{who} changed their password",
        },
        "token.create": {
            "fr": "{who} a créé le jeton d'API « {after[name]} » (rôle {after[role]})",
            "en": "{who} created the API token “{after[name]}” (role {after[role]})",
        },
        "token.revoke": {
            "fr": "{who} a révoqué le jeton d'API n° {target}",
            "en": "{who} revoked the API token no. {target}",
        },
        "instance.create": {
            "fr": "{who} a ajouté l'instance {target}",
            "en": "{who} added the instance {target}",
        },
        "instance.update": {
            "fr": "{who} a modifié l'instance {target}",
            "en": "{who} changed the instance {target}",
        },
        "sync.request": {
            "fr": "{who} a demandé une synchronisation de l'instance {target}",
            "en": "{who} asked for a sync of the instance {target}",
        },
        "sync.settings": {
            "fr": "{who} a changé les espaces synchronisés de l'instance {target}",
            "en": "{who} changed the synced spaces of the instance {target}",
        },
        "mappings.update": {
            "fr": "{who} a changé les quartiers et thèmes de l'instance {target}",
            "en": "{who} changed the neighbourhoods and themes of the instance {target}",
        },
        "plugins.replay": {
            "fr": "{who} a fait relivrer des changements à l'extension {target}",
            "en": "{who} had changes delivered again to the plugin {target}",
        },
        "plugins.retry": {
            "fr": "{who} a fait réessayer tout de suite l'extension {target}, "
            "en échec sur les changements",
            "en": "{who} had the plugin {target}, failing on the changes, tried again at once",
        },
        "mail.retry": {
            "fr": "{who} a remis en file l'e-mail {target}",
            "en": "{who} queued the e-mail {target} again",
        },
        "mail.erase": {
            "fr": "{who} a effacé les e-mails d'une personne ({after[messages]})",
            "en": "{who} erased a person's e-mails ({after[messages]})",
        },
    },
    labels={
        "user.create": {"fr": "création de compte", "en": "account created"},
        "user.role": {"fr": "changement de rôle", "en": "role changed"},
        "user.unlock": {"fr": "déverrouillage de compte", "en": "account unlocked"},
        "user.locked": {"fr": "verrouillage de compte", "en": "account locked"},
        "user.password": {"fr": "changement de mot de passe", "en": "password changed"},
        "token.create": {"fr": "création de jeton d'API", "en": "API token created"},
        "token.revoke": {"fr": "révocation de jeton d'API", "en": "API token revoked"},
        "instance.create": {"fr": "ajout d'instance", "en": "instance added"},
        "instance.update": {"fr": "modification d'instance", "en": "instance changed"},
        "sync.request": {"fr": "demande de synchronisation", "en": "sync requested"},
        "sync.settings": {"fr": "espaces synchronisés", "en": "synced spaces"},
        "mappings.update": {"fr": "quartiers et thèmes", "en": "neighbourhoods and themes"},
        "plugins.replay": {"fr": "relivraison de changements", "en": "changes delivered again"},
        "plugins.retry": {"fr": "nouvel essai d'extension", "en": "plugin tried again"},
        "mail.retry": {"fr": "nouvel envoi d'e-mail", "en": "e-mail queued again"},
        "mail.erase": {"fr": "effacement d'e-mails", "en": "e-mails erased"},
    },
    fields={
        "base_url": {"fr": "adresse", "en": "address"},
        "locale": {"fr": "langue", "en": "language"},
        "schedule_interval_minutes": {"fr": "intervalle", "en": "interval", "unit": " min"},
        "schedule_cron": {"fr": "crontab", "en": "crontab"},
        "rate_limit_per_minute": {"fr": "requêtes par minute", "en": "requests a minute"},
        "enabled": {"fr": "synchronisations planifiées", "en": "scheduled syncs"},
        "role": {"fr": "rôle", "en": "role"},
        "name": {"fr": "nom", "en": "name"},
        "position": {"fr": "dernier changement reçu", "en": "last change received"},
    },
    values={
        "viewer": {"fr": "lecture", "en": "viewer"},
        "editor": {"fr": "édition", "en": "editor"},
        "admin": {"fr": "administration", "en": "admin"},
    },
)
SOMEONE = {"fr": "Quelqu'un", "en": "Someone"}
COMMAND_LINE = {"fr": "La ligne de commande", "en": "The command line"}
TOKEN = {"fr": "{name} (jeton n° {id})", "en": "{name} (token no. {id})"}
YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}
EMPTY = "—"


class _Lenient(dict):
    """A before/after map for str.format_map: a missing key reads as a dash, values in words."""

    def __init__(self, data: Any, say) -> None:
        super().__init__(data if isinstance(data, dict) else {})
        self.say = say

    def __getitem__(self, key: str) -> str:
        return self.say(key, super().get(key))


class Wording:
    """The core's wording and the plugins', merged once per page."""

    def __init__(self, wordings: Iterable[AuditWording], names: dict[str, str], lang: str):
        self.actions: dict[str, dict[str, str]] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.fields: dict[str, dict[str, str]] = {}
        self.values: dict[str, dict[str, str]] = {}
        for w in (CORE, *wordings):
            self.actions.update(w.actions)
            self.labels.update(w.labels)
            self.fields.update(w.fields)
            self.values.update(w.values)
        self.names = names  # email -> the person's name, for "Camille a ..."
        self.lang = lang

    def value(self, key: str, value: Any) -> str:
        unit = self.fields.get(key, {}).get("unit", "")
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return YES_NO[self.lang][0 if value else 1]
        if isinstance(value, int | float):
            return number(value, self.lang, 0 if isinstance(value, int) else 2) + unit
        if isinstance(value, str) and DECIMAL.fullmatch(value):  # amounts stored as "1234.50"
            amount = Decimal(value)
            integral = amount == amount.to_integral_value()
            return number(amount, self.lang, 0 if integral else 2) + unit
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return date_text(value, self.lang)
        if isinstance(value, str):
            return self.values.get(value, {}).get(self.lang, value) + unit
        return EMPTY if not value else "…"  # lists and maps: read them in the CSV

    def label(self, action: str) -> str:
        """A short name of an action, for the filter: 'création de compte'."""
        return self.labels.get(action, {}).get(self.lang, action)

    def who(self, actor: str) -> str:
        kind, _, rest = actor.partition(":")
        if kind == "user":
            return self.names.get(rest) or rest
        if kind == "token":
            token_id, _, email = rest.partition(":")
            return TOKEN[self.lang].format(name=self.names.get(email) or email, id=token_id)
        if actor == "cli":
            return COMMAND_LINE[self.lang]
        return actor or SOMEONE[self.lang]

    def sentence(self, entry: AuditEntry) -> str:
        target = (entry.target or "").partition(":")[2] or (entry.target or "")
        template = self.actions.get(entry.action, {}).get(self.lang)
        before = _Lenient(entry.before, self.value)
        after = _Lenient(entry.after, self.value)
        separator = "\u202f: " if self.lang == "fr" else ": "
        if template is None:
            text = f"{self.who(entry.actor)}{separator}{entry.action} ({entry.target or EMPTY})"
        else:
            text = template.format_map(
                {"who": self.who(entry.actor), "target": target, "before": before, "after": after}
            )
        changes = self.changes(entry.before, entry.after)
        return f"{text}{separator}{changes}" if changes else text

    def changes(self, before: Any, after: Any) -> str:
        """'intervalle 60 → 30 min, langue fr → en' for the plain values a change touched."""
        if not isinstance(before, dict) or not isinstance(after, dict):
            return ""
        parts = []
        for key in sorted(before):  # PostgreSQL's JSONB keeps no order: one order for both
            if key not in after or before[key] == after[key]:
                continue
            if isinstance(before[key], dict | list) or isinstance(after[key], dict | list):
                continue
            label = self.fields.get(key, {}).get(self.lang, key)
            old = self.value(key, before[key]).removesuffix(
                self.fields.get(key, {}).get("unit", "")
            )
            parts.append(f"{label} {old} → {self.value(key, after[key])}")
        return ", ".join(parts)
