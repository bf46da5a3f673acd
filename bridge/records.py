"""Read-only access to synced records for plugins (`context.records`), by stable keys.

A plugin keeps synced records by their instance's name and Decidim's id, never by our row ids
(an instance erased and synced again renumbers them), and reads them here rather than querying
the core's tables: the tables can change behind this API. Spaces are keyed by their type too
(processes and assemblies are two tables upstream, so their ids overlap).

Every read opens its own short session and hands back records detached from it: a long walk
reads `batch` rows per transaction, so it never holds the sync (or SQLite's checkpoint) up, and
a change made to a record is never written (the sync owns these tables).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from bridge.store.db import BIGGEST_ID
from bridge.store.models import (
    Budget,
    Category,
    Change,
    Component,
    ComponentRecord,
    Debate,
    Instance,
    Meeting,
    Project,
    Proposal,
    Result,
    Space,
    SyncedRecord,
)

Sessions = Callable[[], sessionmaker[Session]]
R = TypeVar("R", bound=SyncedRecord)
C = TypeVar("C", bound=ComponentRecord)

BATCH = 500  # rows per read transaction, and remote ids per `IN (...)`

# Synced records a plugin may read, by our resource name (the API's and the changes log's).
# Spaces are read through `Records.spaces` (their key has a type); scopes are not offered.
RECORD_MODELS: dict[str, type[SyncedRecord]] = {
    "components": Component,
    "categories": Category,
    "proposals": Proposal,
    "budgets": Budget,
    "projects": Project,
    "results": Result,
    "meetings": Meeting,
    "debates": Debate,
}
SPACE_TYPES = ("participatory_process", "assembly")


class RecordKey(NamedTuple):
    """A synced record's stable key: it survives our ids being renumbered (a restore, a
    re-import), because it is Decidim's own id within a named instance."""

    instance: str
    resource: str
    remote_id: str


class SpaceKey(NamedTuple):
    """A space's stable key within an instance: its type ("participatory_process" or
    "assembly") and Decidim's id, unique only together."""

    space_type: str
    remote_id: str


class Place(NamedTuple):
    """Where a record lives, by stable keys: its instance, its space, its component (a
    component's is itself; None for a space's own records, categories)."""

    instance: str
    space: SpaceKey
    component_remote_id: str | None


class InstanceInfo(NamedTuple):
    """What a plugin may know of an instance (never its API credentials). `base_url` names the
    Decidim site: two instances reading one Decidim hold the same records twice."""

    name: str
    base_url: str
    locale: str
    published: bool
    archived: bool
    # "Type.field" names the server's API lacks, learnt from the server by the sync's probe
    # (docs/decidim.md); None until a sync has asked it.
    missing: frozenset[str] | None = None

    def offers(self, field: str) -> bool | None:
        """Whether the server's API has `field` ("Result.category"); None when not known yet."""
        return None if self.missing is None else field not in self.missing


def _info(instance: Instance) -> InstanceInfo:
    learnt = instance.capabilities
    missing = learnt.get("missing") if isinstance(learnt, dict) else None
    return InstanceInfo(
        instance.name,
        instance.base_url,
        instance.locale,
        instance.published,
        instance.archived_at is not None,
        frozenset(str(f) for f in missing) if isinstance(missing, list) else None,
    )


class _Reader:
    """Short sessions, and the instance name <-> id lookups every read starts with."""

    def __init__(self, sessions: Sessions):
        self._sessions = sessions

    def session(self) -> Session:
        return self._sessions()()

    def instance_id(self, session: Session, name: str) -> int | None:
        return session.scalar(select(Instance.id).where(Instance.name == name))

    def walk(
        self,
        model: type[R],
        instance: str | int,
        where: Sequence[ColumnElement[bool]],
        batch: int,
    ) -> Iterator[R]:
        """The rows of `model` in `instance` (its name, or our id of it) matching `where`, in
        our id order, `batch` per read transaction (keyset paging: a row the sync adds
        meanwhile is read or not, never twice)."""
        if batch < 1:
            raise ValueError("batch must be at least 1")
        after = 0
        while True:
            with self.session() as session:
                instance_id = (
                    instance if isinstance(instance, int) else self.instance_id(session, instance)
                )
                if instance_id is None:
                    return
                rows = session.scalars(
                    select(model)
                    .where(model.instance_id == instance_id, model.id > after, *where)
                    .order_by(model.id)
                    .limit(batch)
                ).all()
                session.expunge_all()
            yield from rows
            if len(rows) < batch:
                return
            after = rows[-1].id

    def one(self, model: type[R], where: Sequence[ColumnElement[bool]]) -> R | None:
        with self.session() as session:
            found = session.scalars(select(model).where(*where).limit(1)).first()
            session.expunge_all()
            return found


def _live(model: type[SyncedRecord], removed: bool) -> list[ColumnElement[bool]]:
    return [] if removed else [model.removed_at.is_(None)]


def _chunks(remote_ids: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for remote_id in dict.fromkeys(str(r) for r in remote_ids):
        chunk.append(remote_id)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Kind(Generic[R]):
    """The synced records of one resource (`context.records.projects`, ...), by Decidim id.

    `get` and `many` find removed records too (their `removed_at` is set: local data may still
    point at them); listings leave them out unless `removed=True`."""

    def __init__(self, reader: _Reader, resource: str, model: type[R]):
        self._reader = reader
        self.resource = resource
        self.model = model

    def get(self, instance: str, remote_id: str) -> R | None:
        """The record of that key, or None (no such instance, or never synced)."""
        model = self.model
        return self._reader.one(
            model,
            [
                model.instance_id == _instance_row(instance),
                model.remote_id == str(remote_id),
            ],
        )

    def by_id(self, record_id: int | None) -> R | None:
        """The record of our id, as the core's API and pages show it (`/api/v1/projects/42`),
        for a plugin's form or API that takes one. Never store it: keep `key_of`'s key."""
        if not _an_id(record_id):
            return None
        return self._reader.one(self.model, [self.model.id == record_id])

    def many(self, instance: str, remote_ids: Iterable[str]) -> dict[str, R]:
        """The records of these Decidim ids that exist, by id (read `BATCH` ids at a time)."""
        found: dict[str, R] = {}
        for chunk in _chunks(remote_ids):
            for row in self._reader.walk(
                self.model, instance, [self.model.remote_id.in_(chunk)], BATCH
            ):
                found[row.remote_id] = row
        return found

    def iterate(
        self,
        instance: str,
        *,
        remote_ids: Iterable[str] | None = None,
        removed: bool = False,
        batch: int = BATCH,
    ) -> Iterator[R]:
        """Every record of the instance (or those of `remote_ids`), in our id order."""
        return self._iterate(instance, [], remote_ids, removed, batch)

    def _iterate(
        self,
        instance: str,
        where: list[ColumnElement[bool]],
        remote_ids: Iterable[str] | None,
        removed: bool,
        batch: int,
    ) -> Iterator[R]:
        where = where + _live(self.model, removed)
        if remote_ids is None:
            yield from self._reader.walk(self.model, instance, where, batch)
            return
        rows = [
            row
            for chunk in _chunks(remote_ids)
            for row in self._reader.walk(
                self.model, instance, [*where, self.model.remote_id.in_(chunk)], batch
            )
        ]
        yield from sorted(rows, key=lambda row: row.id)

    def key(self, instance: str, remote_id: str) -> RecordKey:
        return RecordKey(instance, self.resource, str(remote_id))


class Spaces:
    """Participatory processes and assemblies (`context.records.spaces`), by type and id."""

    resource = "spaces"

    def __init__(self, reader: _Reader):
        self._reader = reader

    def get(self, instance: str, space: SpaceKey | tuple[str, str]) -> Space | None:
        space_type, remote_id = _space_key(space)
        return self._reader.one(
            Space,
            [
                Space.instance_id == _instance_row(instance),
                Space.space_type == space_type,
                Space.remote_id == remote_id,
            ],
        )

    def by_id(self, space_id: int | None) -> Space | None:
        """The space of our id, as the core's API and pages show it (never store it)."""
        if not _an_id(space_id):
            return None
        return self._reader.one(Space, [Space.id == space_id])

    def iterate(
        self,
        instance: str,
        *,
        space_type: str | None = None,
        removed: bool = False,
        batch: int = BATCH,
    ) -> Iterator[Space]:
        """The instance's spaces (of one type if given), in our id order."""
        where = _live(Space, removed)
        if space_type is not None:
            where.append(Space.space_type == _space_type(space_type))
        return self._reader.walk(Space, instance, where, batch)

    def key_of(self, space: Space) -> SpaceKey:
        return SpaceKey(space.space_type, space.remote_id)


class Components(Kind[Component]):
    """Components (`context.records.components`): by space and by manifest ("Budgets",
    "Accountability", "Proposals", ...) too."""

    def iterate(
        self,
        instance: str,
        *,
        space: SpaceKey | tuple[str, str] | None = None,
        manifest: str | None = None,
        remote_ids: Iterable[str] | None = None,
        removed: bool = False,
        batch: int = BATCH,
    ) -> Iterator[Component]:
        where: list[ColumnElement[bool]] = []
        if space is not None:
            where.append(Component.space_id == _space_row(instance, space))
        if manifest is not None:
            where.append(Component.manifest == manifest)
        return self._iterate(instance, where, remote_ids, removed, batch)


class InComponent(Kind[C]):
    """Records that live in a component (proposals, budgets, projects, results, meetings,
    debates): by component and by space too."""

    def iterate(
        self,
        instance: str,
        *,
        component: str | None = None,
        space: SpaceKey | tuple[str, str] | None = None,
        remote_ids: Iterable[str] | None = None,
        removed: bool = False,
        batch: int = BATCH,
    ) -> Iterator[C]:
        """The records of the instance, or of one component (its Decidim id), or of one space;
        or those of `remote_ids`; in our id order."""
        return self._iterate(
            instance, self._where(instance, component, space), remote_ids, removed, batch
        )

    def _where(
        self, instance: str, component: str | None, space: SpaceKey | tuple[str, str] | None
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if component is not None:
            where.append(self.model.component_id == _component_row(instance, component))
        if space is not None:
            where.append(self.model.space_id == _space_row(instance, space))
        return where


class Projects(InComponent[Project]):
    """Projects (`context.records.projects`), and the projects of one budget."""

    def of_budget(self, budget: Budget, *, removed: bool = False) -> list[Project]:
        """The budget's projects, in our id order."""
        where = [Project.budget_id == budget.id, *_live(Project, removed)]
        return list(self._reader.walk(Project, budget.instance_id, where, BATCH))

    def budget_of(self, project: Project) -> Budget | None:
        return self._reader.one(Budget, [Budget.id == project.budget_id])


class Results(InComponent[Result]):
    """Accountability results (`context.records.results`): a result's parent and children."""

    def parent(self, result: Result) -> Result | None:
        """The result this one details (Decidim's parent), or None for a top-level one."""
        if result.parent_remote_id is None:
            return None
        return self._reader.one(
            Result,
            [
                Result.instance_id == result.instance_id,
                Result.remote_id == result.parent_remote_id,
            ],
        )

    def children(self, result: Result, *, removed: bool = False) -> list[Result]:
        """The results that detail this one, in our id order."""
        where = [Result.parent_remote_id == result.remote_id, *_live(Result, removed)]
        return list(self._reader.walk(Result, result.instance_id, where, BATCH))

    def top_level(
        self, instance: str, *, component: str | None = None, removed: bool = False
    ) -> list[Result]:
        """The results without a parent (of one component if given), in our id order."""
        where = [*self._where(instance, component, None), Result.parent_remote_id.is_(None)]
        return list(self._iterate(instance, where, None, removed, BATCH))


class Records:
    """Synced records, read-only, by instance name, resource and Decidim id.

    Typed reads per resource: `spaces`, `components`, `categories`, `proposals`, `budgets`,
    `projects`, `results`, `meetings`, `debates` (see `Kind`, `InComponent`, `Projects`,
    `Results`, `Spaces`); `get` and `iterate` take the resource by name, where a plugin holds
    a name (a change's `resource`, a stored key)."""

    def __init__(self, sessions: Sessions):
        self._reader = _Reader(sessions)
        reader = self._reader
        self.spaces = Spaces(reader)
        self.components = Components(reader, "components", Component)
        self.categories = Kind(reader, "categories", Category)
        self.proposals = InComponent(reader, "proposals", Proposal)
        self.budgets = InComponent(reader, "budgets", Budget)
        self.projects = Projects(reader, "projects", Project)
        self.results = Results(reader, "results", Result)
        self.meetings = InComponent(reader, "meetings", Meeting)
        self.debates = InComponent(reader, "debates", Debate)
        self._kinds: dict[str, Kind[SyncedRecord]] = {
            name: Kind(reader, name, model) for name, model in RECORD_MODELS.items()
        }

    @classmethod
    def beside(cls, session: Session) -> Records:
        """The records of the database `session` is on, for code handed a session rather than
        the context (a plugin's write helpers, its tests). Reads still go through their own
        short sessions: they see what is committed, never `session`'s pending writes."""
        maker = sessionmaker(bind=session.get_bind())
        return cls(lambda: maker)

    def get(self, instance: str, resource: str, remote_id: str) -> SyncedRecord | None:
        return self._kind(resource).get(instance, remote_id)

    def iterate(
        self,
        instance: str,
        resource: str,
        *,
        remote_ids: Iterable[str] | None = None,
        removed: bool = False,
        batch: int = BATCH,
    ) -> Iterator[SyncedRecord]:
        """Every record of `resource` in `instance`, in our id order, read `batch` at a time
        (a short read transaction each, so a long walk never holds the sync up)."""
        return self._kind(resource).iterate(
            instance, remote_ids=remote_ids, removed=removed, batch=batch
        )

    def key(self, instance: str, resource: str, remote_id: str) -> RecordKey:
        self._kind(resource)
        return RecordKey(instance, resource, str(remote_id))

    def key_of(self, record: SyncedRecord) -> RecordKey:
        """The stable key of a record a hook handed over (for a space, `spaces.key_of` gives
        the type that goes with its id)."""
        resource = record.__tablename__
        name = self.instance_name(record.instance_id)
        if name is None:
            raise LookupError(f"{resource} {record.remote_id}: its instance is gone")
        return RecordKey(name, resource, record.remote_id)

    def instances(self) -> list[InstanceInfo]:
        """Every instance, by name."""
        with self._reader.session() as session:
            rows = session.scalars(select(Instance).order_by(Instance.name)).all()
            return [_info(row) for row in rows]

    def instance(self, name: str) -> InstanceInfo | None:
        with self._reader.session() as session:
            row = session.scalar(select(Instance).where(Instance.name == name))
            return None if row is None else _info(row)

    def instance_name(self, instance_id: int) -> str | None:
        """The name of the instance of that id (as `Change.instance_id`, `record.instance_id`
        give it), or None once it is deleted."""
        return _instance_name(self._reader, instance_id)

    def changed(self, change: Change) -> SyncedRecord | Space | None:
        """The record a change of the log is about (removed ones too), or None for a change
        that is not about a record (a mapping edit) or whose record is gone since."""
        model: type[SyncedRecord] | None = (
            Space if change.resource == "spaces" else RECORD_MODELS.get(change.resource)
        )
        if model is None:
            return None
        return self._reader.one(
            model, [model.id == change.record_id, model.instance_id == change.instance_id]
        )

    def component_of(self, record: ComponentRecord) -> Component | None:
        return self._reader.one(Component, [Component.id == record.component_id])

    def space_of(self, record: Component | ComponentRecord | Category) -> Space | None:
        return self._reader.one(Space, [Space.id == record.space_id])

    def place_of(self, record: Component | ComponentRecord | Category) -> Place:
        """Where a record lives, by stable keys (see `Place`)."""
        with self._reader.session() as session:
            query = (
                select(Instance.name, Space.space_type, Space.remote_id)
                .join(Space, Space.instance_id == Instance.id)
                .where(Space.id == record.space_id)
            )
            row = session.execute(query).one()
        component = record.remote_id if isinstance(record, Component) else None
        if isinstance(record, ComponentRecord):
            component = _component_remote_id(self._reader, record.component_id)
        return Place(row[0], SpaceKey(row[1], row[2]), component)

    def _kind(self, resource: str) -> Kind[SyncedRecord]:
        try:
            return self._kinds[resource]
        except KeyError:
            known = ", ".join(sorted(RECORD_MODELS))
            hint = " (spaces: records.spaces, keyed by type and id)" if resource == "spaces" else ""
            raise ValueError(f"no synced resource {resource!r} (one of: {known}){hint}") from None


def _an_id(value: object) -> bool:
    """Whether `value` can be one of our ids (a number no column can hold finds nothing rather
    than failing in the driver)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= BIGGEST_ID


def _space_type(space_type: str) -> str:
    if space_type not in SPACE_TYPES:
        raise ValueError(f"no space type {space_type!r} (one of: {', '.join(SPACE_TYPES)})")
    return space_type


def _space_key(space: SpaceKey | tuple[str, str]) -> SpaceKey:
    space_type, remote_id = space
    return SpaceKey(_space_type(space_type), str(remote_id))


def _instance_row(instance: str) -> ColumnElement[int]:
    return select(Instance.id).where(Instance.name == instance).scalar_subquery()


def _space_row(instance: str, space: SpaceKey | tuple[str, str]) -> ColumnElement[int]:
    key = _space_key(space)
    return (
        select(Space.id)
        .where(
            Space.instance_id == _instance_row(instance),
            Space.space_type == key.space_type,
            Space.remote_id == key.remote_id,
        )
        .scalar_subquery()
    )


def _component_row(instance: str, remote_id: str) -> ColumnElement[int]:
    return (
        select(Component.id)
        .where(
            Component.instance_id == _instance_row(instance), Component.remote_id == str(remote_id)
        )
        .scalar_subquery()
    )


def _instance_name(reader: _Reader, instance_id: int) -> str | None:
    with reader.session() as session:
        return session.scalar(select(Instance.name).where(Instance.id == instance_id))


def _component_remote_id(reader: _Reader, component_id: int) -> str | None:
    with reader.session() as session:
        return session.scalar(select(Component.remote_id).where(Component.id == component_id))
