"""The stand-in's data: one organization, its spaces, components and resources.

Records are plain dicts keyed by Decidim's ids (strings). Ids come from one counter per table,
as in Decidim's database. Every change made through the methods below bumps `updated_at`, like
Rails does, so that a sync can notice it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# The stand-in's clock: edits happen "now", seeded data is older.
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)

Text = dict[str, str]  # {locale: text}

KINDS = ("proposal", "budget", "project", "result", "meeting", "debate")


@dataclass
class World:
    organization: dict[str, Any] = field(default_factory=dict)
    scopes: dict[str, dict] = field(default_factory=dict)
    categories: dict[str, dict] = field(default_factory=dict)
    statuses: dict[str, dict] = field(default_factory=dict)
    spaces: dict[tuple[str, str], dict] = field(default_factory=dict)  # (kind, id) -> space
    components: dict[str, dict] = field(default_factory=dict)
    records: dict[str, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    # component id -> ids of its items in creation (id) order; budgets: budget -> project ids
    listing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _counters: dict[str, itertools.count] = field(default_factory=dict)
    _clock: int = 0

    # -- building ---------------------------------------------------------------------------
    def next_id(self, table: str) -> str:
        counter = self._counters.setdefault(table, itertools.count(1))
        return str(next(counter))

    def add(self, kind: str, component: str | None, **values: Any) -> str:
        """Add a record of `kind` to `component` (for projects: to budget `values['budget']`)."""
        rid = self.next_id(kind)
        record = {"id": rid, "component": component, "published": True, **values}
        record.setdefault("created_at", NOW)
        record.setdefault("updated_at", record["created_at"])
        self.records[kind][rid] = record
        owner = values["budget"] if kind == "project" else component
        self.listing[f"{kind}:{owner}"].append(rid)
        return rid

    # -- reading ----------------------------------------------------------------------------
    def visible(self, kind: str, owner: str) -> list[dict]:
        table = self.records[kind]
        return [table[rid] for rid in self.listing[f"{kind}:{owner}"] if table[rid]["published"]]

    def listed(self, kind: str, owner: str) -> list[dict]:
        """Every record of `owner`, hidden or not (what Decidim's relation holds from 0.30)."""
        table = self.records[kind]
        return [table[rid] for rid in self.listing[f"{kind}:{owner}"]]

    def get(self, kind: str, rid: str) -> dict | None:
        record = self.records[kind].get(str(rid))
        return record if record and record["published"] else None

    def count(self, kind: str) -> int:
        return sum(1 for r in self.records[kind].values() if r["published"])

    # -- changing (what a test does between two syncs) ---------------------------------------
    def touch(self) -> datetime:
        self._clock += 1
        return NOW + timedelta(minutes=self._clock)

    def edit(self, kind: str, rid: str, **values: Any) -> dict:
        record = self.records[kind][str(rid)]
        record.update(values)
        record["updated_at"] = self.touch()
        return record

    def edit_proposal(self, rid: str, **values: Any) -> dict:
        return self.edit("proposal", rid, **values)

    def add_proposal(self, component: str, **values: Any) -> str:
        now = self.touch()
        values.setdefault("title", {"fr": "Nouvelle proposition", "en": "New proposal"})
        values.setdefault("body", {"fr": "", "en": ""})
        defaults = dict(
            state=None,
            answer=None,
            answered_at=None,
            published_at=now,
            created_at=now,
            votes=0,
            endorsements=0,
            comments=0,
            scope=None,
            category=None,
            address=None,
            official=False,
            withdrawn=False,
        )
        return self.add("proposal", str(component), **{**defaults, **values})

    def unpublish(self, kind: str, rid: str) -> None:
        """Hide a record (unpublished, moderated, or its space made private)."""
        self.records[kind][str(rid)]["published"] = False

    def unpublish_component(self, cid: str) -> None:
        """An administrator unpublishes a component: no longer listed in its space, and
        `component(id:)` answers null (Decidim's `Component.published` in both)."""
        self.components[str(cid)]["published"] = False

    def withdraw(self, rid: str) -> dict:
        return self.edit("proposal", rid, withdrawn=True, state="withdrawn")

    def set_project(self, rid: str, **values: Any) -> dict:
        """E.g. `set_project(id, budget_amount=42000, selected=True)`."""
        return self.edit("project", rid, **values)

    def set_result(self, rid: str, **values: Any) -> dict:
        """E.g. `set_result(id, progress=80.0, status='en-cours')` (a status key)."""
        return self.edit("result", rid, **values)
