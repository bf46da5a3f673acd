"""Synced records by their stable key: the instance's name (fixed once the instance is created)
and Decidim's id of the record.

The budget's tables keep these keys, never the core's row ids: the core's tables are not the
plugin's to point into, and an instance erased and synced again gets new ids. The few reads of
the core's records the plugin needs are here, so that they move in one piece to the platform's
read-only records access (`PluginContext.records`) when it is there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import Component, Instance, Project, Result, Space


def instance_name(session: Session, instance_id: int) -> str | None:
    return session.scalar(select(Instance.name).where(Instance.id == instance_id))


def find(session: Session, model: Any, instance: str | None, remote_id: str | None) -> Any:
    """The synced record of that key, or None (no key, instance deleted, record not synced)."""
    if not instance or not remote_id:
        return None
    return session.scalar(
        select(model)
        .join(Instance, Instance.id == model.instance_id)
        .where(Instance.name == instance, model.remote_id == remote_id)
    )


def project_of(session: Session, allocation: Any) -> Project | None:
    return find(session, Project, allocation.instance, allocation.project_remote_id)


def result_of(session: Session, allocation: Any) -> Result | None:
    return find(session, Result, allocation.instance, allocation.result_remote_id)


def space(session: Session, instance: str, space_type: str | None, remote_id: str | None):
    if not space_type or not remote_id:
        return None
    return session.scalar(
        select(Space)
        .join(Instance, Instance.id == Space.instance_id)
        .where(
            Instance.name == instance, Space.space_type == space_type, Space.remote_id == remote_id
        )
    )


def component(session: Session, instance: str, remote_id: str | None) -> Component | None:
    return find(session, Component, instance, remote_id)


def place_of(session: Session, project: Project) -> tuple[str, str, str, str]:
    """Where a project is, by stable keys: (instance, space type, space id, component id)."""
    row = session.execute(
        select(Instance.name, Space.space_type, Space.remote_id, Component.remote_id)
        .select_from(Project)
        .join(Instance, Instance.id == Project.instance_id)
        .join(Space, Space.id == Project.space_id)
        .join(Component, Component.id == Project.component_id)
        .where(Project.id == project.id)
    ).one()
    return row[0], row[1], row[2], row[3]


def projects_in(
    instance: str,
    space_key: tuple[str | None, str | None],
    component_remote_id: str | None,
):
    """A select of the projects of one component, or else of one space (its type and id)."""
    query = (
        select(Project)
        .join(Instance, Instance.id == Project.instance_id)
        .where(Instance.name == instance)
    )
    if component_remote_id is not None:
        return query.join(Component, Component.id == Project.component_id).where(
            Component.remote_id == component_remote_id
        )
    return query.join(Space, Space.id == Project.space_id).where(
        Space.space_type == space_key[0], Space.remote_id == space_key[1]
    )
