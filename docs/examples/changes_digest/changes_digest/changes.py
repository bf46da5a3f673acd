"""The change consumer: counts the changes of the log per resource, and per day and resource.

The bridge delivers the log in order, a batch at a time, in the plugin's own transaction
(its cursor moves in the same commit). A batch can come again (after a failure or a
`bridge plugins replay`): `last_change_id` keeps a change from being counted twice.
"""

from datetime import date

from sqlalchemy.orm import Session

from changes_digest.models import Count, DigestRow


def count(session: Session, changes: list) -> None:
    by_resource: dict[str, list] = {}
    for change in changes:
        by_resource.setdefault(change.resource, []).append(change)
    for resource, batch in sorted(by_resource.items()):
        row = session.get(Count, resource)
        if row is None:
            row = Count(resource=resource, count=0, last_change_id=0)
            session.add(row)
        fresh = [change.id for change in batch if change.id > row.last_change_id]
        if fresh:
            row.count += len(fresh)
            row.last_change_id = max(fresh)
        counted = set(fresh)
        for change in batch:  # the same changes, per day
            if change.id in counted:
                add_to_day(session, change.changed_at.date(), resource)


def add_to_day(session: Session, day: date, resource: str) -> None:
    row = session.get(DigestRow, (day, resource))
    if row is None:
        row = DigestRow(day=day, resource=resource, count=0)
        session.add(row)
    row.count += 1
