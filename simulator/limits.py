"""Decidim's query limits: complexity, depth, aliases, recursion, introspection; and the
per-IP request throttle (Rack::Attack) in front of it all."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

MAX_COMPLEXITY = 5000
MAX_DEPTH = 15
MAX_ALIASES = 5
RECURSION_EXEMPT = {"node", "edges", "nodes", "ofType"}


@dataclass
class Limits:
    """Decidim's defaults; each can be lowered per stand-in (`Config(limits=...)`)."""

    max_complexity: int = MAX_COMPLEXITY
    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES


def check(
    schema: GraphQLSchema,
    document: DocumentNode,
    version: str,
    variables: dict,
    page_cap: int,
    introspection_allowed: bool,
    limits: Limits | None = None,
) -> list[dict]:
    """Errors Decidim would answer for this document, before executing it."""
    limits = limits or Limits()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors = []
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        walker = _Walker(schema, fragments, variables or {}, page_cap, multiply=version >= "0.28")
        root = schema.query_type if op.operation.value == "query" else schema.mutation_type
        complexity = walker.cost(op.selection_set, root, depth=1, path=())
        if walker.introspection and not introspection_allowed:
            errors.append(
                {
                    "message": "Introspection is disabled for this request",
                    "extensions": {"code": "INTROSPECTION_DISABLED_ERROR"},
                }
            )
        if walker.max_depth > limits.max_depth:
            errors.append(
                {
                    "message": f"Query has depth of {walker.max_depth}, which exceeds "
                    f"max depth of {limits.max_depth}"
                }
            )
        if complexity > limits.max_complexity:
            errors.append(
                {
                    "message": f"Query has complexity of {complexity}, which exceeds max "
                    f"complexity of {limits.max_complexity}"
                }
            )
        if version >= "0.31" and len(walker.aliases) > limits.max_aliases:
            errors.append(
                {
                    "message": f"Too many aliases used. You have used {len(walker.aliases)} "
                    f"aliases, but {limits.max_aliases} are allowed.",
                    "extensions": {"code": "TOO_MANY_ALIASES_ERROR"},
                }
            )
        if version >= "0.30" and walker.recursion:
            errors.append(
                {
                    "message": "Too many recursions detected in query",  # decidim-api's wording
                    "extensions": {"code": "RECURSION_LIMIT_EXCEEDED_ERROR"},
                }
            )
    return errors


class _Walker:
    """graphql-ruby 2.x complexity: 1 per field; a connection costs 1, plus 1 per other field
    selected on it (`pageInfo`), plus the page size times the cost of `nodes`/`edges`. The page
    size is the raw `first` (or `last`), not the 50 it is clamped to when run; without either,
    the maximum page size. 0.27 (graphql-ruby 1.12) does not multiply. Aliases are counted as
    distinct names, as Decidim's AliasAnalyzer does."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        page_cap: int,
        multiply: bool,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.page_cap, self.multiply = page_cap, multiply
        self.max_depth = 0
        self.aliases: set[str] = set()
        self.introspection = False
        self.recursion: str | None = None

    def cost(self, selection_set: SelectionSetNode | None, parent_type, depth: int, path) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent_type, depth, path)
            elif isinstance(selection, InlineFragmentNode):
                type_ = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent_type
                )
                total += self.cost(selection.selection_set, type_, depth, path)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment:
                    type_ = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(fragment.selection_set, type_, depth, path)
        return total

    def _field(self, node: FieldNode, parent_type, depth: int, path) -> int:
        name = node.name.value
        if node.alias:
            self.aliases.add(node.alias.value)
        if name in ("__schema", "__type"):
            self.introspection = True
        if name.startswith("__"):
            return 0
        if name not in RECURSION_EXEMPT and path.count(name) >= 2:
            self.recursion = self.recursion or name
        self.max_depth = max(self.max_depth, depth)
        field = getattr(parent_type, "fields", {}).get(name) if parent_type else None
        child_type = get_named_type(field.type) if field else None
        if child_type is not None and child_type.name.endswith("Connection") and self.multiply:
            items = metadata = 0
            for selection in node.selection_set.selections if node.selection_set else ():
                one = SelectionSetNode(selections=(selection,))
                cost = self.cost(one, child_type, depth + 1, (*path, name))
                is_item = isinstance(selection, FieldNode) and selection.name.value in (
                    "nodes",
                    "edges",
                )
                items += cost if is_item else 0
                metadata += 0 if is_item else 1
            return 1 + metadata + self._page_size(node) * items
        return 1 + self.cost(node.selection_set, child_type, depth + 1, (*path, name))

    def _page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                raw = (
                    self.variables.get(value.name.value)
                    if isinstance(value, VariableNode)
                    else getattr(value, "value", None)
                )
                if raw is not None:
                    return max(0, int(raw))
        return self.page_cap


class Throttle:
    """At most `limit` requests per `period` seconds per client IP (0 = no limit)."""

    def __init__(self, limit: int, period: float = 60.0):
        self.limit, self.period = limit, period
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, ip: str) -> int | None:
        """None when the request may go on, else the seconds to wait."""
        if self.limit <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            seen = self._seen[ip]
            while seen and now - seen[0] >= self.period:
                seen.popleft()
            if len(seen) >= self.limit:
                return max(1, int(self.period - (now - seen[0])) + 1)
            seen.append(now)
            return None
