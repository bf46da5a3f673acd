"""What the plugin does when an instance is deleted: its allocations keep their money and
lose their link to Decidim, and its envelopes lose it as a source.

The budget keeps synced records by the instance's name, and a name can be given again to a
new instance, maybe of another Decidim: the keys go with the instance, so that nothing of the
old one is taken for the new one's.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bridge.plugin import Records
from plugins.budget.models import Allocation, EnvelopeSource


def detach_instance(session: Session, records: Records, instance_id: int) -> None:
    """Allocations of the deleted instance's records become local actions: the money the city
    set aside, committed and paid is kept; only the link to Decidim goes."""
    name = records.instance_name(instance_id)
    if name is None:
        return
    session.execute(
        update(Allocation)
        .where(Allocation.instance == name)
        .values(instance=None, project_remote_id=None, result_remote_id=None)
    )
    session.execute(delete(EnvelopeSource).where(EnvelopeSource.instance == name))
