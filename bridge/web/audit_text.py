"""The audit log as sentences a person reads ("Camille a modifié l'instance ivry : intervalle
60 → 30 min"), in French or English. The raw entries (action, JSON before and after) stay as
they are in the API and the CSV download; this only words them for the page.

Every text is an English msgid: the core's in its catalog, a plugin's (the `audit_wording`
hook, `bridge.hookspecs.AuditWording`) in the plugin's own; the page's language picks the
translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from babel.support import NullTranslations

from bridge.actors import People
from bridge.formatting import date_text, number
from bridge.hookspecs import AuditWording, Plural
from bridge.i18n import N_, Catalog, core_catalog
from bridge.store.models import AuditEntry

DECIMAL = re.compile(r"-?\d+(\.\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CORE = AuditWording(
    actions={
        "user.create": N_("{who} created the account {target} (role {after[role]})"),
        "user.role": N_("{who} changed the role of the account {target}"),
        "user.unlock": N_("{who} unlocked the account {target}"),
        "user.locked": N_("The account {target} was locked after too many wrong passwords"),
        "user.password": N_("{who} changed their password"),
        "token.create": N_("{who} created the API token “{after[name]}” (role {after[role]})"),
        "token.revoke": N_("{who} revoked the API token no. {target}"),
        "instance.create": N_("{who} added the instance {target}"),
        "instance.update": N_("{who} changed the instance {target}"),
        "sync.request": N_("{who} asked for a sync of the instance {target}"),
        "sync.settings": N_("{who} changed the synced spaces of the instance {target}"),
        "mappings.update": N_(
            "{who} changed the neighbourhoods and themes of the instance {target}"
        ),
        "plugins.replay": N_("{who} had changes delivered again to the plugin {target}"),
        "plugins.retry": N_(
            "{who} had the plugin {target}, failing on the changes, tried again at once"
        ),
        "mail.retry": N_("{who} queued the e-mail {target} again"),
        "mail.erase": N_("{who} erased a person's e-mails ({after[messages]})"),
    },
    labels={
        "user.create": N_("account created"),
        "user.role": N_("role changed"),
        "user.unlock": N_("account unlocked"),
        "user.locked": N_("account locked"),
        "user.password": N_("password changed"),
        "token.create": N_("API token created"),
        "token.revoke": N_("API token revoked"),
        "instance.create": N_("instance added"),
        "instance.update": N_("instance changed"),
        "sync.request": N_("sync requested"),
        "sync.settings": N_("synced spaces"),
        "mappings.update": N_("neighbourhoods and themes"),
        "plugins.replay": N_("changes delivered again"),
        "plugins.retry": N_("plugin tried again"),
        "mail.retry": N_("e-mail queued again"),
        "mail.erase": N_("e-mails erased"),
    },
    fields={
        "base_url": N_("address"),
        "locale": N_("language"),
        "schedule_interval_minutes": N_("interval"),
        "schedule_cron": N_("crontab"),
        "rate_limit_per_minute": N_("requests a minute"),
        "enabled": N_("scheduled syncs"),
        "role": N_("role"),
        "name": N_("name"),
        "position": N_("last change received"),
    },
    values={"viewer": N_("viewer"), "editor": N_("editor"), "admin": N_("admin")},
    units={"schedule_interval_minutes": " min"},
)
EMPTY = "—"


class _Lenient(dict):
    """A before/after map for str.format_map: a missing key reads as a dash, values in words."""

    def __init__(self, data: Any, say) -> None:
        super().__init__(data if isinstance(data, dict) else {})
        self.say = say

    def __getitem__(self, key: str) -> str:
        return self.say(key, super().get(key))


class Wording:
    """The core's wording and the plugins', merged once per page, each text translated
    through the catalog of the one who gave it."""

    def __init__(
        self, wordings: Iterable[tuple[Catalog, AuditWording]], names: dict[str, str], lang: str
    ):
        self.actions: dict[str, str] = {}
        self.plurals: dict[str, tuple[NullTranslations, Plural]] = {}
        self.labels: dict[str, str] = {}
        self.fields: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.units: dict[str, str] = {}
        self.core = core_catalog().in_language(lang)
        for catalog, w in ((core_catalog(), CORE), *wordings):
            say = catalog.in_language(lang)
            for action, text in w.actions.items():
                if isinstance(text, Plural):
                    self.plurals[action] = (say, text)
                    self.actions.pop(action, None)
                else:
                    self.actions[action] = say.ugettext(text)
                    self.plurals.pop(action, None)
            self.labels.update((k, say.ugettext(v)) for k, v in w.labels.items())
            self.fields.update((k, say.ugettext(v)) for k, v in w.fields.items())
            self.values.update((k, say.ugettext(v)) for k, v in w.values.items())
            self.units.update(w.units)
        self.who = People(names, lang)  # "Camille a ...": the audit page is for admins
        self.lang = lang

    def value(self, key: str, value: Any) -> str:
        unit = self.units.get(key, "")
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return self.core.ugettext("yes") if value else self.core.ugettext("no")
        if isinstance(value, int | float):
            return number(value, self.lang, 0 if isinstance(value, int) else 2) + unit
        if isinstance(value, str) and DECIMAL.fullmatch(value):  # amounts stored as "1234.50"
            amount = Decimal(value)
            integral = amount == amount.to_integral_value()
            return number(amount, self.lang, 0 if integral else 2) + unit
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            return date_text(value, self.lang)
        if isinstance(value, str):
            return self.values.get(value, value) + unit
        return EMPTY if not value else "…"  # lists and maps: read them in the CSV

    def label(self, action: str) -> str:
        """A short name of an action, for the filter: 'création de compte'."""
        return self.labels.get(action, action)

    def template(self, entry: AuditEntry) -> str | None:
        """The action's sentence, in the form that agrees with its count when it has one."""
        if entry.action in self.plurals:
            say, plural = self.plurals[entry.action]
            try:
                count = int((entry.after or {})[plural.count])
            except (KeyError, TypeError, ValueError):
                count = 2
            return say.ungettext(plural.singular, plural.plural, count)
        return self.actions.get(entry.action)

    def sentence(self, entry: AuditEntry) -> str:
        target = (entry.target or "").partition(":")[2] or (entry.target or "")
        template = self.template(entry)
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
            label = self.fields.get(key, key)
            old = self.value(key, before[key]).removesuffix(self.units.get(key, ""))
            parts.append(f"{label} {old} → {self.value(key, after[key])}")
        return ", ".join(parts)
