"""What a plugin can do: the hook specifications, in one place.

A plugin is a module or object with functions named like the hooks below, decorated with
`bridge.plugin.hookimpl`, and declared in its package's `pyproject.toml`:

    [project.entry-points."civic_bridge.plugins"]
    budget = "plugins.budget"

Installed is not enabled: a deployment lists the plugins it runs in its settings
(`[plugins] enabled = ["budget", "digest"]`, which replaces the default list). Every hook is
optional and receives `context` (a `bridge.context.PluginContext`: settings, the plugin's own
`config`, sessions, audit, identity, records, pagination); an implementation names only the
arguments it uses. A hook that raises is logged and skipped for that call; it never breaks a
sync or a page of the core.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from sqlalchemy.orm import Session

    from bridge.context import PluginContext
    from bridge.records import RecordKey
    from bridge.store.models import Change, Instance, Project, Result, SyncRun

PROJECT = "civic_bridge"
ENTRY_POINT_GROUP = "civic_bridge.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class MenuItem:
    """An entry of the admin menu. `label` is an English msgid of the plugin's own catalog,
    marked for extraction: `MenuItem(N_("Follow-up budget"), "budget.index")`; the menu shows
    it translated in the reader's language (docs/translation.md)."""

    label: str
    endpoint: str
    role: str = "editor"


@dataclass(frozen=True)
class PublicLink:
    """A link on the public site: `label` is an English msgid of the plugin's own catalog,
    marked with `N_`, shown translated; `endpoint` a public page of the plugin (no sign-in
    needed)."""

    label: str
    endpoint: str


@dataclass(frozen=True)
class Job:
    """A job the scheduler runs: `trigger` is `{"interval": minutes}` or `{"cron": "0 3 * * *"}`."""

    id: str
    func: Any
    trigger: dict[str, Any]


@dataclass(frozen=True)
class Export:
    """A download: `func(session)` returns bytes, or an iterator of bytes to stream a long
    one (the session then lives until the download ends or the client leaves), in
    `media_type`, offered as `filename`. It may raise `Problem` to refuse."""

    name: str
    filename: str
    media_type: str
    func: Any


@dataclass(frozen=True)
class Money:
    """The money beside a synced result or project, in euro cents: what was set aside for it
    (`allocated`), committed (engagements) and paid (mandatements); None when not known.
    `resource` is "results" or "projects", `record_id` our id of the record."""

    resource: str
    record_id: int
    allocated_cents: int | None = None
    committed_cents: int | None = None
    paid_cents: int | None = None


@dataclass(frozen=True)
class ReferenceMoney:
    """The money of a cited record (`reference` is `"kind:key"` of a `Reference`, e.g.
    "budget.allocation:7"), in euro cents, None when not known. `results` are the synced
    accountability results whose `result_money` already counts this money: a reader adding
    both leaves it out where it has one of them (no double counting). `budget` names the
    budget the money comes out of (a budget's envelope) and `budget_cents` its total, so a
    report can say how much of it its actions use. `projects` are the synced voted projects
    whose `result_money` already counts it, read the same way as `results` (a commitment citing
    both a project and the allocation funding it counts the money once)."""

    reference: str
    allocated_cents: int | None = None
    committed_cents: int | None = None
    paid_cents: int | None = None
    results: tuple[RecordKey, ...] = ()
    budget: str | None = None
    budget_cents: int | None = None
    projects: tuple[RecordKey, ...] = ()


@dataclass(frozen=True)
class Plural:
    """An audit sentence whose words agree with a number of the entry's `after`: English
    msgids for one and for many, `count` the key of `after` that holds the number.
    `Plural("{who} imported {after[lines]} line", "{who} imported {after[lines]} lines",
    "lines")`; the French catalog gives its forms (0 and 1 singular)."""

    singular: str
    plural: str
    count: str


@dataclass(frozen=True)
class AuditWording:
    """How the audit log page says a plugin's actions, as sentences in the reader's language.

    Every text is an English msgid of the plugin's own catalog, marked for extraction (`N_`,
    `Plural`) and translated there (docs/translation.md):

    - `actions`: {action: N_("{who} created the envelope “{after[name]}”")} or a `Plural`;
      placeholders (str.format) are `who`, `target` (the target's id, after its `kind:`),
      `before[...]` and `after[...]`, their values already in words.
    - `labels`: a short name of each action, for the page's filter (N_("envelope created")).
    - `fields`: names of the keys of `before`/`after` ({"amount": N_("amount")}), listed as
      "montant 10 → 20" for the keys a change touched.
    - `values`: stored values in words ({"confirmed": N_("confirmed")}).
    - `units`: put after a key's numbers, not translated ({"amount": "\u00a0€"}).
    """

    actions: dict[str, str | Plural]
    labels: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """Something of a plugin that another may cite as evidence or link to: a decision, an
    action item, an allocation, a ledger line.

    `kind` names what it is, prefixed with the plugin's name ("budget.allocation",
    "committees.decision"); `key` is stable within its kind (it survives a re-import; a citing
    plugin stores the pair `(kind, key)`, never a row of yours); `label` says it in a line, in
    the reader's language; `url` is a page of this bridge or an absolute URL (None when there is
    none, or outside a request); `date` the day it is of (a decision's meeting, a line's day);
    `detail` a short second line (an amount, a status)."""

    kind: str
    key: str
    label: str
    url: str | None = None
    date: datetime.date | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        if "." not in self.kind or not self.key or not self.label:
            raise ValueError(f"a reference needs a 'plugin.kind', a key and a label: {self!r}")


FOLLOWUP_STATUSES = ("done", "in_progress", "to_do")


@dataclass(frozen=True)
class FollowupAction:
    """An action a plugin follows up, as a review meeting's progress report lists it.

    `key` is stable ("committees.action_item:12"); `status` one of `FOLLOWUP_STATUSES`
    ("done", "in_progress", "to_do"); `progress` 0-100 or None; `priority` the voted priority
    or theme it serves, as the city words it (the report groups by it; None: "other");
    `committee` the name of the committee that carries it; `decisions` the decisions it comes
    from, as `Reference`s; `results` the synced accountability results it moves, by
    `RecordKey` (their money comes from the `result_money` hook); `spends` the cited records
    whose money it spends, as `"kind:key"` of a `Reference` ("budget.allocation:7"; their
    money comes from the `reference_money` hook); `due` its due day; `url` its page. Values
    out of range raise ValueError."""

    key: str
    title: str
    status: str
    progress: int | None = None
    priority: str | None = None
    committee: str | None = None
    decisions: tuple[Reference, ...] = ()
    results: tuple[RecordKey, ...] = ()
    due: datetime.date | None = None
    url: str | None = None
    spends: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if any(":" not in key for key in self.spends):
            raise ValueError(f"spends holds 'kind:key' strings: {self.spends!r}")
        if self.status not in FOLLOWUP_STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {FOLLOWUP_STATUSES}")
        if self.progress is not None and not 0 <= self.progress <= 100:
            raise ValueError(f"progress {self.progress} is not within 0-100")
        if not self.key or not self.title:
            raise ValueError("a follow-up action needs a key and a title")


@hookspec
def settings_model(context: PluginContext) -> type | None:
    """The dataclass of the plugin's own settings, the `[plugins.NAME]` table of the
    deployment's TOML file. Every field has a default; the table is checked at start (an
    unknown key, a wrong type, a value `__post_init__` refuses with ValueError: the bridge
    does not start, and says which plugin and key). The result is `context.config`
    (`context.config` is None until this hook has run).

    Example::

        @dataclass(frozen=True)
        class DigestSettings:
            keep_days: int = 90

        @hookimpl
        def settings_model(context):
            return DigestSettings
    """


@hookspec
def migrations_path(context: PluginContext) -> str | None:
    """The folder of the plugin's own Alembic branch, upgraded by `bridge db upgrade`.

    Example::

        @hookimpl
        def migrations_path():
            return str(Path(__file__).parent / "migrations")
    """


@hookspec
def blueprints(context: PluginContext) -> list[Blueprint]:
    """Flask blueprints: admin pages, public pages and API routes of the plugin.

    Example::

        @hookimpl
        def blueprints():
            return [admin_blueprint, public_blueprint, api_blueprint]
    """


@hookspec
def admin_menu(context: PluginContext) -> list[MenuItem]:
    """Entries of the admin menu; each `label` is translated through the plugin's catalog.

    Example::

        @hookimpl
        def admin_menu():
            return [MenuItem(N_("Follow-up budget"), "budget.index")]
    """


@hookspec
def public_links(context: PluginContext) -> list[PublicLink]:
    """Links shown on every page of the public site (`/`, `/public/...`), to the plugin's own
    public pages. The endpoint must need no sign-in; `?lang=en` is added in English; each
    `label` is translated through the plugin's catalog.

    Example::

        @hookimpl
        def public_links():
            return [PublicLink(N_("Follow-up budget"), "budget_public.page")]
    """


@hookspec
def scheduled_jobs(context: PluginContext) -> list[Job]:
    """Jobs for `bridge scheduler` (reminders, reports). `func` is called with no argument;
    keep `context` in a closure to reach the database.

    Example::

        @hookimpl
        def scheduled_jobs(context):
            return [Job("budget-warnings", lambda: check_overruns(context),
                        {"cron": "0 7 * * 1"})]
    """


@hookspec
def cli_commands(context: PluginContext) -> list[click.Command]:
    """Commands added under `bridge`.

    Example::

        @hookimpl
        def cli_commands():
            return [budget_group]   # then: bridge budget ...
    """


@hookspec
def consume_changes(context: PluginContext, session: Session, changes: list[Change]) -> None:
    """The change log, in order, a batch at a time, off the sync's path (`bridge.delivery`).

    `changes` are committed rows of the log (`Change`: `id`, `instance_id`, `resource`,
    `record_id`, `remote_id`, `kind` created/updated/removed/restored, `field`, `old`, `new`,
    `changed_at`); resource "mappings" says an administrator mapped a scope or category (see
    `docs/plugins.md`). Write through `session` and do not commit: the bridge commits your
    writes and moves your cursor past the batch in one transaction. Raise to refuse the batch:
    it is rolled back and delivered again later (with backoff). A batch may come twice (after a
    crash or a replay), so apply it idempotently.

    Example::

        @hookimpl
        def consume_changes(context, session, changes):
            for change in changes:
                if change.resource == "projects" and change.field == "selected" and change.new:
                    propose_allocation(session, change.record_id)
    """


@hookspec
def sync_finished(context: PluginContext, run: SyncRun) -> None:
    """Called when a sync run ends, whatever its status.

    Example::

        @hookimpl
        def sync_finished(context, run):
            if run.status == "succeeded":
                with context.transaction() as session:
                    refresh_figures(session, run.instance_id)
    """


@hookspec
def exports(context: PluginContext) -> list[Export]:
    """Downloads the plugin offers (CSV, XLSX, JSON ...).

    Example::

        @hookimpl
        def exports():
            return [Export("envelopes", "enveloppes.csv", "text/csv", envelopes_csv)]
    """


@hookspec
def seed_demo(context: PluginContext) -> None:
    """Called by `bridge demo` after its first sync: add plausible demo data, idempotently.

    Example::

        @hookimpl
        def seed_demo(context):
            with context.transaction() as session:
                if not session.scalar(select(Envelope)):
                    session.add(Envelope(name="Suites du vote", amount_cents=70_000_000))
    """


@hookspec
def openapi_paths(context: PluginContext) -> dict[str, Any]:
    """OpenAPI 3.1 path items of the plugin's API routes, merged into /api/v1/openapi.json.
    Paths are relative to /api/v1.

    Example::

        @hookimpl
        def openapi_paths():
            return {"/budget/envelopes": {"get": {"summary": "Envelopes and their figures",
                                                  "responses": {"200": {"description": "OK"}}}}}
    """


@hookspec
def result_money(
    context: PluginContext,
    session: Session,
    instance: Instance,
    results: list[Result],
    projects: list[Project],
) -> list[Money]:
    """The money of the results and projects a public follow-up page shows (the core keeps no
    money of its own). Answer only for the records you know; read with `session`, never write.

    Example::

        @hookimpl
        def result_money(context, session, instance, results, projects):
            ids = [r.id for r in results]
            rows = session.execute(select(Allocation.result_id, Allocation.amount_cents)
                                   .where(Allocation.result_id.in_(ids)))
            return [Money("results", result_id, allocated_cents=cents)
                    for result_id, cents in rows]
    """


@hookspec
def reference_money(
    context: PluginContext, session: Session, references: list[str]
) -> list[ReferenceMoney]:
    """The money of cited records, by their `"kind:key"` (a progress report asks it for the
    budget allocations its actions spend). Answer only for the kinds you own, at most once
    per reference; read with `session`, never write.

    Example::

        @hookimpl
        def reference_money(session, references):
            ids = [int(r.split(":")[1]) for r in references if r.startswith("budget.allocation:")]
            return [ReferenceMoney(f"budget.allocation:{a.id}", allocated_cents=a.amount_cents)
                    for a in session.scalars(select(Allocation).where(Allocation.id.in_(ids)))]
    """


@hookspec
def instance_deleting(context: PluginContext, session: Session, instance_id: int) -> None:
    """An administrator is deleting an instance: its synced records are about to be erased in
    this session's transaction (committed by the core). Delete or detach your rows that point
    at them; if one still points at them the database refuses and nothing is erased.

    Example::

        @hookimpl
        def instance_deleting(context, session, instance_id):
            session.execute(update(Allocation)
                            .where(Allocation.project_id.in_(project_ids_of(instance_id)))
                            .values(project_id=None))
    """


@hookspec
def audit_wording(context: PluginContext) -> list[AuditWording]:
    """Sentences for the plugin's audit actions on the audit log page (the raw entries stay in
    the API and the CSV). The texts are msgids of the plugin's own catalog (`AuditWording`).

        @hookimpl
        def audit_wording():
            return [AuditWording(
                actions={"budget.envelope.create": N_("{who} created “{after[name]}”")},
                labels={"budget.envelope.create": N_("budget: envelope created")},
            )]
    """


@hookspec
def references(
    context: PluginContext, session: Session, kind: str | None, search: str | None
) -> list[Reference]:
    """Items of the plugin that others may cite as evidence or link to (a commitment's
    evidence, a report's decisions). `kind` None asks for every kind, else only that one
    (answer [] for a kind that is not yours); `search` None asks for all, else the items whose
    label (or key) contains it, case-insensitively. Read with `session`, never write; keep the
    list short enough for a picker (a search narrows it). Another plugin asks every plugin
    with `context.collect("references", session=..., kind=..., search=...)`.

    Example::

        @hookimpl
        def references(session, kind, search):
            if kind not in (None, "budget.allocation"):
                return []
            query = select(Allocation).order_by(Allocation.id)
            if search:
                query = query.where(Allocation.label.icontains(search))
            return [Reference("budget.allocation", str(a.id), a.label)
                    for a in session.scalars(query.limit(200))]
    """


@hookspec
def followup_actions(context: PluginContext, session: Session) -> list[FollowupAction]:
    """The actions the plugin follows up (a committee's action items), for the progress
    report of a review meeting: per voted priority, what is done, in progress and to do.
    Read with `session`, never write. Another plugin asks with
    `context.collect("followup_actions", session=...)`.

    Example::

        @hookimpl
        def followup_actions(session):
            return [FollowupAction(f"committees.action_item:{item.id}", item.title,
                                   "done" if item.progress == 100 else "in_progress",
                                   progress=item.progress, priority=item.priority)
                    for item in session.scalars(select(ActionItem))]
    """
