"""What the engine reads inside each kind of component, and where it puts it.

A plain table of descriptors: the query file, its page and by-id operations, the connection and
single-item field names in Decidim's schema, the local model, and the normaliser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bridge.store import models
from bridge.sync import normalise


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
            ordered=False,
        ),
    )
}
