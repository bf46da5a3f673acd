"""The progress report of a review meeting (Ivry's Climate Conferences of 2023 and 2025): per
voted priority, the actions done, in progress and to do, with their committee, decisions and
money (allocated, committed, paid).

The actions come from every plugin's `followup_actions` (the committees' action items). Their
money: that of the accountability results each action moves (every plugin's `result_money`,
asked once per instance) plus that of the records it spends by reference key (every plugin's
`reference_money`: the budget's allocations). Each sum counts a result or an allocation once,
however many actions name it, and leaves out an allocation whose result it already counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import (
    FOLLOWUP_STATUSES,
    N_,
    FollowupAction,
    Instance,
    Money,
    PluginContext,
    Project,
    ReferenceMoney,
    Result,
)

FOLLOWUP = "followup"  # a plugin's allocations and ledger (result_money, reference_money)
DECIDIM = "decidim"  # the amount of a voted project, as Decidim's API gives it
SOURCES = {
    FOLLOWUP: N_("the follow-up budget's allocations and ledger lines"),
    DECIDIM: N_("the amount of the project voted on Decidim"),
}


@dataclass
class Figures:
    """Euro cents; None where no plugin knows. `sources`: where they come from (SOURCES)."""

    allocated: int | None = None
    committed: int | None = None
    paid: int | None = None
    sources: set[str] = field(default_factory=set)

    def add(self, other: Figures | Money | ReferenceMoney, source: str = FOLLOWUP) -> None:
        if isinstance(other, Money | ReferenceMoney):
            values = (other.allocated_cents, other.committed_cents, other.paid_cents)
            sources = {source} if any(v is not None for v in values) else set()
        else:
            values = (other.allocated, other.committed, other.paid)
            sources = other.sources
        self.allocated = _plus(self.allocated, values[0])
        self.committed = _plus(self.committed, values[1])
        self.paid = _plus(self.paid, values[2])
        self.sources |= sources

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
class Budget:
    """A budget the reported actions spend from (an envelope): its total and what of it the
    actions' allocations hold."""

    name: str
    total: int | None
    money: Figures


@dataclass
class Report:
    priorities: list[Priority]
    money: Figures
    counts: dict[str, int]
    budgets: list[Budget] = field(default_factory=list)


def report(context: PluginContext, session: Session) -> Report:
    actions: list[FollowupAction] = context.collect("followup_actions", session=session)
    money = Found(
        _result_money(context, session, actions), _reference_money(context, session, actions)
    )
    groups: dict[str | None, list[FollowupAction]] = {}
    counts = {s: 0 for s in FOLLOWUP_STATUSES}
    for action in sorted(actions, key=lambda a: (a.committee or "", a.title)):
        groups.setdefault(action.priority, []).append(action)
        counts[action.status] += 1
    priorities = []
    for name, members in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or "")):
        priority = Priority(name, money=money.of(members))
        for action in members:
            priority.lines.setdefault(action.status, []).append(Line(action, money.of([action])))
        priority.lines = {s: priority.lines[s] for s in FOLLOWUP_STATUSES if s in priority.lines}
        priorities.append(priority)
    return Report(priorities, money.of(actions), counts, money.budgets(actions))


@dataclass
class Found:
    """The money found for the actions' results and references, summed without counting a
    thing twice."""

    results: dict[tuple[str, str], Figures]  # (instance name, result's Decidim id)
    references: dict[str, ReferenceMoney]  # "kind:key"

    def of(self, actions: list[FollowupAction]) -> Figures:
        """What these actions move and spend together: each result and each reference once;
        a reference whose result is among theirs (with money) is in that result already."""
        results = {(k.instance, k.remote_id) for a in actions for k in a.results}
        results &= set(self.results)
        total = Figures()
        for key in sorted(results):
            total.add(self.results[key])
        for reference in sorted({r for a in actions for r in a.spends}):
            found = self.references.get(reference)
            if found is None or any((k.instance, k.remote_id) in results for k in found.results):
                continue
            total.add(found)
        return total

    def budgets(self, actions: list[FollowupAction]) -> list[Budget]:
        """The budgets the actions' references come out of, each reference once."""
        found: dict[str, Budget] = {}
        for reference in sorted({r for a in actions for r in a.spends}):
            money = self.references.get(reference)
            if money is None or money.budget is None:
                continue
            budget = found.setdefault(
                money.budget, Budget(money.budget, money.budget_cents, Figures())
            )
            budget.money.add(money)
        return sorted(found.values(), key=lambda b: b.name)


def _reference_money(
    context: PluginContext, session: Session, actions: list[FollowupAction]
) -> dict[str, ReferenceMoney]:
    return reference_money(context, session, sorted({r for a in actions for r in a.spends}))


def _result_money(
    context: PluginContext, session: Session, actions: list[FollowupAction]
) -> dict[tuple[str, str], Figures]:
    """(instance name, result's Decidim id) -> its money, every plugin's answers added."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for action in actions:
        for key in action.results:
            if key.resource == "results":
                wanted[key.instance].add(key.remote_id)
    found: dict[tuple[str, str], Figures] = {}
    for name, remote_ids in wanted.items():
        results = list(context.records.results.many(name, remote_ids).values())
        by_id = {r.id: r.remote_id for r in results}
        for m in record_money(context, session, name, results, []):
            if m.resource == "results" and m.record_id in by_id:
                found.setdefault((name, by_id[m.record_id]), Figures()).add(m)
    return found


def record_money(
    context: PluginContext,
    session: Session,
    name: str,
    results: list[Result],
    projects: list[Project],
) -> list[Money]:
    """Every plugin's money of these synced records of the instance `name`."""
    if not results and not projects:
        return []
    instance = session.scalar(select(Instance).where(Instance.name == name))
    if instance is None:
        return []
    return context.collect(
        "result_money", session=session, instance=instance, results=results, projects=projects
    )


def reference_money(
    context: PluginContext, session: Session, wanted: list[str]
) -> dict[str, ReferenceMoney]:
    """ "kind:key" -> its money, as the plugin owning the kind answers (the first answer)."""
    if not wanted:
        return {}
    answers: list[ReferenceMoney] = context.collect(
        "reference_money", session=session, references=wanted
    )
    found: dict[str, ReferenceMoney] = {}
    for answer in answers:
        if answer.reference in wanted:
            found.setdefault(answer.reference, answer)
    return found


def _plus(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b
