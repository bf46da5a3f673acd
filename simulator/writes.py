"""The write API of Decidim 0.32 ("Write API", PRs #15790-#15795, #17071), as far as the
bridge uses it: updating an accountability result.

What Decidim does, and the stand-in with it:
- `Mutation.component(id:)` returns the union `ComponentMutation`, resolved per component type:
  `... on AccountabilityMutation { result(id:) { update(input: {clientMutationId, attributes:
  {...}}) { id progress } } }` (graphql-ruby's RelayClassicMutation: one `input` argument).
- Only the attributes sent change: Decidim's `UpdateResultType` fills every attribute the input
  leaves out from the result as it is before running the admin form, so `{progress: 70}` keeps
  the title, dates, status and weight.
- Saving a result makes Decidim recompute its parent (`Result#update_progress!`, after save).
- A token without the `api:write` scope meets the root `Mutation`'s authorisation; an API user
  without the admin permission on the result gets `MUTATION_NOT_AUTHORIZED`; the admin form's
  validation (progress between 0 and 100) answers `ATTRIBUTE_VALIDATION_ERROR` with one
  `{path, message}` per error; an attribute the input type does not have fails graphql-ruby's
  static validation, so nothing runs.

Served only where the stand-in is told so (`Config(write_api=True)`, 0.31 profile and newer: API
users exist from 0.31), so the older shapes offer no such mutation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, OperationType

from simulator.world import World

WRITE_SDL = """
union ComponentMutation = AccountabilityMutation

type AccountabilityMutation {
  id: ID!
  result(id: ID!): ResultMutation
}

type ResultMutation {
  id: ID!
  update(input: UpdateResultInput!): Result
}

input UpdateResultInput {
  clientMutationId: String
  attributes: ResultAttributes!
}

input ResultAttributes {
  decidimAccountabilityStatusId: Int
  description: JSON
  endDate: String
  externalId: String
  parentId: Int
  progress: Float
  projectIds: [Int]
  proposalIds: [Int]
  startDate: String
  taxonomies: [Int]
  title: JSON
  weight: Int
}
"""

UNAUTHORIZED_OBJECT = "You cannot view or edit this %s because you do not have permissions"
UNAUTHORIZED_MUTATION = "You do not have permission to perform this mutation"
# What the stand-in's result records call the attributes the mutation may change.
STORED = {"progress": "progress", "weight": "weight", "externalId": "external_id"}


def with_write_api(sdl: str) -> str:
    """The schema with the result mutation: `Mutation.component(id:)` and its types."""
    start = sdl.index("type Mutation {")
    end = sdl.index("\n}", start)
    field = "\n  component(id: ID!): ComponentMutation!"
    return sdl[:end] + field + sdl[end:] + WRITE_SDL


class Writes:
    """The mutation side of one request: who asks (its token's scopes) and which results the
    API user may not change (`refused`, set by a test: a result of a space it does not
    administer)."""

    def __init__(
        self,
        world: World,
        scopes: frozenset[str],
        refused: set[str],
        build_result: Callable[[dict], dict[str, Any]],
    ):
        self.world, self.scopes, self.refused = world, scopes, refused
        self.build_result = build_result

    def component(self, cid: str) -> dict[str, Any]:
        if "api:write" not in self.scopes:
            raise _coded(UNAUTHORIZED_OBJECT % "Mutation", "UNAUTHORIZED_OBJECT_ERROR")
        component = self.world.components.get(cid)
        if component is None:
            raise _coded("Component not found", "NOT_FOUND_ERROR")
        if component["manifest"] != "Accountability":
            raise _coded(UNAUTHORIZED_OBJECT % "Component", "UNAUTHORIZED_OBJECT_ERROR")
        return {
            "__typename": "AccountabilityMutation",
            "id": cid,
            "result": lambda info, id: self._result(cid, str(id)),
        }

    def _result(self, cid: str, rid: str) -> dict[str, Any]:
        record = self.world.records["result"].get(rid)
        if record is None or record["component"] != cid:
            raise _coded("Result not found", "NOT_FOUND_ERROR")
        return {"id": rid, "update": lambda info, input: self._update(record, input)}

    def _update(self, record: dict, payload: dict) -> dict[str, Any]:
        if record["id"] in self.refused:
            raise _coded(UNAUTHORIZED_MUTATION, "MUTATION_NOT_AUTHORIZED")
        attributes = payload.get("attributes") or {}
        progress = attributes.get("progress")
        if progress is not None and not 0 <= progress <= 100:
            bound = "greater than or equal to 0" if progress < 0 else "less than or equal to 100"
            raise Refusal(
                f"Progress must be {bound}",
                "ATTRIBUTE_VALIDATION_ERROR",
                [{"path": ["attributes", "progress"], "message": f"must be {bound}"}],
            )
        changed = {STORED[k]: v for k, v in attributes.items() if k in STORED and v is not None}
        self.world.edit("result", record["id"], **changed)
        if record.get("parent"):
            recompute_parent(self.world, record["parent"])
        return self.build_result(record)


class Refusal(Exception):
    """An error Decidim's API raises with a code (`Decidim::Api::Errors::*`). An attribute
    validation error carries the list of `{path, message}` Decidim sends as its `message`."""

    def __init__(self, message: str, code: str, messages: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code, self.messages = code, messages


def formatted(error: GraphQLError) -> dict[str, Any]:
    """An execution error as Decidim sends it: with its code, and for an attribute validation
    error the list of `{path, message}` in place of the message."""
    out: dict[str, Any] = dict(error.formatted)
    refusal = error.original_error
    if isinstance(refusal, Refusal):
        out["extensions"] = {"code": refusal.code}
        if refusal.messages is not None:
            out["message"] = refusal.messages
    return out


def recompute_parent(world: World, parent_id: str) -> None:
    """`Result#update_progress!`: the plain sum of child progress x weight when weights apply
    (unless every weight is empty, or one of several children weighs exactly 1), else the
    average of the children that have a progress."""
    parent = world.records["result"][parent_id]
    children = [r for r in world.records["result"].values() if r.get("parent") == parent_id]
    weights = [c.get("weight") for c in children]
    weighted = not all(w is None for w in weights) and (
        len(children) == 1 or not any(w is not None and float(w) == 1.0 for w in weights)
    )
    value: float | None
    if weighted:
        value = sum(
            float(c.get("progress") or 0.0) * float(c.get("weight") or 0.0)
            if c.get("weight") is not None
            else float(c.get("progress") or 0.0)
            for c in children
        )
    else:
        known = [c["progress"] for c in children if c.get("progress") is not None]
        value = sum(known) / len(known) if known else None
    world.edit("result", parent_id, progress=value)
    if parent.get("parent"):
        recompute_parent(world, parent["parent"])


def mutation_aware(query: Callable[..., Any], writes: Writes | None) -> Callable[..., Any]:
    """`component(id:)` of the root: the query's component, or in a mutation the
    `ComponentMutation` (one root object serves both operations in graphql-core)."""

    def resolve(info: GraphQLResolveInfo, id: str) -> Any:
        if info.operation.operation == OperationType.MUTATION:
            if writes is None:
                raise GraphQLError("Schema is not configured for mutations")
            return writes.component(str(id))
        return query(info, id=id)

    return resolve


def _coded(message: str, code: str) -> Refusal:
    return Refusal(message, code)
