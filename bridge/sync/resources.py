"""What the engine reads inside each kind of component, and where it puts it.

A plain table of descriptors: the query file, its page and by-id operations, the connection and
single-item field names in Decidim's schema, the local model, and the normaliser with the node
keys of each of its columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bridge.store import models
from bridge.sync import normalise
from bridge.sync.normalise import Sources


@dataclass(frozen=True)
class ComponentResource:
    manifest: str  # Decidim's component type name (`__typename`)
    name: str  # our resource name, also the query file and the API path
    page_operation: str
    by_id_operation: str
    connection: str
    single: str
    model: type[models.ComponentRecord]
    normalise: Callable[[dict[str, Any]], dict[str, Any]]
    sources: Sources  # the node keys of each column (`normalise.untold`)
    ordered: bool  # does Decidim order this connection (ORDER BY id)?


RESOURCES = {
    r.manifest: r
    for r in (
        ComponentResource(
            "Proposals",
            "proposals",
            "ProposalsPage",
            "ProposalById",
            "proposals",
            "proposal",
            models.Proposal,
            normalise.proposal,
            normalise.PROPOSAL_SOURCES,
            ordered=True,
        ),
        ComponentResource(
            "Budgets",
            "budgets",
            "BudgetsPage",
            "BudgetById",
            "budgets",
            "budget",
            models.Budget,
            normalise.budget,
            normalise.BUDGET_SOURCES,
            ordered=False,
        ),
        ComponentResource(
            "Accountability",
            "results",
            "ResultsPage",
            "ResultById",
            "results",
            "result",
            models.Result,
            normalise.result,
            normalise.RESULT_SOURCES,
            ordered=False,
        ),
        ComponentResource(
            "Meetings",
            "meetings",
            "MeetingsPage",
            "MeetingById",
            "meetings",
            "meeting",
            models.Meeting,
            normalise.meeting,
            normalise.MEETING_SOURCES,
            ordered=False,
        ),
        ComponentResource(
            "Debates",
            "debates",
            "DebatesPage",
            "DebateById",
            "debates",
            "debate",
            models.Debate,
            normalise.debate,
            normalise.DEBATE_SOURCES,
            ordered=False,
        ),
    )
}
