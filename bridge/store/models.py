"""Tables of the bridge's store.

Synced records share the columns of `SyncedRecord`: who they belong to (instance, Decidim's id),
when Decidim last changed them, a fingerprint of their content (so an unchanged record costs no
write), when we first and last saw them change, and a tombstone time instead of a hard delete
(local data such as committee minutes may point at a record Decidim no longer shows).
Translated fields are `{locale: text}` maps. Times are stored in UTC without a zone. Texts that
come from Decidim have no length cap (`Text`): Decidim sets none, and one longer value would
otherwise stop every sync of the instance.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: Json, list[Any]: Json}


class Instance(Base):
    """One Decidim organization the bridge reads from."""

    __tablename__ = "instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(10), default="fr")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    schedule_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    schedule_cron: Mapped[str | None] = mapped_column(String(100))
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=90)
    api_key: Mapped[str | None] = mapped_column(String(200))
    api_secret: Mapped[str | None] = mapped_column(String(200))
    decidim_version: Mapped[str | None] = mapped_column(Text)
    query_set: Mapped[str | None] = mapped_column(String(10))
    # What the server's API offers, learnt from it (bridge.decidim.capabilities): {"missing": [..]}
    capabilities: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # What its write API lets us do, learnt by a signed-in probe (bridge.decidim.writer):
    # {"result_update": {"offered": .., "attributes": [..], "detail": .., "checked_at": ..}}
    write_capabilities: Mapped[dict[str, Any] | None] = mapped_column(Json)
    organization_name: Mapped[dict[str, Any] | None] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Shown on the public site only once an administrator decides so (the migration kept the
    # instances of the time published). Archived: no more syncs, hidden, records kept.
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncRun(Base):
    """One run of the sync engine over one instance: the record people read when asking why."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger: Mapped[str] = mapped_column(String(20), default="cli")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # What kind of failure (bridge.failures.kind_of): the pages explain it in one sentence.
    error_kind: Mapped[str | None] = mapped_column(String(40))
    warnings: Mapped[list[Any]] = mapped_column(Json, default=list)
    progress: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    resumed_from: Mapped[int | None] = mapped_column(Integer)


class SyncLock(Base):
    """At most one run per instance. A row here is the lock; a stale heartbeat frees it."""

    __tablename__ = "sync_locks"

    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime)


class SyncRequest(Base):
    """ "Sync now": a row the scheduler picks up within seconds."""

    __tablename__ = "sync_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    requested_by: Mapped[str | None] = mapped_column(String(200))
    picked_at: Mapped[datetime | None] = mapped_column(DateTime)
    run_id: Mapped[int | None] = mapped_column(Integer)


class Change(Base):
    """What changed upstream: one row per changed field, or one per created/removed record.

    Also the log plugins consume (`bridge.delivery`): ids grow in commit order
    (`bridge.changelog`). A mapping edited by an administrator is a row of resource
    "mappings" without a run (`bridge.mappings`)."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_instance_id_id", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"))
    resource: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    remote_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # created, updated, removed, restored
    field: Mapped[str | None] = mapped_column(String(80))
    old: Mapped[Any] = mapped_column(Json, nullable=True)
    new: Mapped[Any] = mapped_column(Json, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class PluginCursor(Base):
    """How far a plugin has consumed the change log (`bridge.delivery`): the id of the last
    change it committed, and its failures (retried with backoff)."""

    __tablename__ = "plugin_cursors"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failures in a row
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_kind: Mapped[str | None] = mapped_column(String(200))
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncedRecord:
    """Columns every record read from Decidim carries."""

    __tablename__: str  # each mapped subclass names its table

    id: Mapped[int] = mapped_column(primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    remote_created_at: Mapped[datetime | None] = mapped_column(DateTime)
    remote_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    @declared_attr
    def instance_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("instances.id"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            UniqueConstraint("instance_id", "remote_id", name=f"uq_{cls.__tablename__}_remote"),
        )


class Space(SyncedRecord, Base):
    """A participatory process or an assembly (`space_type` tells which)."""

    __tablename__ = "spaces"

    space_type: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    title: Mapped[dict[str, Any]] = mapped_column(Json)
    subtitle: Mapped[dict[str, Any] | None] = mapped_column(Json)
    short_description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    scope_remote_id: Mapped[str | None] = mapped_column(String(64))
    taxonomy_remote_ids: Mapped[list[Any] | None] = mapped_column(Json)
    steps: Mapped[list[Any]] = mapped_column(Json, default=list)

    # Decidim ids are unique per table, and processes and assemblies are two tables upstream.
    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            UniqueConstraint("instance_id", "space_type", "remote_id", name="uq_spaces_remote"),
        )


class Component(SyncedRecord, Base):
    """A component of a space; `manifest` is Decidim's type name (Proposals, Budgets, ...)."""

    __tablename__ = "components"

    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    manifest: Mapped[str] = mapped_column(Text)
    name: Mapped[dict[str, Any]] = mapped_column(Json)
    weight: Mapped[int | None] = mapped_column(Integer)


class Category(SyncedRecord, Base):
    __tablename__ = "categories"

    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    name: Mapped[dict[str, Any]] = mapped_column(Json)
    parent_remote_id: Mapped[str | None] = mapped_column(String(64))


class Scope(SyncedRecord, Base):
    """A Decidim scope (Ivry: a neighbourhood) or, from 0.30, a taxonomy (`kind`)."""

    __tablename__ = "scopes"

    kind: Mapped[str] = mapped_column(String(20), default="scope")
    name: Mapped[dict[str, Any]] = mapped_column(Json)
    parent_remote_id: Mapped[str | None] = mapped_column(String(64))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("instance_id", "kind", "remote_id", name="uq_scopes_remote"),)


class ComponentRecord(SyncedRecord):
    """A resource that lives inside a component."""

    @declared_attr
    def component_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("components.id"), index=True)

    @declared_attr
    def space_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("spaces.id"), index=True)

    reference: Mapped[str | None] = mapped_column(Text)
    title: Mapped[dict[str, Any] | None] = mapped_column(Json)
    category_remote_id: Mapped[str | None] = mapped_column(String(64))
    scope_remote_id: Mapped[str | None] = mapped_column(String(64))
    taxonomy_remote_ids: Mapped[list[Any] | None] = mapped_column(Json)


class Proposal(ComponentRecord, Base):
    __tablename__ = "proposals"

    body: Mapped[dict[str, Any] | None] = mapped_column(Json)
    answer: Mapped[dict[str, Any] | None] = mapped_column(Json)
    state: Mapped[str | None] = mapped_column(Text, index=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    official: Mapped[bool | None] = mapped_column(Boolean)
    address: Mapped[str | None] = mapped_column(Text)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    endorsements_count: Mapped[int | None] = mapped_column(Integer)
    comments_count: Mapped[int | None] = mapped_column(Integer)


class Budget(ComponentRecord, Base):
    __tablename__ = "budgets"

    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    total_budget: Mapped[int | None] = mapped_column(BigInteger)


class Project(ComponentRecord, Base):
    __tablename__ = "projects"

    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    budget_amount: Mapped[int | None] = mapped_column(BigInteger)
    selected: Mapped[bool | None] = mapped_column(Boolean)
    confirmed_votes: Mapped[int | None] = mapped_column(Integer)


class Result(ComponentRecord, Base):
    """An accountability result; children point at their parent through `parent_remote_id`."""

    __tablename__ = "results"

    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    external_id: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[int | None] = mapped_column(Integer)
    parent_remote_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status_key: Mapped[str | None] = mapped_column(Text)
    status_remote_id: Mapped[str | None] = mapped_column(String(64))
    status_name: Mapped[dict[str, Any] | None] = mapped_column(Json)
    status_progress: Mapped[int | None] = mapped_column(Integer)
    timeline: Mapped[list[Any]] = mapped_column(Json, default=list)
    # Decidim's ids of the proposals the result comes from; None where the server does not say.
    proposal_remote_ids: Mapped[list[Any] | None] = mapped_column(Json)


class Meeting(ComponentRecord, Base):
    __tablename__ = "meetings"

    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    start_time: Mapped[datetime | None] = mapped_column(DateTime)
    end_time: Mapped[datetime | None] = mapped_column(DateTime)
    type_of_meeting: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    location: Mapped[dict[str, Any] | None] = mapped_column(Json)
    attendee_count: Mapped[int | None] = mapped_column(Integer)
    contribution_count: Mapped[int | None] = mapped_column(Integer)
    attending_organizations: Mapped[str | None] = mapped_column(Text)
    closed: Mapped[bool | None] = mapped_column(Boolean)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)


class Debate(ComponentRecord, Base):
    __tablename__ = "debates"

    description: Mapped[dict[str, Any] | None] = mapped_column(Json)
    start_time: Mapped[datetime | None] = mapped_column(DateTime)
    end_time: Mapped[datetime | None] = mapped_column(DateTime)
    comments_count: Mapped[int | None] = mapped_column(Integer)


class User(Base):
    """A person of the city's participation service: `admin`, `editor` or `viewer`."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Sessions carry it; sign-out, a password or role change move it on, ending them all.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A token for the REST API, stored as a SHA-256 digest; shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """Every write, by whom, when, on what, with the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(400))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(400))
    before: Mapped[Any] = mapped_column(Json, nullable=True)
    after: Mapped[Any] = mapped_column(Json, nullable=True)


class SyncExclusion(Base):
    """A space or a component an administrator switched off: the engine no longer reads it.

    By default everything is synced; a row here switches one thing off, by Decidim's id so that
    the choice survives re-syncs (and a space or component that leaves and comes back).
    `target` is `participatory_process` or `assembly` (a space: processes and assemblies are
    two tables upstream, so their ids overlap) or `component`. Deleting the row switches it on.
    """

    __tablename__ = "sync_exclusions"
    __table_args__ = (
        UniqueConstraint("instance_id", "target", "remote_id", name="uq_sync_exclusions_remote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    target: Mapped[str] = mapped_column(String(40))
    remote_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(400))


class ScopeNeighbourhood(Base):
    """Decidim scope (or, from 0.30, taxonomy: `scope_kind`) -> the city's neighbourhood name."""

    __tablename__ = "scope_neighbourhoods"
    __table_args__ = (
        UniqueConstraint(
            "instance_id", "scope_kind", "scope_remote_id", name="uq_scope_neighbourhoods_remote"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    scope_kind: Mapped[str] = mapped_column(String(20), default="scope")
    scope_remote_id: Mapped[str] = mapped_column(String(64))
    neighbourhood: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CategoryTheme(Base):
    """Decidim category (one table upstream, whatever its space) -> the city's theme name."""

    __tablename__ = "category_themes"
    __table_args__ = (
        UniqueConstraint("instance_id", "category_remote_id", name="uq_category_themes_remote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    category_remote_id: Mapped[str] = mapped_column(String(64))
    theme: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    """A refused sign-in, by network address: too many from one address in a while and that
    address waits, whichever accounts it tries (the per-account lock is on `User`)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SchedulerHeartbeat(Base):
    """The acting scheduler writes its row every poll: pages warn when no row is recent."""

    __tablename__ = "scheduler_heartbeats"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    beat_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class OutboxMessage(Base):
    """An e-mail waiting to go, or that went (`bridge.mail`): queued in the caller's
    transaction, sent by the scheduler's mail job, kept with its attempts and last error until
    it is sent or given up. One recipient per row, so that erasing an address (GDPR) erases
    exactly that person's mail. `dedupe_key` (optional, unique) makes queueing idempotent."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    queued_by: Mapped[str] = mapped_column(String(80))  # the plugin (or "core") that queued it
    kind: Mapped[str] = mapped_column(String(80))  # what it is, e.g. "committees.reminder"
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300))  # set at the first attempt
    # pending -> sending -> sent; back to pending on a temporary failure; failed when given up
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
