"""Decidim's answers, whatever the version, into the columns of one local model.

Each function takes one GraphQL node (a dict) and returns the values of the columns it fills,
Decidim's names in snake_case. Version differences are absorbed here: 0.29's translated
organization name, 0.30's taxonomies instead of categories and scopes, 0.29's `withdrawn` flag
instead of the `withdrawn` state, 0.31's likes instead of endorsements.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime
from typing import Any, TypeAlias

# Part of every raw record's fingerprint (`writer.raw_fingerprint`). Bump it whenever a function
# here gives other values for the same node: the next sync normalises every record again, once,
# and logs a change only where a stored value differs. Without the bump, records Decidim did not
# touch would keep the old normalising's values.
VERSION = 2  # 2: no `machine_translations` locale
# Not a locale: 0.27 and early 0.28 list the column's machine translations hash as one more
# translation (`TranslatedFieldType#translations` maps every key), its text the hash as Ruby
# prints it. 0.28.4+ give a machine translation as its locale's text instead.
MACHINE_TRANSLATIONS = "machine_translations"


def translated(field: Any) -> dict[str, str] | None:
    """`{translations: [{locale, text}]}` -> `{locale: text}`; a plain string -> `{"": text}`."""
    if field is None:
        return None
    if isinstance(field, str):
        return {"": field}
    out = {}
    for item in field.get("translations") or []:
        if item and item.get("locale") and item["locale"] != MACHINE_TRANSLATIONS:
            out[item["locale"]] = item.get("text") or ""
    return out


def timestamp(value: str | None) -> datetime | None:
    """ISO-8601 with an offset (Decidim uses the organization's zone) -> naive UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(UTC).replace(tzinfo=None)


def day(value: str | None) -> date | None:
    """Decidim `Date` (YYYY-MM-DD); tolerate a DateTime where 0.28 changed a type."""
    if not value:
        return None
    return date.fromisoformat(value[:10])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def remote_id(node: dict[str, Any] | None) -> str | None:
    return str(node["id"]) if node and node.get("id") is not None else None


def taxonomy_ids(node: dict[str, Any]) -> list[str] | None:
    if "taxonomies" not in node:
        return None
    return sorted(str(t["id"]) for t in node.get("taxonomies") or [] if t)


def _by_number(remote: str) -> tuple[int, str]:
    return (len(remote), remote)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


# Column -> the node keys it is read from: see `untold`.
Sources: TypeAlias = dict[str, tuple[str, ...]]


def untold(node: dict[str, Any], sources: Sources) -> frozenset[str]:
    """The columns none of whose node keys (`sources`) are in `node`: our query no longer asks
    them, as the server stopped offering the field (schema drift, `bridge.decidim.capabilities`).
    Their value is not null, it is no longer told: the writer keeps the stored one (a new record
    gets what the normaliser gives). A key present with null is a null, and is told."""
    return frozenset(
        column for column, keys in sources.items() if not any(key in node for key in keys)
    )


# Which node keys each column is read from (`untold`), next to each normaliser. A column read
# under two names (a rename between versions) is told when either is there; a column not listed
# (the remote id, the place, a constant) is always told.
_COMMON_SOURCES: Sources = {
    "remote_created_at": ("createdAt",),
    "remote_updated_at": ("updatedAt",),
}
_CLASSIFIED_SOURCES: Sources = {
    "category_remote_id": ("category",),
    "scope_remote_id": ("scope",),
    "taxonomy_remote_ids": ("taxonomies",),
}


def _common(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "remote_id": str(node["id"]),
        "remote_created_at": timestamp(node.get("createdAt")),
        "remote_updated_at": timestamp(node.get("updatedAt")),
    }


def _classified(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "category_remote_id": remote_id(node.get("category")),
        "scope_remote_id": remote_id(node.get("scope")),
        "taxonomy_remote_ids": taxonomy_ids(node),
    }


def organization_name(node: dict[str, Any], locale: str) -> dict[str, str] | None:
    """Before 0.29 the name is one string: it is in the organization's main locale."""
    name = node.get("name")
    return {locale: name} if isinstance(name, str) else translated(name)


SPACE_SOURCES: Sources = {
    **_COMMON_SOURCES,
    "slug": ("slug",),
    "reference": ("reference",),
    "title": ("title",),
    "subtitle": ("subtitle",),
    "short_description": ("shortDescription",),
    "description": ("description",),
    "start_date": ("startDate",),
    "end_date": ("endDate",),
    "published_at": ("publishedAt",),
    "scope_remote_id": ("scope",),
    "taxonomy_remote_ids": ("taxonomies",),
    "steps": ("steps",),
}


def space(node: dict[str, Any], space_type: str) -> dict[str, Any]:
    return {
        **_common(node),
        "space_type": space_type,
        "slug": node.get("slug"),
        "reference": node.get("reference"),
        "title": translated(node.get("title")) or {},
        "subtitle": translated(node.get("subtitle")),
        "short_description": translated(node.get("shortDescription")),
        "description": translated(node.get("description")),
        "start_date": day(node.get("startDate")),
        "end_date": day(node.get("endDate")),
        "published_at": timestamp(node.get("publishedAt")),
        "scope_remote_id": remote_id(node.get("scope")),
        "taxonomy_remote_ids": taxonomy_ids(node),
        "steps": [
            {
                "remote_id": str(step["id"]),
                "title": translated(step.get("title")),
                "start_date": _iso(day(step.get("startDate"))),
                "end_date": _iso(day(step.get("endDate"))),
                "active": bool(step.get("active")),
                "position": step.get("position"),
            }
            for step in node.get("steps") or []
            if step
        ],
    }


COMPONENT_SOURCES: Sources = {
    **_COMMON_SOURCES,
    "manifest": ("__typename",),
    "name": ("name",),
    "weight": ("weight",),
}


def component(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "remote_id": str(node["id"]),
        "remote_created_at": timestamp(node.get("createdAt")),
        "remote_updated_at": timestamp(node.get("updatedAt")),
        "manifest": node.get("__typename") or "Component",
        "name": translated(node.get("name")) or {},
        "weight": node.get("weight"),
    }


CATEGORY_SOURCES: Sources = {"name": ("name",), "parent_remote_id": ("parent",)}


def category(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "remote_id": str(node["id"]),
        "name": translated(node.get("name")) or {},
        "parent_remote_id": remote_id(node.get("parent")),
    }


def scope(node: dict[str, Any], kind: str = "scope") -> dict[str, Any]:
    return {
        "remote_id": str(node["id"]),
        "kind": kind,
        "name": translated(node.get("name")) or {},
        "parent_remote_id": remote_id(node.get("parent")),
    }


PROPOSAL_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "title": ("title",),
    "body": ("body",),
    "answer": ("answer",),
    "state": ("state",),
    "withdrawn": ("withdrawn", "state"),  # 0.29's flag, or the state
    "answered_at": ("answeredAt",),
    "published_at": ("publishedAt",),
    "official": ("official",),
    "address": ("address",),
    "vote_count": ("voteCount",),
    "endorsements_count": ("likesCount", "endorsementsCount"),
    "comments_count": ("totalCommentsCount",),
}


def proposal(node: dict[str, Any]) -> dict[str, Any]:
    state = node.get("state")
    withdrawn = bool(node.get("withdrawn")) or state == "withdrawn"
    if state == "not_answered":  # 0.29+ custom states: "not answered" was null before
        state = None
    endorsements = node.get("likesCount", node.get("endorsementsCount"))
    return {
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "title": translated(node.get("title")),
        "body": translated(node.get("body")),
        "answer": translated(node.get("answer")),
        "state": state,
        "withdrawn": withdrawn,
        "answered_at": timestamp(node.get("answeredAt")),
        "published_at": timestamp(node.get("publishedAt")),
        "official": _bool(node.get("official")),
        "address": node.get("address"),
        "vote_count": node.get("voteCount"),
        "endorsements_count": endorsements,
        "comments_count": node.get("totalCommentsCount"),
    }


BUDGET_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "title": ("title",),
    "description": ("description",),
    "total_budget": ("total_budget",),
}


def budget(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "title": translated(node.get("title")),
        "description": translated(node.get("description")),
        "total_budget": node.get("total_budget"),
    }


PROJECT_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "title": ("title",),
    "description": ("description",),
    "budget_amount": ("budget_amount",),
    "selected": ("selected",),
    "confirmed_votes": ("confirmedVotes",),
}


def project(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "title": translated(node.get("title")),
        "description": translated(node.get("description")),
        "budget_amount": node.get("budget_amount"),
        "selected": _bool(node.get("selected")),
        "confirmed_votes": node.get("confirmedVotes"),
    }


# `proposal_remote_ids` is not listed: `result` leaves it out itself where it is not told.
RESULT_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "external_id": ("externalId",),
    "title": ("title",),
    "description": ("description",),
    "start_date": ("startDate",),
    "end_date": ("endDate",),
    "progress": ("progress",),
    "weight": ("weight",),
    "parent_remote_id": ("parent",),
    "status_remote_id": ("status",),
    "status_key": ("status",),
    "status_name": ("status",),
    "status_progress": ("status",),
    "timeline": ("milestones", "timelineEntries"),
}


def result(node: dict[str, Any]) -> dict[str, Any]:
    status = node.get("status") or {}
    entries = node.get("milestones", node.get("timelineEntries")) or []
    # Only where the server offers them: elsewhere the row (and its fingerprint) stays as it was.
    links = (
        {
            "proposal_remote_ids": sorted(
                {str(p["id"]) for p in node["proposals"] or [] if p}, key=_by_number
            )
        }
        if "proposals" in node
        else {}
    )
    return {
        **links,
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "external_id": node.get("externalId"),
        "title": translated(node.get("title")),
        "description": translated(node.get("description")),
        "start_date": day(node.get("startDate")),
        "end_date": day(node.get("endDate")),
        "progress": node.get("progress"),
        "weight": node.get("weight"),
        "parent_remote_id": remote_id(node.get("parent")),
        "status_remote_id": remote_id(status),
        "status_key": status.get("key"),
        "status_name": translated(status.get("name")),
        "status_progress": status.get("progress"),
        "timeline": [
            {
                "remote_id": str(entry["id"]),
                "entry_date": _iso(day(entry.get("entryDate"))),
                "title": translated(entry.get("title")),
                "description": translated(entry.get("description")),
            }
            for entry in entries
            if entry
        ],
    }


MEETING_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "title": ("title",),
    "description": ("description",),
    "start_time": ("startTime",),
    "end_time": ("endTime",),
    "type_of_meeting": ("typeOfMeeting",),
    "address": ("address",),
    "location": ("location",),
    "attendee_count": ("attendeeCount",),
    "contribution_count": ("contributionCount",),
    "attending_organizations": ("attendingOrganizations",),
    "closed": ("closed",),
    "withdrawn": ("withdrawn", "isWithdrawn"),
}


def meeting(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "title": translated(node.get("title")),
        "description": translated(node.get("description")),
        "start_time": timestamp(node.get("startTime")),
        "end_time": timestamp(node.get("endTime")),
        "type_of_meeting": node.get("typeOfMeeting"),
        "address": node.get("address"),
        "location": translated(node.get("location")),
        "attendee_count": node.get("attendeeCount"),
        "contribution_count": node.get("contributionCount"),
        "attending_organizations": node.get("attendingOrganizations"),
        "closed": _bool(node.get("closed")),
        "withdrawn": bool(node.get("withdrawn", node.get("isWithdrawn"))),
    }


DEBATE_SOURCES: Sources = {
    **_COMMON_SOURCES,
    **_CLASSIFIED_SOURCES,
    "reference": ("reference",),
    "title": ("title",),
    "description": ("description",),
    "start_time": ("startTime",),
    "end_time": ("endTime",),
    "comments_count": ("totalCommentsCount",),
}


def debate(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **_common(node),
        **_classified(node),
        "reference": node.get("reference"),
        "title": translated(node.get("title")),
        "description": translated(node.get("description")),
        "start_time": timestamp(node.get("startTime")),
        "end_time": timestamp(node.get("endTime")),
        "comments_count": node.get("totalCommentsCount"),
    }


def classifiers_in(
    node: dict[str, Any], known: Container[tuple[str, str]] = ()
) -> list[dict[str, Any]]:
    """Scope and taxonomy rows carried by an item (Decidim has no root list of scopes to read):
    its own, and those of the projects inside a budget. Those whose (kind, id) is in `known`
    (written already in this run: most, as every page repeats them) are not normalised again."""
    found = []
    for item in [node, *(p for p in node.get("projects") or [] if p)]:
        carried = item.get("scope")
        if carried and "name" in carried and ("scope", str(carried["id"])) not in known:
            found.append(scope(carried))
        for taxonomy in item.get("taxonomies") or []:
            if taxonomy and "name" in taxonomy and ("taxonomy", str(taxonomy["id"])) not in known:
                found.append(scope(taxonomy, kind="taxonomy"))
    return found
