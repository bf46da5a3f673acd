"""How far a committee's priorities have come: its action items grouped by the priority they
serve (the committee's own when an item names none), with counts by status and the plain
average progress of the items not cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.committees.models import ActionItem, Committee


@dataclass
class Priority:
    name: str
    items: list[ActionItem] = field(default_factory=list)

    def counted(self) -> list[ActionItem]:
        return [i for i in self.items if i.status != "cancelled"]

    @property
    def progress(self) -> float | None:
        counted = self.counted()
        return sum(i.progress for i in counted) / len(counted) if counted else None

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)


def priorities(committee: Committee) -> list[Priority]:
    """The committee's priorities in first-seen order, the committee's own first."""
    groups: dict[str, Priority] = {}
    if committee.priority:
        groups[committee.priority] = Priority(committee.priority)
    for item in committee.action_items:
        name = item.priority or committee.priority or committee.name
        groups.setdefault(name, Priority(name)).items.append(item)
    return [g for g in groups.values() if g.items or g.name == committee.priority]
