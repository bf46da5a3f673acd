"""Several pages in one request, under the limits a Decidim server states.

Decidim's cursors are graphql-ruby's: the 1-based offset of an item in URL-safe Base64 without
padding ("MQ" = 1, "NTA" = 50). The cursor that starts page k is therefore known before page
k - 1 is read, and one request can carry several pages of one connection as aliases
(`p0: proposals(first: 48) ... p1: proposals(first: 48, after: "NDg") ...`), or the first pages
of several components (`c0: component(id: "5") ... c1: component(id: "9") ...`). The client
checks the format on the first `endCursor` it reads and packs only where it holds.

What bounds a request (graphql-ruby, Decidim's defaults): complexity 5000, counted before the
query runs with the raw `first` (a connection costs 1, plus 1 per field beside `nodes`, plus
`first` times the cost of `nodes`); at most 5 distinct aliases (0.30.5/0.31.1+); 50 items a
page. `Limits` starts from those defaults and takes the server's own figures from its errors
("Query has complexity of N, which exceeds max complexity of M", "Too many aliases used. You
have used N aliases, but M are allowed.", "Query has depth of N, which exceeds max depth of M"),
so the next plan fits. Packing never makes a query deeper (aliases are siblings): a query deeper
than the server's limit cannot be fitted, and its component is left out of the run, not the
whole sync.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, replace
from typing import TypeGuard

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
)

PAGE_CAP = 50
# The part of the server's complexity budget a plan uses: our count is graphql-ruby's, but a
# server may count a field or two more than we do.
FILL = 0.99

_COMPLEXITY = re.compile(r"complexity of (\d+), which exceeds max complexity of (\d+)")
_ALIASES = re.compile(r"used (\d+) aliases, but (\d+) are allowed")
_DEPTH = re.compile(r"depth of (\d+), which exceeds max depth of (\d+)")


def cursor(offset: int) -> str:
    """graphql-ruby's cursor of the item at 1-based `offset`."""
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


@dataclass
class Limits:
    """What the server accepts in one request, as far as we know."""

    max_complexity: int = 5000
    max_aliases: int = 5
    max_depth: int = 15
    page_cap: int = PAGE_CAP
    # The server's count over ours, learnt from a complexity error (1.0 until then).
    scale: float = 1.0

    def learn(self, errors: list[dict], estimate: int) -> bool:
        """Take the server's limits from its errors about our request (whose complexity we
        counted as `estimate`); True when the next plan will be smaller."""
        learnt = False
        for error in errors:
            message = str(error.get("message", ""))
            if found := _COMPLEXITY.search(message):
                counted, allowed = int(found.group(1)), int(found.group(2))
                self.max_complexity = min(self.max_complexity, allowed)
                if estimate and counted > estimate * self.scale:
                    self.scale = counted / estimate
                learnt = True
            elif found := _ALIASES.search(message):
                allowed = int(found.group(2))
                learnt = learnt or allowed < self.max_aliases
                self.max_aliases = min(self.max_aliases, allowed)
            elif found := _DEPTH.search(message):
                allowed = int(found.group(2))
                learnt = learnt or allowed < self.max_depth
                self.max_depth = min(self.max_depth, allowed)
        return learnt

    @property
    def budget(self) -> float:
        return self.max_complexity * FILL / self.scale


@dataclass(frozen=True)
class Shape:
    """The cost of one connection query: `base` outside the connection, `meta` for the
    connection field and its fields beside `nodes`, `item` per item asked; and its `depth`
    (fields nested in fields, as graphql-ruby counts it: fragments add no level)."""

    base: int
    meta: int
    item: int
    depth: int = 1

    def cost(self, pages: int, first: int) -> int:
        return self.base + pages * (self.meta + first * self.item)


def shape(document: DocumentNode, operation: str, connection: str) -> Shape:
    """Count a page operation's complexity the way graphql-ruby does, split into its parts."""
    fragments = _fragments(document)
    op = _operation(document, operation)
    found: dict[str, int] = {}

    def count(selection_set: SelectionSetNode | None) -> int:
        total = 0
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, InlineFragmentNode):
                total += count(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                total += count(fragments[node.name.value].selection_set)
            elif _is_connection(node, connection):
                items = meta = 0
                for inner in node.selection_set.selections if node.selection_set else ():
                    if isinstance(inner, FieldNode) and inner.name.value in ("nodes", "edges"):
                        items += 1 + count(inner.selection_set)
                    else:
                        meta += 1
                found.update(meta=1 + meta, item=items)
            elif isinstance(node, FieldNode):
                total += 1 + count(node.selection_set)
        return total

    base = count(op.selection_set)
    return Shape(
        base=base,
        meta=found.get("meta", 1),
        item=max(1, found.get("item", 1)),
        depth=depth(document, operation),
    )


def depth(document: DocumentNode, operation: str) -> int:
    """How deep an operation's fields nest, counted as graphql-ruby's max_depth does: a root
    field is at depth 1, fragments add no level, introspection fields (`__typename`) none."""
    fragments = _fragments(document)

    def deepest(selection_set: SelectionSetNode | None, level: int) -> int:
        most = level - 1
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, InlineFragmentNode):
                most = max(most, deepest(node.selection_set, level))
            elif isinstance(node, FragmentSpreadNode):
                most = max(most, deepest(fragments[node.name.value].selection_set, level))
            elif isinstance(node, FieldNode) and not node.name.value.startswith("__"):
                most = max(most, deepest(node.selection_set, level + 1))
        return most

    return deepest(_operation(document, operation).selection_set, 1)


def plan(shape: Shape, limits: Limits, max_pages: int | None = None) -> tuple[int, int]:
    """(pages, items per page) carrying the most items under the limits; at least (1, 1)."""
    best = (1, 1)
    most = max(1, limits.max_aliases if max_pages is None else min(max_pages, limits.max_aliases))
    for pages in range(1, most + 1):
        room = limits.budget - shape.base - pages * shape.meta
        first = min(limits.page_cap, math.floor(room / (pages * shape.item)))
        if first < 1:
            break
        if pages * first > best[0] * best[1]:
            best = (pages, first)
    return best


def pages_document(
    document: DocumentNode, operation: str, connection: str, windows: list[tuple[int, int]]
) -> DocumentNode:
    """The page operation with one copy of the connection per (offset, first) window, aliased
    `p0`, `p1`... (no alias for a single window), cursors and sizes written in."""

    def copies(node: FieldNode) -> list[FieldNode]:
        out = []
        for index, (offset, first) in enumerate(windows):
            copy = replace(node, arguments=_window_arguments(node, offset, first))
            if len(windows) > 1:
                copy = replace(copy, alias=NameNode(value=f"p{index}"))
            out.append(copy)
        return out

    op = _operation(document, operation)
    op = replace(
        op,
        variable_definitions=tuple(
            v for v in op.variable_definitions or () if v.variable.name.value == "component"
        ),
        selection_set=_expand(op.selection_set, connection, copies),
    )
    return _with_fragments(op, [document])


def components_document(
    items: list[tuple[DocumentNode, str, str, str, int, int]],
) -> DocumentNode:
    """One page of each of several components in one request: for each (document, operation,
    connection, component id, offset, first), the operation's `component` field aliased `c<i>`,
    with the id, the cursor and the page size written in."""
    selections = []
    for index, (document, operation, connection, component_id, offset, first) in enumerate(items):
        op = _operation(document, operation)
        (field,) = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
        if field.selection_set is None:  # our query files always select in it
            raise ValueError(f"{operation}: its component field selects nothing")
        field = replace(
            field,
            alias=NameNode(value=f"c{index}"),
            arguments=(
                ArgumentNode(name=NameNode(value="id"), value=StringValueNode(value=component_id)),
            ),
            selection_set=_expand(
                field.selection_set,
                connection,
                lambda node, offset=offset, first=first: [
                    replace(node, arguments=_window_arguments(node, offset, first))
                ],
            ),
        )
        selections.append(field)
    op = OperationDefinitionNode(
        operation=_operation(items[0][0], items[0][1]).operation,
        name=NameNode(value="ComponentsPages"),
        variable_definitions=(),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    return _with_fragments(op, [document for document, *_ in items])


def _is_connection(node: SelectionNode, connection: str) -> TypeGuard[FieldNode]:
    return (
        isinstance(node, FieldNode)
        and node.name.value == connection
        and any(a.name.value == "first" for a in node.arguments or ())
    )


def _window_arguments(node: FieldNode, offset: int, first: int) -> tuple[ArgumentNode, ...]:
    kept = [a for a in node.arguments or () if a.name.value not in ("first", "after")]
    kept.append(ArgumentNode(name=NameNode(value="first"), value=IntValueNode(value=str(first))))
    if offset:
        value = StringValueNode(value=cursor(offset))
        kept.append(ArgumentNode(name=NameNode(value="after"), value=value))
    return tuple(kept)


def _expand(selection_set: SelectionSetNode, connection: str, copies) -> SelectionSetNode:
    out = []
    for node in selection_set.selections:
        if _is_connection(node, connection):
            out.extend(copies(node))
            continue
        if isinstance(node, (FieldNode, InlineFragmentNode)) and node.selection_set:
            node = replace(node, selection_set=_expand(node.selection_set, connection, copies))
        out.append(node)
    return replace(selection_set, selections=tuple(out))


def _operation(document: DocumentNode, name: str) -> OperationDefinitionNode:
    for definition in document.definitions:
        if (
            isinstance(definition, OperationDefinitionNode)
            and definition.name is not None
            and definition.name.value == name
        ):
            return definition
    raise KeyError(f"no operation {name}")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _with_fragments(op: OperationDefinitionNode, documents: list[DocumentNode]) -> DocumentNode:
    """`op` and the fragments it uses (the same `Text` fragment of several files, once)."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for document in documents:
        for name, fragment in _fragments(document).items():
            fragments.setdefault(name, fragment)
    used: set[str] = set()
    todo = [op.selection_set]
    while todo:
        for node in todo.pop().selections:
            if isinstance(node, FragmentSpreadNode):
                if node.name.value not in used:
                    used.add(node.name.value)
                    todo.append(fragments[node.name.value].selection_set)
            elif isinstance(node, (FieldNode, InlineFragmentNode)) and node.selection_set:
                todo.append(node.selection_set)
    return DocumentNode(definitions=(op, *(fragments[n] for n in sorted(used))))
