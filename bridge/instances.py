"""Instances as the admin UI, the write API and the CLI change them: one set of rules.

An instance's life: added unpublished (publishing on the public site is a decision, `published`),
synced, possibly archived (`archived`: no more syncs, hidden from the public site, records
kept) or deleted (its synced records erased, after a confirmation that says how many go).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bridge.accounts import audit
from bridge.i18n import N_, MessageError
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
# A language code as Decidim names its locales ("fr", "en", "pt-BR", "sr-Latn"): translated
# fields are keyed by it, so "français" would match none of them.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}")
# Whole numbers: (lowest, highest). A year of minutes; far above any Decidim's own rate limit.
BOUNDS = {"schedule_interval_minutes": (1, 525_600), "rate_limit_per_minute": (0, 100_000)}


class InvalidField(MessageError):
    """One field's value is refused; `field` names it (HTTP 422, the form's field in error)."""

    field: str  # always named, unlike a MessageError's

    def __init__(self, field: str, msgid: str, **variables: object):
        super().__init__(msgid, field, **variables)


# One msgid a field where the French names the field ("L'activation", "L'intervalle"...).
NOT_A_FLAG = {
    "enabled": N_("enabled is true or false"),
    "published": N_("published is true or false"),
    "archived": N_("archived is true or false"),
}
OUT_OF_BOUNDS = {
    "schedule_interval_minutes": N_("schedule_interval_minutes is a whole number from 1 to 525600"),
    "rate_limit_per_minute": N_("rate_limit_per_minute is a whole number from 0 to 100000"),
}


def validate(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Checked and normalised values; raises InvalidField on the first bad one."""
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE) - ({"name"} if creating else set())
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidField(field, N_("%(name)s cannot be set here"), name=field)
    if creating:
        name = str(values.get("name") or "").strip()
        if not name or len(name) > 100 or "/" in name:
            raise InvalidField(
                "name",
                N_("name is required (100 characters at most, no '/')"),
            )
        out["name"] = name
        if "base_url" not in values:
            raise InvalidField("base_url", N_("base_url is required"))
    if "base_url" in values:
        url = str(values["base_url"] or "").strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise InvalidField(
                "base_url",
                N_("base_url must start with http:// or https://"),
            )
        if url.endswith("/api"):
            raise InvalidField(
                "base_url",
                N_("base_url is the site root; the bridge adds /api"),
            )
        if len(url) > 500:
            raise InvalidField(
                "base_url",
                N_("base_url has 500 characters at most"),
            )
        out["base_url"] = url
    if "locale" in values:
        locale = str(values["locale"] or "").strip()
        if not LANGUAGE_CODE.fullmatch(locale):
            raise InvalidField(
                "locale",
                N_("locale is a language code such as fr or en"),
            )
        out["locale"] = locale
    for flag in ("enabled", "published", "archived"):
        if flag in values:
            if not isinstance(values[flag], bool):
                raise InvalidField(flag, NOT_A_FLAG[flag])
            out[flag] = values[flag]
    for field, (low, high) in BOUNDS.items():
        if field in values and values[field] is not None:
            value = values[field]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidField(field, OUT_OF_BOUNDS[field])
            out[field] = value
        elif field in values and field == "schedule_interval_minutes":
            out[field] = None
    if "schedule_cron" in values:
        cron = values["schedule_cron"]
        if cron and (not isinstance(cron, str) or len(cron) > 100):
            raise InvalidField(
                "schedule_cron",
                N_("schedule_cron is a crontab of 100 characters at most"),
            )
        if cron:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(cron)
            except ValueError as exc:
                raise InvalidField(
                    "schedule_cron",
                    N_("not a crontab expression: %(reason)s"),
                    reason=str(exc),
                ) from exc
        out["schedule_cron"] = cron or None
    for field in SECRET:
        if field in values:
            value = values[field]
            if value is not None and (not isinstance(value, str) or len(value) > 200):
                raise InvalidField(
                    field,
                    N_("%(name)s is a text of 200 characters at most"),
                    name=field,
                )
            out[field] = value or None
    return out


def create(session: Session, values: dict[str, Any], actor: str) -> Instance:
    values = validate(values, creating=True)
    if values.pop("archived", False):
        raise InvalidField(
            "archived",
            N_("a new instance cannot be archived"),
        )
    if session.scalar(select(Instance.id).where(Instance.name == values["name"])):
        raise InvalidField(
            "name",
            N_("an instance named %(name)r already exists"),
            name=values["name"],
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
            N_("an archived instance is not synced: unarchive it first"),
        )
    before = public_values(instance)
    if values.get("base_url", instance.base_url) != instance.base_url:
        forget_server(instance)
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


def forget_server(instance: Instance) -> None:
    """What was learnt from the previous address (version, query set, what its API reads and
    writes) does not describe another server: the pages say "not known yet", the next sync
    detects again and a write to Decidim probes again."""
    instance.decidim_version = None
    instance.query_set = None
    instance.capabilities = None
    instance.write_capabilities = None


def _check_schedule(values: dict[str, Any], instance: Instance | None) -> None:
    interval = values.get(
        "schedule_interval_minutes", instance.schedule_interval_minutes if instance else None
    )
    cron = values.get("schedule_cron", instance.schedule_cron if instance else None)
    if interval and cron:
        raise InvalidField(
            "schedule_cron",
            N_("choose an interval or a crontab, not both"),
        )


def _check_credentials(values: dict[str, Any], instance: Instance | None) -> None:
    """Decidim's API user is a key and a secret: one without the other cannot sign in."""
    key = values.get("api_key", instance.api_key if instance else None)
    secret = values.get("api_secret", instance.api_secret if instance else None)
    if bool(key) != bool(secret):
        raise InvalidField(
            "api_secret" if key else "api_key",
            N_("api_key and api_secret go together"),
        )


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
