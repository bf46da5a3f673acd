"""Instances as the admin UI, the write API and the CLI change them: one set of rules.

An instance's life: added unpublished (publishing on the public site is a decision, `published`),
synced, possibly archived (`archived`: no more syncs, hidden from the public site, records
kept) or deleted (its synced records erased, after a confirmation that says how many go).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.accounts import audit
from bridge.store.models import Base, Instance
from bridge.timeutil import utcnow

EDITABLE = (
    "base_url",
    "locale",
    "enabled",
    "schedule_interval_minutes",
    "schedule_cron",
    "rate_limit_per_minute",
    "api_key",
    "api_secret",
    "published",
    "archived",
)
SECRET = {"api_key", "api_secret"}
# Whole numbers: (lowest, highest). A year of minutes; far above any Decidim's own rate limit.
BOUNDS = {"schedule_interval_minutes": (1, 525_600), "rate_limit_per_minute": (0, 100_000)}


class InvalidField(ValueError):
    """One field's value is refused; `field` names it (HTTP 422, the form's field in error)."""

    def __init__(self, field: str, message: str, fr: str | None = None):
        super().__init__(message)
        self.field = field
        self.fr = fr or message

    def text(self, lang: str) -> str:
        """The message for a page: French (`fr`) or English (the API's)."""
        return self.fr if lang == "fr" else str(self)


# Field names as the admin pages call them, for French messages.
LABELS_FR = {
    "name": "Le nom",
    "base_url": "L'adresse du site Decidim",
    "locale": "La langue principale",
    "enabled": "L'activation",
    "published": "La publication",
    "archived": "L'archivage",
    "schedule_interval_minutes": "L'intervalle",
    "schedule_cron": "Le crontab",
    "rate_limit_per_minute": "Le nombre de requêtes par minute",
}


def validate(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Checked and normalised values; raises InvalidField on the first bad one."""
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE) - ({"name"} if creating else set())
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidField(
            field, f"{field} cannot be set here", f"Le champ {field} ne se règle pas ici."
        )
    if creating:
        name = str(values.get("name") or "").strip()
        if not name or len(name) > 100 or "/" in name:
            raise InvalidField(
                "name",
                "name is required (100 characters at most, no '/')",
                "Le nom est obligatoire (100 caractères au plus, sans «\u202f/\u202f»).",
            )
        out["name"] = name
        if "base_url" not in values:
            raise InvalidField(
                "base_url", "base_url is required", "L'adresse du site Decidim est obligatoire."
            )
    if "base_url" in values:
        url = str(values["base_url"] or "").strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise InvalidField(
                "base_url",
                "base_url must start with http:// or https://",
                "L'adresse du site Decidim commence par http:// ou https://.",
            )
        if url.endswith("/api"):
            raise InvalidField(
                "base_url",
                "base_url is the site root; the bridge adds /api",
                "Donnez l'adresse du site, sans /api\u202f: le pont l'ajoute.",
            )
        if len(url) > 500:
            raise InvalidField(
                "base_url",
                "base_url has 500 characters at most",
                "L'adresse du site Decidim a 500 caractères au plus.",
            )
        out["base_url"] = url
    if "locale" in values:
        locale = str(values["locale"] or "")
        if not 2 <= len(locale) <= 10:
            raise InvalidField(
                "locale",
                "locale is a language code such as fr or en",
                "La langue principale est un code comme fr ou en.",
            )
        out["locale"] = locale
    for flag in ("enabled", "published", "archived"):
        if flag in values:
            if not isinstance(values[flag], bool):
                raise InvalidField(
                    flag, f"{flag} is true or false", f"{LABELS_FR[flag]} est oui ou non."
                )
            out[flag] = values[flag]
    for field, (low, high) in BOUNDS.items():
        if field in values and values[field] is not None:
            value = values[field]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidField(
                    field,
                    f"{field} is a whole number from {low} to {high}",
                    f"{LABELS_FR[field]} est un nombre entier de {_fr(low)} à {_fr(high)}.",
                )
            out[field] = value
        elif field in values and field == "schedule_interval_minutes":
            out[field] = None
    if "schedule_cron" in values:
        cron = values["schedule_cron"]
        if cron and (not isinstance(cron, str) or len(cron) > 100):
            raise InvalidField(
                "schedule_cron",
                "schedule_cron is a crontab of 100 characters at most",
                "Le crontab a 100 caractères au plus.",
            )
        if cron:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(cron)
            except ValueError as exc:
                raise InvalidField(
                    "schedule_cron",
                    f"not a crontab expression: {exc}",
                    "Ce n'est pas un crontab (5 champs, par exemple «\u202f0 3 * * *\u202f»).",
                ) from exc
        out["schedule_cron"] = cron or None
    for field in SECRET:
        if field in values:
            value = values[field]
            if value is not None and (not isinstance(value, str) or len(value) > 200):
                raise InvalidField(
                    field,
                    f"{field} is a text of 200 characters at most",
                    f"Le champ {field} a 200 caractères au plus.",
                )
            out[field] = value or None
    return out


def create(session: Session, values: dict[str, Any], actor: str) -> Instance:
    values = validate(values, creating=True)
    if values.pop("archived", False):
        raise InvalidField(
            "archived",
            "a new instance cannot be archived",
            "Une nouvelle instance ne peut pas être archivée.",
        )
    if session.scalar(select(Instance.id).where(Instance.name == values["name"])):
        raise InvalidField(
            "name",
            f"an instance named {values['name']!r} already exists",
            f"Une instance nommée «\u202f{values['name']}\u202f» existe déjà.",
        )
    _check_schedule(values, None)
    _check_credentials(values, None)
    now = utcnow()
    instance = Instance(**values, created_at=now, updated_at=now)
    session.add(instance)
    session.flush()
    audit(
        session,
        actor,
        "instance.create",
        f"instance:{instance.name}",
        after=public_values(instance),
    )
    session.commit()
    return instance


def update(session: Session, instance: Instance, values: dict[str, Any], actor: str) -> Instance:
    values = validate(values, creating=False)
    _check_schedule(values, instance)
    _check_credentials(values, instance)
    archived = values.pop("archived", instance.archived_at is not None)
    if archived and values.get("enabled"):
        raise InvalidField(
            "enabled",
            "an archived instance is not synced: unarchive it first",
            "Une instance archivée n'est pas synchronisée\u202f: désarchivez-la d'abord.",
        )
    before = public_values(instance)
    for field, value in values.items():
        setattr(instance, field, value)
    if archived and instance.archived_at is None:
        # Archiving stops the syncs; unarchiving leaves them off until someone switches them on.
        instance.archived_at, instance.enabled = utcnow(), False
    elif not archived:
        instance.archived_at = None
    instance.updated_at = utcnow()
    audit(
        session,
        actor,
        "instance.update",
        f"instance:{instance.name}",
        before=before,
        after=public_values(instance),
    )
    session.commit()
    return instance


def _check_schedule(values: dict[str, Any], instance: Instance | None) -> None:
    interval = values.get(
        "schedule_interval_minutes", instance.schedule_interval_minutes if instance else None
    )
    cron = values.get("schedule_cron", instance.schedule_cron if instance else None)
    if interval and cron:
        raise InvalidField(
            "schedule_cron",
            "choose an interval or a crontab, not both",
            "Choisissez un intervalle ou un crontab, pas les deux.",
        )


def _check_credentials(values: dict[str, Any], instance: Instance | None) -> None:
    """Decidim's API user is a key and a secret: one without the other cannot sign in."""
    key = values.get("api_key", instance.api_key if instance else None)
    secret = values.get("api_secret", instance.api_secret if instance else None)
    if bool(key) != bool(secret):
        raise InvalidField(
            "api_secret" if key else "api_key",
            "api_key and api_secret go together",
            "La clé et le secret de l'API vont ensemble.",
        )


def _fr(value: int) -> str:
    """10080 -> '10 080' (narrow no-break space), for French messages."""
    return f"{value:,}".replace(",", "\u202f")


def public_values(instance: Instance) -> dict[str, Any]:
    """What the audit log keeps: every setting, secrets only as set / not set."""
    out = {
        field: getattr(instance, field)
        for field in EDITABLE
        if field not in SECRET and field != "archived"
    }
    out.update({field: bool(getattr(instance, field)) for field in SECRET})
    out["archived"] = instance.archived_at is not None
    return out


def _owned_tables() -> list:
    """Tables whose rows belong to one instance (an `instance_id` column), children first."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "instance_id" in t.c]


def record_counts(session: Session, instance: Instance) -> dict[str, int]:
    """How many rows each table holds for this instance (what a deletion erases), non-zero only."""
    counts = {}
    for table in _owned_tables():
        n = session.scalar(
            select(func.count()).select_from(table).where(table.c.instance_id == instance.id)
        )
        if n:
            counts[table.name] = n
    return counts


def delete(session: Session, instance: Instance, actor: str, plugins: Any) -> dict[str, int]:
    """Erase the instance and every row that belongs to it, in one transaction; audited.

    Plugins first detach or erase their own rows that point at these records
    (`instance_deleting` hook); if anything still points at them, the database refuses and
    nothing is erased.
    """
    counts = record_counts(session, instance)
    before = public_values(instance)
    plugins.call("instance_deleting", session=session, instance_id=instance.id)
    for table in _owned_tables():
        session.execute(sql_delete(table).where(table.c.instance_id == instance.id))
    session.delete(instance)
    audit(
        session,
        actor,
        "instance.delete",
        f"instance:{instance.name}",
        before=before,
        after={"erased": counts},
    )
    session.commit()
    return counts
