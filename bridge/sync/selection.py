"""What an administrator chose not to sync: spaces and components switched off, per instance.

By default everything is synced. A row of `sync_exclusions` switches a space (a participatory
process or an assembly) or a single component off, by Decidim's id, so the choice survives
re-syncs. The engine still lists spaces (so that they can be switched back on) but does not read
the records of a switched-off space or component; what it stored before is kept as it was, not
tombstoned, and no longer refreshed. Switching back on resumes at the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bridge.accounts import audit
from bridge.store.models import Component, Instance, Space, SyncExclusion
from bridge.timeutil import utcnow

SPACE_TYPES = ("participatory_process", "assembly")
COMPONENT = "component"


@dataclass(frozen=True)
class Switches:
    """The spaces (`(space_type, remote_id)`) and components (`remote_id`) switched off."""

    spaces_off: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    components_off: frozenset[str] = field(default_factory=frozenset)

    def space_on(self, space_type: str, remote_id: str) -> bool:
        return (space_type, str(remote_id)) not in self.spaces_off

    def component_on(self, remote_id: str, space_type: str, space_remote_id: str) -> bool:
        """A component is read when neither it nor its space is switched off."""
        return str(remote_id) not in self.components_off and self.space_on(
            space_type, space_remote_id
        )

    def as_json(self) -> dict[str, list[Any]]:
        return {
            "spaces_off": [
                {"space_type": kind, "remote_id": rid} for kind, rid in sorted(self.spaces_off)
            ],
            "components_off": sorted(self.components_off, key=_natural),
        }


def _natural(remote_id: str) -> tuple[int, int, str]:
    return (0, int(remote_id), "") if remote_id.isdigit() else (1, 0, remote_id)


def load(session: Session, instance_id: int) -> Switches:
    rows = session.execute(
        select(SyncExclusion.target, SyncExclusion.remote_id).where(
            SyncExclusion.instance_id == instance_id
        )
    ).all()
    return Switches(
        spaces_off=frozenset((t, r) for t, r in rows if t in SPACE_TYPES),
        components_off=frozenset(r for t, r in rows if t == COMPONENT),
    )


def replace(
    session: Session,
    instance: Instance,
    actor: str,
    *,
    spaces_off: set[tuple[str, str]] | None = None,
    components_off: set[str] | None = None,
) -> tuple[Switches, Switches]:
    """Make the given sets the switched-off ones (None: leave that set as it is), audited.

    Adds to the caller's transaction; returns the switches before and after. The caller has
    validated the ids. Nothing is written (nor audited) when nothing changes.
    """
    before = load(session, instance.id)
    after = Switches(
        spaces_off=frozenset(before.spaces_off if spaces_off is None else spaces_off),
        components_off=frozenset(
            before.components_off if components_off is None else components_off
        ),
    )
    if after == before:
        return before, after
    now = utcnow()
    wanted = {(t, r) for t, r in after.spaces_off} | {(COMPONENT, r) for r in after.components_off}
    had = {(t, r) for t, r in before.spaces_off} | {(COMPONENT, r) for r in before.components_off}
    for target, remote_id in had - wanted:
        session.execute(
            delete(SyncExclusion).where(
                SyncExclusion.instance_id == instance.id,
                SyncExclusion.target == target,
                SyncExclusion.remote_id == remote_id,
            )
        )
    for target, remote_id in sorted(wanted - had):
        session.add(
            SyncExclusion(
                instance_id=instance.id,
                target=target,
                remote_id=remote_id,
                created_at=now,
                created_by=actor,
            )
        )
    audit(
        session,
        actor,
        "sync.settings",
        f"instance:{instance.name}",
        before=before.as_json(),
        after=after.as_json(),
    )
    return before, after


def spaces_with_components(
    session: Session, instance_id: int
) -> list[tuple[Space, list[Component]]]:
    """Every space still upstream, processes first, each with its components in Decidim's
    order: what the switches apply to (the admin page and the API list the same)."""
    spaces = session.scalars(
        select(Space)
        .where(Space.instance_id == instance_id, Space.removed_at.is_(None))
        .order_by(Space.space_type.desc(), Space.id)
    ).all()
    components: dict[int, list[Component]] = {}
    for c in session.scalars(
        select(Component)
        .where(Component.instance_id == instance_id, Component.removed_at.is_(None))
        .order_by(Component.weight, Component.id)
    ):
        components.setdefault(c.space_id, []).append(c)
    return [(s, components.get(s.id, [])) for s in spaces]
