"""What the plugin does when an instance is deleted: its allocations keep their money and
lose their link to Decidim, and its envelopes lose it as a source."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bridge.store.models import Project, Result
from plugins.budget.models import Allocation, EnvelopeSource


def detach_instance(session: Session, instance_id: int) -> None:
    """Allocations of the deleted instance's records become local actions: the money the city
    set aside, committed and paid is kept; only the link to Decidim goes."""
    projects = select(Project.id).where(Project.instance_id == instance_id)
    results = select(Result.id).where(Result.instance_id == instance_id)
    session.execute(
        update(Allocation).where(Allocation.project_id.in_(projects)).values(project_id=None)
    )
    session.execute(
        update(Allocation).where(Allocation.result_id.in_(results)).values(result_id=None)
    )
    session.execute(delete(EnvelopeSource).where(EnvelopeSource.instance_id == instance_id))
