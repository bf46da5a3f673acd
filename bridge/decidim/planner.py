"""Several pages, of several components, in one request, under the limits a Decidim server
states.

Decidim's cursors are graphql-ruby's: the 1-based offset of an item in URL-safe Base64 without
padding ("MQ" = 1, "NTA" = 50). The cursor that starts page k is therefore known before page
k - 1 is read, and one request can carry several windows of one connection as aliases
(`proposals(first: 50) ... p1: proposals(first: 50, after: "NTA") ...`) and windows of several
components (`component(id: "5") ... c1: component(id: "9") ...`). The client checks the format
on the first `endCursor` it reads and packs only where it holds.

What bounds a request (graphql-ruby, Decidim's defaults): complexity 5000, counted before the
query runs with the raw `first` (we count a connection as 1, plus 1 per field beside `nodes`,
plus `first` times the cost of `nodes`: from 3 items a window a little more than graphql-ruby,
which multiplies only what `nodes` selects and adds `pageInfo`'s fields; docs/decidim.md); at
most 5 distinct aliases (0.31.1+ and 0.32); 50 items a page. `Limits` starts from those
defaults and takes the server's own figures from its errors
("Query has complexity of N, which exceeds max complexity of M", "Too many aliases used. You
have used N aliases, but M are allowed.", "Query has depth of N, which exceeds max depth of M"),
so the next plan fits. Packing never makes a query deeper (aliases are siblings): a query deeper
than the server's limit cannot be fitted, and its component is left out of the run, not the
whole sync.

`fill` plans one request: the component being synced first, then the next ones, so that every
request is full and nothing is asked past the end of a connection whose size is known (the
spaces request counts each component's items up to 150; a complexity is spent on every item
asked, found or not). What is read ahead is capped for all components together, and what one
request reads of the component being read by the weight of its items (a budget's projects
cost no complexity, yet each is an item in memory).
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
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    TypeNode,
    VariableDefinitionNode,
    VariableNode,
)

PAGE_CAP = 50
# The part of the server's complexity budget a plan uses: our count is graphql-ruby's, but a
# server may count a field or two more than we do.
FILL = 0.99

_COMPLEXITY = re.compile(r"complexity of (\d+), which exceeds max complexity of (\d+)")
_ALIASES = re.compile(r"used (\d+) aliases, but (\d+) are allowed")
# The analyzer's first wording (decidim-api's alias_analyzer.rb) lists the names, not the limit.
_ALIAS_NAMES = re.compile(r"Too many aliases used: ([^\s,]+(?:,[^\s,]+)*)")
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
            elif (allowed_aliases := _aliases_allowed(message)) is not None:
                learnt = learnt or allowed_aliases < self.max_aliases
                self.max_aliases = min(self.max_aliases, allowed_aliases)
            elif found := _DEPTH.search(message):
                allowed = int(found.group(2))
                learnt = learnt or allowed < self.max_depth
                self.max_depth = min(self.max_depth, allowed)
        return learnt

    @property
    def budget(self) -> float:
        return self.max_complexity * FILL / self.scale


def _aliases_allowed(message: str) -> int | None:
    """The alias limit an error states; where it lists only the names, one fewer than those."""
    if found := _ALIASES.search(message):
        return int(found.group(2))
    if named := _ALIAS_NAMES.search(message):
        return len(named.group(1).split(",")) - 1
    return None


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


@dataclass
class Want:
    """What one component's connection still needs, as far as the planner knows: `remaining`
    items from `offset` (None: not known, take what the request has room for). `whole`: an
    unordered connection (0.27/0.28 budgets, results, meetings, debates) that is read in one
    request when it fits one, so that it comes from one snapshot of the table."""

    key: str
    shape: Shape
    offset: int = 0
    remaining: int | None = None
    whole: bool = False
    weight: float = 1.0  # what an item weighs in memory, in items (a budget: 1 + its projects)


@dataclass
class Part:
    """The windows one request reads of one connection: `firsts[j]` items from
    `offset + sum(firsts[:j])`."""

    want: Want
    firsts: list[int]

    @property
    def items(self) -> int:
        return sum(self.firsts)

    def cost(self) -> int:
        return self.want.shape.base + sum(
            self.want.shape.meta + first * self.want.shape.item for first in self.firsts
        )


def aliases(parts: int, windows: int) -> int:
    """Distinct aliases a request of `parts` components, the largest read in `windows` windows,
    uses: the first component and the first window of each go unaliased (`component`, the
    connection's name), the others are `c1`, `c2`... and `p1`, `p2`... (the same `p1` in every
    component: Decidim counts distinct names)."""
    return max(0, parts - 1) + max(0, windows - 1)


def fill(
    wants: list[Want],
    limits: Limits,
    ahead: int,
    chained: bool = True,
    most: float | None = None,
) -> list[Part]:
    """The windows of one request, as many items as the limits let it carry.

    `wants[0]` is the connection being read now, at most `most` items of it (weighed; at least
    one, None: no cap): complexity does not count a budget's projects, so without it a request
    could carry a whole component of heavy budgets, parsed and written at once. The others are
    read ahead, in their order
    (the sync's), up to `ahead` items for all of them together (they wait in memory until their
    component's turn; an item counts for its `weight`). When the current connection's size is
    known it is served first; when it is not, the others are, and it takes all the room they
    leave: nothing is asked past the end of a connection we can see, and every request is
    full. `chained`: the server's cursors
    are offsets, so a connection can be read in several windows at predicted cursors;
    otherwise one window each, at the cursor the server gave. A connection whose query is
    deeper than the server allows is left out (its own read says why)."""
    current = wants[0]
    order = wants if current.remaining is not None else [*wants[1:], current]
    parts: list[Part] = []
    spent, held, widest = 0.0, 0.0, 0
    for want in order:
        if want.shape.depth > limits.max_depth:
            continue
        need = want.remaining
        if want is not current:
            room = math.floor((ahead - held) / want.weight)
            need = room if need is None else min(need, room)
            if need <= 0:
                continue
        elif most is not None:
            room = max(1, math.floor(most / want.weight))
            need = room if need is None else min(need, room)
        firsts: list[int] = []
        left = limits.budget - spent - want.shape.base
        while need is None or sum(firsts) < need:
            if firsts and not chained:
                break
            if aliases(len(parts) + 1, max(widest, len(firsts) + 1)) > limits.max_aliases:
                break
            fits = math.floor((left - want.shape.meta) / want.shape.item)
            first = min(limits.page_cap, fits, need - sum(firsts) if need is not None else fits)
            if first < 1:
                break
            firsts.append(first)
            left -= want.shape.meta + first * want.shape.item
        if not firsts:
            continue
        split = want.remaining is not None and sum(firsts) < want.remaining
        if (
            want.whole
            and split
            and want is not current
            and _fits_alone(want, limits, chained, most)
        ):
            continue  # read in one request when its turn comes: one snapshot of the table
        part = Part(want, firsts)
        parts.append(part)
        spent += part.cost()
        widest = max(widest, len(firsts))
        held += 0 if want is current else part.items * want.weight
    if not parts and current.shape.depth <= limits.max_depth:
        parts = [Part(current, [1])]  # under any limit we know, one item fits: ask, learn
    return parts


def _fits_alone(want: Want, limits: Limits, chained: bool, most: float | None) -> bool:
    """Would one request carry all of `want` (it is known)?"""
    assert want.remaining is not None
    if most is not None and want.remaining > max(1, math.floor(most / want.weight)):
        return False
    windows = math.ceil(want.remaining / limits.page_cap)
    if windows > 1 and (not chained or aliases(1, windows) > limits.max_aliases):
        return False
    cost = want.shape.base + windows * want.shape.meta + want.remaining * want.shape.item
    return cost <= limits.budget


def batch_document(parts: list[tuple[DocumentNode, str, str, tuple[int, ...]]]) -> DocumentNode:
    """One request reading windows of several components' connections. Each part is (document,
    page operation, connection, the windows' page sizes): the operation's `component` field,
    aliased `c<k>` but for the first, and inside it one copy of the connection per window,
    aliased `p<j>` but for the first (`aliases`). Shared fragments are written once.

    The component ids and the windows' `after` cursors are variables (`batch_variables`); the
    page sizes are written in, as graphql-ruby counts complexity with the raw `first`. So one
    shape of request is one document, built and printed once however many times it is sent
    (printing a packed query cost more CPU than writing an unchanged page)."""
    selections, variables = [], []
    for index, (document, operation, connection, firsts) in enumerate(parts):
        op = _operation(document, operation)
        (field,) = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
        if field.selection_set is None:  # our query files always select in it
            raise ValueError(f"{operation}: its component field selects nothing")
        variables.append(_variable(f"component{index}", NonNullTypeNode(type=_named("ID"))))
        variables.extend(
            _variable(f"after{index}_{j}", _named("String")) for j in range(len(firsts))
        )

        def copies(node: FieldNode, index=index, firsts=firsts) -> list[FieldNode]:
            out = []
            for j, first in enumerate(firsts):
                copy = replace(node, arguments=_window_arguments(node, f"after{index}_{j}", first))
                if j:
                    copy = replace(copy, alias=NameNode(value=f"p{j}"))
                out.append(copy)
            return out

        field = replace(
            field,
            alias=NameNode(value=f"c{index}") if index else None,
            arguments=(
                ArgumentNode(
                    name=NameNode(value="id"),
                    value=VariableNode(name=NameNode(value=f"component{index}")),
                ),
            ),
            selection_set=_expand(field.selection_set, connection, copies),
        )
        selections.append(field)
    op = OperationDefinitionNode(
        operation=_operation(parts[0][0], parts[0][1]).operation,
        name=NameNode(value=parts[0][1] if len(parts) == 1 else "ComponentsPages"),
        variable_definitions=tuple(variables),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    return _with_fragments(op, [document for document, *_ in parts])


def batch_variables(parts: list[tuple[str, list[str | None]]]) -> dict[str, str | None]:
    """The variables of a `batch_document`: for each part, (component id, the windows' `after`
    cursors, None where a window starts at the beginning)."""
    values: dict[str, str | None] = {}
    for index, (component_id, afters) in enumerate(parts):
        values[f"component{index}"] = component_id
        values.update({f"after{index}_{j}": after for j, after in enumerate(afters)})
    return values


def _variable(name: str, type_: TypeNode) -> VariableDefinitionNode:
    return VariableDefinitionNode(
        variable=VariableNode(name=NameNode(value=name)), type=type_, directives=()
    )


def _named(name: str) -> NamedTypeNode:
    return NamedTypeNode(name=NameNode(value=name))


def response_keys(part: int, window: int, connection: str) -> tuple[str, str]:
    """Where `batch_document`'s answer puts a part's component and one of its windows."""
    return ("c" + str(part) if part else "component"), ("p" + str(window) if window else connection)


def without_fragment(document: DocumentNode, name: str) -> DocumentNode:
    """`document` without fragment `name` and its spreads (an optional part of a query)."""

    def strip(selection_set: SelectionSetNode) -> SelectionSetNode:
        kept = []
        for node in selection_set.selections:
            if isinstance(node, FragmentSpreadNode) and node.name.value == name:
                continue
            if isinstance(node, (FieldNode, InlineFragmentNode)) and node.selection_set:
                node = replace(node, selection_set=strip(node.selection_set))
            kept.append(node)
        return replace(selection_set, selections=tuple(kept))

    return DocumentNode(
        definitions=tuple(
            replace(d, selection_set=strip(d.selection_set))
            for d in document.definitions
            if isinstance(d, (OperationDefinitionNode, FragmentDefinitionNode))
            and not (isinstance(d, FragmentDefinitionNode) and d.name.value == name)
        )
    )


def _is_connection(node: SelectionNode, connection: str) -> TypeGuard[FieldNode]:
    return (
        isinstance(node, FieldNode)
        and node.name.value == connection
        and any(a.name.value == "first" for a in node.arguments or ())
    )


def _window_arguments(node: FieldNode, after: str, first: int) -> tuple[ArgumentNode, ...]:
    """The connection's arguments with the page size written in and `after` from a variable."""
    kept = [a for a in node.arguments or () if a.name.value not in ("first", "after")]
    kept.append(ArgumentNode(name=NameNode(value="first"), value=IntValueNode(value=str(first))))
    kept.append(
        ArgumentNode(name=NameNode(value="after"), value=VariableNode(name=NameNode(value=after)))
    )
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
