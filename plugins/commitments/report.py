"""The progress report of a review meeting (Ivry's Climate Conferences of 2023 and 2025): per
voted priority, the actions done, in progress and to do, with their committee, decisions and
money (allocated, committed, paid).

The actions come from every plugin's `followup_actions` (the committees' action items); the
money of the accountability results each action moves from every plugin's `result_money`
(the budget's allocations and ledger), asked once per instance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import FOLLOWUP_STATUSES, FollowupAction, Instance, Money, PluginContext


@dataclass
class Figures:
    """Euro cents; None where no plugin knows."""

    allocated: int | None = None
    committed: int | None = None
    paid: int | None = None

    def add(self, other: Figures | Money) -> None:
        if isinstance(other, Money):
            values = (other.allocated_cents, other.committed_cents, other.paid_cents)
        else:
            values = (other.allocated, other.committed, other.paid)
        self.allocated = _plus(self.allocated, values[0])
        self.committed = _plus(self.committed, values[1])
        self.paid = _plus(self.paid, values[2])

    @property
    def known(self) -> bool:
        return any(v is not None for v in (self.allocated, self.committed, self.paid))


@dataclass
class Line:
    action: FollowupAction
    money: Figures


@dataclass
class Priority:
    name: str | None  # None: actions that name no priority
    lines: dict[str, list[Line]] = field(default_factory=dict)  # status -> lines
    money: Figures = field(default_factory=Figures)

    def count(self, status: str) -> int:
        return len(self.lines.get(status, []))

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.lines.values())


@dataclass
class Report:
    priorities: list[Priority]
    money: Figures
    counts: dict[str, int]


def report(context: PluginContext, session: Session) -> Report:
    actions: list[FollowupAction] = context.collect("followup_actions", session=session)
    money = _money(context, session, actions)
    groups: dict[str | None, Priority] = {}
    total, counts = Figures(), {s: 0 for s in FOLLOWUP_STATUSES}
    for action in sorted(actions, key=lambda a: (a.committee or "", a.title)):
        priority = groups.setdefault(action.priority, Priority(action.priority))
        figures = Figures()
        for key in action.results:
            if (found := money.get((key.instance, key.remote_id))) is not None:
                figures.add(found)
        priority.lines.setdefault(action.status, []).append(Line(action, figures))
        priority.money.add(figures)
        total.add(figures)
        counts[action.status] += 1
    ordered = sorted(groups.values(), key=lambda p: (p.name is None, p.name or ""))
    for p in ordered:
        p.lines = {s: p.lines[s] for s in FOLLOWUP_STATUSES if s in p.lines}
    return Report(ordered, total, counts)


def _money(
    context: PluginContext, session: Session, actions: list[FollowupAction]
) -> dict[tuple[str, str], Figures]:
    """(instance name, result's Decidim id) -> its money, every plugin's answers added. Each
    result is counted once per action that moves it."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for action in actions:
        for key in action.results:
            if key.resource == "results":
                wanted[key.instance].add(key.remote_id)
    found: dict[tuple[str, str], Figures] = {}
    for name, remote_ids in wanted.items():
        instance = session.scalar(select(Instance).where(Instance.name == name))
        if instance is None:
            continue
        results = list(context.records.results.many(name, remote_ids).values())
        if not results:
            continue
        by_id = {r.id: r.remote_id for r in results}
        answers: list[Money] = context.collect(
            "result_money", session=session, instance=instance, results=results, projects=[]
        )
        for m in answers:
            if m.resource == "results" and m.record_id in by_id:
                found.setdefault((name, by_id[m.record_id]), Figures()).add(m)
    return found


def _plus(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b
