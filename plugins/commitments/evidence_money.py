"""The money of a commitment, from its evidence: the synced results and voted projects it
cites (every plugin's `result_money`: the follow-up budget's allocations and ledger lines; a
voted project that no plugin answers for carries the amount Decidim gives it) and the budget
allocations it cites (every plugin's `reference_money`).

Each record or allocation is counted once per commitment and once in a total, and an
allocation is left out where the commitment also cites the result it funds (that result's
money holds it already). Evidence of other kinds (a ledger line, a document) carries no
money here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import PluginContext, RecordKey
from plugins.commitments.models import Evidence
from plugins.commitments.report import DECIDIM, Figures, record_money, reference_money

MONEYED = ("results", "projects")
Key = RecordKey | str  # a synced record, or a cited "kind:key"


class EvidenceMoney:
    """The money of every cited record and allocation of some commitments, and which of them
    each commitment cites."""

    def __init__(self, context: PluginContext, session: Session, commitment_ids: list[int]):
        self.cited: dict[int, set[Key]] = defaultdict(set)
        self.money: dict[Key, Figures] = {}
        self._funds: dict[str, tuple[RecordKey, ...]] = {}
        if not commitment_ids:
            return
        evidence = session.scalars(
            select(Evidence).where(
                Evidence.commitment_id.in_(commitment_ids),
                Evidence.kind.in_(("record", "reference")),
            )
        )
        for e in evidence:
            if e.kind == "record" and e.resource in MONEYED and e.instance and e.remote_id:
                self.cited[e.commitment_id].add(RecordKey(e.instance, e.resource, e.remote_id))
            elif e.kind == "reference" and e.ref_kind and e.ref_key:
                self.cited[e.commitment_id].add(f"{e.ref_kind}:{e.ref_key}")
        keys = {k for ks in self.cited.values() for k in ks}
        self._records(context, session, [k for k in keys if isinstance(k, RecordKey)])
        found = reference_money(context, session, sorted(k for k in keys if isinstance(k, str)))
        for reference, money in found.items():
            self.money.setdefault(reference, Figures()).add(money)
            self._funds[reference] = money.results + money.projects

    def _records(self, context: PluginContext, session: Session, keys: list[RecordKey]) -> None:
        wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for key in keys:
            wanted[key.instance][key.resource].add(key.remote_id)
        for name, by_resource in wanted.items():
            results = context.records.results.many(name, by_resource["results"])
            projects = context.records.projects.many(name, by_resource["projects"])
            ours = {("results", r.id): r.remote_id for r in results.values()}
            ours |= {("projects", p.id): p.remote_id for p in projects.values()}
            for m in record_money(
                context, session, name, list(results.values()), list(projects.values())
            ):
                remote_id = ours.get((m.resource, m.record_id))
                if remote_id is not None:
                    key = RecordKey(name, m.resource, remote_id)
                    self.money.setdefault(key, Figures()).add(m)
            for project in projects.values():  # Decidim's amount where no plugin allocates
                key = RecordKey(name, "projects", project.remote_id)
                figures = self.money.setdefault(key, Figures())
                if figures.allocated is None and project.budget_amount is not None:
                    figures.allocated = project.budget_amount * 100
                    figures.sources.add(DECIDIM)

    def of(self, commitment_ids: Iterable[int]) -> Figures:
        """What these commitments cite together, each record and allocation once."""
        keys = {k for c in commitment_ids for k in self.cited.get(c, ())}
        total = Figures()
        for key in sorted(keys, key=str):
            if isinstance(key, str) and any(r in keys for r in self._funds.get(key, ())):
                continue
            if key in self.money:
                total.add(self.money[key])
        return total
