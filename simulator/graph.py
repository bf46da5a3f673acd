"""Decidim's GraphQL objects, built from the world's records on demand.

graphql-core's default resolver reads a dict key named like the field and, when the value is
callable, calls it with `(info, **arguments)`. So each object below is a dict; fields with
arguments (connections, `translation(locale:)`) are small functions. Interfaces are resolved by
the `__typename` key.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import GraphQLError

from simulator.world import World

APPLICATION_NAME = "Mairie d'Ivry-sur-Seine"


@dataclass
class Options:
    version: str = "0.28"
    page_cap: int = 50
    unstable_order: bool = False
    # graphql-ruby's "offsets"; "relay": graphql-relay's (`relay_cursor`); "opaque": neither
    cursors: str = "offsets"
    # 0.30+: a hidden record is a null in its connection (its type's `authorized?`), counted by
    # the cursors, instead of left out
    hidden_as_null: bool = False
    disclose_version: bool = False
    seed: int = 2021


def cursor(offset: int) -> str:
    """graphql-ruby's cursor: base64 (URL-safe, unpadded) of the 1-based offset."""
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def offset_of(value: str | None) -> int:
    if not value:
        return 0
    try:
        padded = value + "=" * (-len(value) % 4)
        return int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError(f"Invalid cursor: {value}") from exc


RELAY_PREFIX = "arrayconnection:"
OPAQUE_PREFIX = "civic-stand-in:"


def relay_cursor(index: int, prefix: str = RELAY_PREFIX) -> str:
    """graphql-relay's cursor (graphql-js, graphene, strawberry): standard Base64, padded, of
    "arrayconnection:" and the 0-based index; with another prefix, a cursor no client knows."""
    return base64.b64encode(f"{prefix}{index}".encode()).decode()


def relay_offset_of(value: str | None, prefix: str = RELAY_PREFIX) -> int:
    """Items before the one after `value`; a cursor this server did not make is refused."""
    if not value:
        return 0
    try:
        plain = base64.b64decode(value.encode(), validate=True).decode()
        if not plain.startswith(prefix):
            raise ValueError(plain)
        return int(plain.removeprefix(prefix)) + 1
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError(f"Invalid cursor: {value}") from exc


def text(values: dict[str, str] | None) -> dict | None:
    """A TranslatedField."""
    if values is None:
        return None

    def translations(info, locales=None):
        return [
            {"locale": k, "text": v, "machineTranslated": False}
            for k, v in values.items()
            if locales is None or k in locales
        ]

    def translation(info, locale):
        return values.get(locale)

    return {"locales": list(values), "translations": translations, "translation": translation}


def stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class Graph:
    """The root object of one request."""

    def __init__(self, world: World, options: Options, request_number: int = 0):
        self.world, self.options = world, options
        self.request_number = request_number

    # -- root fields ------------------------------------------------------------------------
    def root(self) -> dict[str, Any]:
        return {
            "decidim": {"version": self._version(), "applicationName": APPLICATION_NAME},
            "organization": self.organization(),
            "participatoryProcesses": lambda info, **_: self.spaces("process"),
            "participatoryProcess": lambda info, id=None, slug=None: self.find_space(
                "process", id, slug
            ),
            "assemblies": lambda info, **_: self.spaces("assembly"),
            "assembly": lambda info, id=None: self.find_space("assembly", id, None),
            "component": lambda info, id: self.component(str(id)),
        }

    def _version(self) -> str | None:
        from simulator.profiles import REPORTED

        hidden = self.options.version >= "0.30" and not self.options.disclose_version
        return None if hidden else REPORTED[self.options.version]

    def organization(self) -> dict:
        name = self.world.organization["name"]
        org: dict[str, Any] = {
            "name": text(name) if self.options.version >= "0.29" else name["fr"],
            "stats": [],
        }
        if self.options.version >= "0.30":
            org["taxonomies"] = [self.taxonomy(s) for s in self.world.scopes.values()]
        return org

    def taxonomy(self, scope: dict) -> dict:
        return {
            "id": scope["id"],
            "name": text(scope["name"]),
            "parent": None,
            "children": [],
            "isRoot": False,
        }

    # -- spaces -----------------------------------------------------------------------------
    def spaces(self, kind: str) -> list[dict]:
        return [self.space(s) for (k, _), s in self.world.spaces.items() if k == kind]

    def find_space(self, kind: str, rid, slug) -> dict | None:
        for (k, _), space in self.world.spaces.items():
            if k == kind and (str(space["id"]) == str(rid) or (slug and space["slug"] == slug)):
                return self.space(space)
        return None

    def space(self, s: dict) -> dict:
        process = s["kind"] == "process"
        date_type_dates = self.options.version == "0.27"
        out = {
            "__typename": "ParticipatoryProcess" if process else "Assembly",
            "id": s["id"],
            "slug": s["slug"],
            "reference": s["reference"],
            "type": "Decidim::ParticipatoryProcess" if process else "Decidim::Assembly",
            "title": text(s["title"]),
            "subtitle": text(s["subtitle"]),
            "shortDescription": text(s["short_description"]),
            "description": text(s["description"]),
            "startDate": s["start_date"],
            "endDate": s["end_date"],
            "publishedAt": stamp(s["published_at"]),
            "createdAt": stamp(s["created_at"]),
            "updatedAt": stamp(s["updated_at"]),
            "scope": None,
            "hashtag": None,
            "manifest": {
                "name": "participatory_processes" if process else "assemblies",
                "humanName": None,
            },
            "categories": lambda info, **_: [self.category(c) for c in s["categories"]],
            "components": lambda info, **_: [
                self.component(c)
                for c in s["components"]
                if c in self.world.components and self.world.components[c].get("published", True)
            ],
            "steps": [
                {
                    "id": step["id"],
                    "title": text(step["title"]),
                    "description": text(step["description"]),
                    "startDate": (
                        step["start"].date().isoformat()
                        if date_type_dates
                        else stamp(step["start"])
                    ),
                    "endDate": (
                        step["end"].date().isoformat() if date_type_dates else stamp(step["end"])
                    ),
                    "active": step["active"],
                    "position": step["position"],
                }
                for step in s["steps"]
            ],
            "attachments": [],
            "linkedParticipatorySpaces": [],
            "stats": [],
        }
        if self.options.version >= "0.30":
            out["taxonomies"] = []
        return out

    def category(self, cid: str | None) -> dict | None:
        if cid is None:
            return None
        c = self.world.categories[cid]
        return {"id": c["id"], "name": text(c["name"]), "parent": None, "subcategories": []}

    def scope(self, sid: str | None) -> dict | None:
        if sid is None:
            return None
        s = self.world.scopes[sid]
        return {"id": s["id"], "name": text(s["name"]), "parent": None, "children": []}

    def taxonomies(self, record: dict) -> list[dict]:
        sid = record.get("scope")
        return [self.taxonomy(self.world.scopes[sid])] if sid else []

    # -- components -------------------------------------------------------------------------
    def component(self, cid: str) -> dict | None:
        c = self.world.components.get(cid)
        if c is None or not c.get("published", True):
            return None  # Decidim lists and finds published components only
        kind, sid = c["space"]
        space = self.world.spaces[(kind, sid)]
        out = {
            "__typename": c["manifest"] if c["manifest"] in MANIFEST_KINDS else "Component",
            "id": c["id"],
            "name": text(c["name"]),
            "weight": c["weight"],
            "participatorySpace": {
                "id": space["id"],
                "title": text(space["title"]),
                "type": "Decidim::ParticipatoryProcess",
            },
        }
        kind = MANIFEST_KINDS.get(c["manifest"])
        if kind:
            builder = getattr(self, kind)
            connection, single = CONNECTIONS[c["manifest"]]

            def page(info, first=None, after=None, last=None, **_ignored):
                return self.connection(kind, cid, builder, first, after, last)

            out[connection] = page
            out[single] = lambda info, id: self._one(kind, cid, str(id), builder)
        return out

    def _one(self, kind: str, cid: str, rid: str, builder) -> dict | None:
        record = self.world.get(kind, rid)
        return builder(record) if record and record["component"] == cid else None

    def connection(self, kind: str, owner: str, builder, first, after, last) -> dict:
        nulls = self.options.hidden_as_null and self.options.version >= "0.30"
        items = self.world.listed(kind, owner) if nulls else self.world.visible(kind, owner)
        if self.options.unstable_order and kind != "proposal":
            # No ORDER BY upstream (0.27/0.28): the database may pick another order per query.
            items = list(items)
            random.Random(self.options.seed * 1000 + self.request_number).shuffle(items)
        cap = self.options.page_cap
        size = first if first is not None else (last if last is not None else cap)
        size = max(0, min(size, cap))
        prefix = {"relay": RELAY_PREFIX, "opaque": OPAQUE_PREFIX}.get(self.options.cursors)
        start = relay_offset_of(after, prefix) if prefix else offset_of(after)
        window = items[start : start + size]
        edges = [
            {
                "cursor": relay_cursor(start + i, prefix) if prefix else cursor(start + i + 1),
                "node": builder(item) if item["published"] else None,
            }
            for i, item in enumerate(window)
        ]
        return {
            "edges": edges,
            "nodes": [e["node"] for e in edges],
            "pageInfo": {
                "hasNextPage": start + size < len(items),
                "hasPreviousPage": start > 0,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }

    # -- resources --------------------------------------------------------------------------
    def _classified(self, r: dict) -> dict:
        out: dict[str, Any] = {
            "category": self.category(r.get("category")),
            "scope": self.scope(r.get("scope")),
        }
        if self.options.version >= "0.30":
            out["taxonomies"] = self.taxonomies(r)
        return out

    def _comments(self, r: dict, type_name: str) -> dict:
        return {
            "type": type_name,
            "acceptsNewComments": True,
            "commentsHaveAlignment": True,
            "commentsHaveVotes": True,
            "comments": lambda info, **_: [],
            "totalCommentsCount": r.get("comments", 0),
            "hasComments": False,
            "userAllowedToComment": False,
        }

    def proposal(self, r: dict) -> dict:
        component = self.world.components[r["component"]]
        state = r["state"]
        out = {
            "id": r["id"],
            "title": text(r["title"]),
            "body": text(r["body"]),
            "address": r["address"],
            "coordinates": None,
            "reference": r.get("reference"),
            "state": state,
            "answer": text(r["answer"]),
            "answeredAt": stamp(r["answered_at"]),
            "publishedAt": stamp(r["published_at"]),
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "official": r["official"],
            "participatoryTextLevel": None,
            "position": None,
            "createdInMeeting": False,
            "meeting": None,
            "voteCount": None if component.get("hide_votes") else r["votes"],
            "authorsCount": 1,
            "author": None,
            "authors": [],
            "attachments": [],
            "fingerprint": {"value": r["id"], "source": r["id"]},
            "amendments": [],
            "versionsCount": 1,
            "versions": [],
            **self._classified(r),
            **self._comments(r, "Decidim::Proposals::Proposal"),
        }
        # Both names: the schema served decides which one a query may ask.
        out["likesCount"] = out["endorsementsCount"] = r["endorsements"]
        out["likes"] = out["endorsements"] = []
        if self.options.version >= "0.29":
            out["withdrawn"] = r["withdrawn"]
            out["withdrawnAt"] = stamp(r["updated_at"]) if r["withdrawn"] else None
            if state is None:
                out["state"] = "withdrawn" if r["withdrawn"] else "not_answered"
        return out

    def budget(self, r: dict) -> dict:
        return {
            "id": r["id"],
            "title": text(r["title"]),
            "description": text(r["description"]),
            "total_budget": r["total_budget"],
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "scope": self.scope(r.get("scope")),
            "versionsCount": 1,
            "versions": [],
            "projects": [self.project(p) for p in self.world.visible("project", r["id"])],
        }

    def project(self, r: dict) -> dict:
        out = {
            "id": r["id"],
            "title": text(r["title"]),
            "description": text(r["description"]),
            "budget_amount": r["budget_amount"],
            "selected": r["selected"],
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "reference": r["reference"],
            "confirmedVotes": r.get("confirmed_votes"),
            "attachments": [],
            **self._classified(r),
            **self._comments(r, "Decidim::Budgets::Project"),
        }
        return out

    def result(self, r: dict) -> dict:
        status = self.world.statuses.get(r["status"]) if r.get("status") else None
        children = [
            c for c in self.world.visible("result", r["component"]) if c.get("parent") == r["id"]
        ]
        timeline = self._timeline(r)
        return {
            "id": r["id"],
            "title": text(r["title"]),
            "description": text(r["description"]),
            "reference": r["reference"],
            "startDate": r["start"],
            "endDate": r["end"],
            "progress": r["progress"],
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "childrenCount": len(children),
            "weight": r["weight"],
            "externalId": r["external_id"],
            "children": lambda info: [self.result(c) for c in children],
            "parent": lambda info: (
                self.result(self.world.records["result"][r["parent"]]) if r.get("parent") else None
            ),
            "status": None
            if status is None
            else {
                "id": status["id"],
                "key": status["key"],
                "name": text(status["name"]),
                "description": text({"fr": "", "en": ""}),
                "progress": status["progress"],
                "createdAt": "2021-11-30",
                "updatedAt": "2021-11-30",
                "results": [],
            },
            # Both names: the schema served decides which one a query may ask.
            "timelineEntries": timeline,
            "milestones": timeline,
            "proposals": lambda info: [
                self.proposal(p)
                for p in (self.world.get("proposal", rid) for rid in r.get("proposals") or [])
                if p
            ],
            "url": f"/f/{r['component']}/results/{r['id']}",
            **self._classified(r),
            **self._comments(r, "Decidim::Accountability::Result"),
        }

    def _timeline(self, r: dict) -> list[dict]:
        return [
            {
                "id": e["id"],
                "entryDate": e["date"],
                "title": text(e["title"]),
                "description": text(e["description"]),
                "createdAt": stamp(r["created_at"]),
                "updatedAt": stamp(r["created_at"]),
                "result": None,
            }
            for e in r["timeline"]
        ]

    def meeting(self, r: dict) -> dict:
        return {
            "id": r["id"],
            "reference": r["reference"],
            "title": text(r["title"]),
            "description": text(r["description"]),
            "startTime": stamp(r["start"]),
            "endTime": stamp(r["end"]),
            "agenda": None,
            "closed": r["closed"],
            "isWithdrawn": False,
            "closingReport": None,
            "videoUrl": None,
            "audioUrl": None,
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "attendingOrganizations": r["organizations"],
            "attendeeCount": r["attendees"],
            "contributionCount": r["contributions"],
            "privateMeeting": False,
            "transparent": True,
            "registrationsEnabled": False,
            "registrationTerms": None,
            "remainingSlots": None,
            "registrationFormEnabled": False,
            "registrationForm": None,
            "location": text(r["location"]),
            "locationHints": None,
            "address": r["address"],
            "coordinates": None,
            "typeOfMeeting": r["type_of_meeting"],
            "onlineMeetingUrl": "",
            "iframeEmbedType": "none",
            "author": None,
            "attachments": [],
            "services": [],
            "proposalsFromMeeting": [],
            "withdrawn": False,
            "withdrawnAt": None,
            **self._classified(r),
            **self._comments(r, "Decidim::Meetings::Meeting"),
        }

    def debate(self, r: dict) -> dict:
        return {
            "id": r["id"],
            "title": text(r["title"]),
            "description": text(r["description"]),
            "instructions": None,
            "startTime": stamp(r["start"]),
            "endTime": stamp(r["end"]),
            "image": None,
            "createdAt": stamp(r["created_at"]),
            "updatedAt": stamp(r["updated_at"]),
            "informationUpdates": None,
            "reference": r["reference"],
            "author": None,
            **self._classified(r),
            **self._comments(r, "Decidim::Debates::Debate"),
        }


MANIFEST_KINDS = {
    "Proposals": "proposal",
    "Budgets": "budget",
    "Accountability": "result",
    "Meetings": "meeting",
    "Debates": "debate",
}
CONNECTIONS = {
    "Proposals": ("proposals", "proposal"),
    "Budgets": ("budgets", "budget"),
    "Accountability": ("results", "result"),
    "Meetings": ("meetings", "meeting"),
    "Debates": ("debates", "debate"),
}
