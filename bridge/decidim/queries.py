"""Our queries, read from `.graphql` files and fitted to what one server offers.

Each file in `queries/` asks every field any Decidim we know has (0.27 to 0.31 and the newest
additions). `build()` takes out what a server lacks (`bridge.decidim.capabilities`): a field is
removed where it is selected directly in a fragment (named or inline) of a known type, then the
fragments no longer used. The test suite validates every file against the union of the schemas
we know (`schema/decidim-V.graphql`, `check_source`) and checks that what `build()` makes for each
version's own capabilities is valid against that version's schema. Nothing here asks the server
for its schema: Decidim 0.30.5+/0.31.1+ refuse anonymous introspection.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    SelectionSetNode,
    Visitor,
    build_ast_schema,
    build_schema,
    parse,
    print_ast,
    validate,
    visit,
)

from bridge.decidim.capabilities import ESSENTIAL_FIELDS, Capabilities, missing_in

HERE = Path(__file__).parent
QUERY_DIR = HERE / "queries"
SCHEMA_DIR = HERE / "schema"
SUPPORTED = ("0.27", "0.28", "0.29", "0.30", "0.31")
QUERY_NAMES = ("spaces", "proposals", "budgets", "results", "meetings", "debates")
# The component types: a field lost inside `... on Proposals { }` is the connection itself.
COMPONENT_TYPES = frozenset({"Proposals", "Budgets", "Accountability", "Meetings", "Debates"})


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def query_set_for(version: str | None) -> str | None:
    """`0.28.4` -> `0.28`; newer than we know -> our newest; older than 0.27 or junk -> None."""
    if not version:
        return None
    try:
        major_minor = _key(".".join(version.split(".")[:2]).split("-")[0])
    except ValueError:
        return None
    known = [v for v in SUPPORTED if _key(v) <= major_minor]
    return known[-1] if known else None


@cache
def schema_text(version: str) -> str:
    return (SCHEMA_DIR / f"decidim-{version}.graphql").read_text(encoding="utf-8")


@cache
def schema(version: str) -> GraphQLSchema:
    return build_schema(schema_text(version))


@cache
def union_schema() -> GraphQLSchema:
    """Every type and field of every version we know; a field whose type changed has its newest."""
    merged: dict[str, Any] = {}
    kinds = (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)
    for version in SUPPORTED:
        for definition in parse(schema_text(version)).definitions:
            name = definition.name.value if hasattr(definition, "name") else "schema"
            old = merged.get(name)
            if isinstance(definition, kinds) and isinstance(old, type(definition)):
                fields = {
                    f.name.value: f for f in (*(old.fields or ()), *(definition.fields or ()))
                }
                interfaces = {
                    i.name.value: i
                    for i in (*(old.interfaces or ()), *(definition.interfaces or ()))
                }
                definition = replace(
                    definition, fields=tuple(fields.values()), interfaces=tuple(interfaces.values())
                )
            merged[name] = definition
    return build_ast_schema(DocumentNode(definitions=tuple(merged.values())))


@cache
def source(name: str) -> DocumentNode:
    """One query file, parsed. Whether it fits a Decidim we know is `check_source`'s question,
    asked by the test suite, not by every sync: building the union schema and validating the
    files was half a second of CPU, the largest fixed cost of a first sync."""
    return parse((QUERY_DIR / f"{name}.graphql").read_text(encoding="utf-8"))


def check_source(name: str) -> None:
    """Raise ValueError when query file `name` fits none of the schemas we know (their union)."""
    errors = validate(union_schema(), source.__wrapped__(name))
    if errors:
        raise ValueError(f"queries/{name}.graphql fits no Decidim we know: {errors[0]}")


def probe() -> DocumentNode:
    """The capabilities probe (with the version): one request on a first sync."""
    return source("capabilities")


@dataclass(frozen=True)
class Built:
    """One query file fitted to a server; `lost` names the essential fields it had to drop."""

    document: DocumentNode
    lost: frozenset[str]


@cache
def build(dropped: frozenset[str]) -> dict[str, Built]:
    """Every query file without the fields in `dropped` (`Type.field`, `*.field`,
    `Type.field{}` for a field whose selection goes, or `Type.*`: its fragments go)."""
    return {name: _prune(source(name), dropped) for name in QUERY_NAMES}


def _prune(document: DocumentNode, dropped: frozenset[str]) -> Built:
    lost: set[str] = set()
    definitions = []
    for definition in document.definitions:
        if not isinstance(definition, ExecutableDefinitionNode):  # none in our queries
            definitions.append(definition)
            continue
        type_name = None
        if isinstance(definition, FragmentDefinitionNode):
            type_name = definition.type_condition.name.value
        selections = _prune_set(definition.selection_set, type_name, dropped, lost)
        definitions.append(replace(definition, selection_set=selections))
    # Fragments spread only from what was taken out go too (an unused fragment is an error).
    while True:
        used = _spread_names(DocumentNode(definitions=tuple(definitions)))
        kept = [
            d
            for d in definitions
            if not isinstance(d, FragmentDefinitionNode) or d.name.value in used
        ]
        if len(kept) == len(definitions):
            return Built(DocumentNode(definitions=tuple(kept)), frozenset(lost))
        definitions = kept


def _prune_set(
    selection_set: SelectionSetNode, type_name: str | None, dropped: frozenset[str], lost: set[str]
) -> SelectionSetNode:
    kept = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if f"{condition}.*" in dropped:
                # A type the server lacks: gone from the spaces' counts; a page query of that
                # component type has lost its connection.
                if condition in COMPONENT_TYPES and type_name is None:
                    lost.add(f"{condition}.*")
                continue
            inner = _prune_set(selection.selection_set, condition or type_name, dropped, lost)
            selection = replace(selection, selection_set=inner)
        elif isinstance(selection, FieldNode):
            name = selection.name.value
            key = f"{type_name}.{name}"
            if type_name is not None and (key in dropped or f"*.{name}" in dropped):
                if name in ESSENTIAL_FIELDS or type_name in COMPONENT_TYPES:
                    lost.add(key)
                continue
            if f"{key}{{}}" in dropped:
                selection = replace(selection, selection_set=None)
            elif selection.selection_set is not None:  # a scalar has none
                inner = _prune_set(selection.selection_set, None, dropped, lost)
                selection = replace(selection, selection_set=inner)
        kept.append(selection)
    return replace(selection_set, selections=tuple(kept))


def _spread_names(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_):
            names.add(node.name.value)

    visit(document, Spreads())
    return names


@cache
def capabilities_of(version: str) -> Capabilities:
    """What a server of exactly our schema of `version` offers, found offline the way the probe
    finds it online (for tests and for `use(version)`)."""
    errors = validate(schema(version), probe())
    return Capabilities(frozenset(missing_in([e.formatted for e in errors]) or ()))


@dataclass(frozen=True)
class QuerySet:
    version: str
    documents: dict[str, DocumentNode]


def load(version: str) -> QuerySet:
    """The queries for a server of exactly our schema of `version`, each checked against it."""
    if version not in SUPPORTED:
        raise ValueError(f"unsupported Decidim version {version!r}; supported: {SUPPORTED}")
    built = build(capabilities_of(version).dropped())
    documents = {}
    for name, item in built.items():
        errors = validate(schema(version), item.document)
        if errors or item.lost:
            raise ValueError(
                f"{name}.graphql does not fit Decidim {version}: {errors or item.lost}"
            )
        documents[name] = item.document
    return QuerySet(version, documents)


# The text of the documents sent lately, by the identity of the document (`printed`). Each entry
# keeps its document alive, so an id is never reused while its entry exists.
_PRINTED: OrderedDict[int, tuple[DocumentNode, str]] = OrderedDict()
_PRINTED_SIZE = 512
_PRINTED_LOCK = threading.Lock()


def printed(document: DocumentNode) -> str:
    """The query text of `document`, printed once. Our documents are built once and reused (the
    query files by `build`, packed requests by shape in the client), so one print serves every
    request that sends them; graphql-core's printer took several milliseconds a request."""
    with _PRINTED_LOCK:
        hit = _PRINTED.get(id(document))
        if hit is not None and hit[0] is document:
            _PRINTED.move_to_end(id(document))
            return hit[1]
    text = print_ast(document)
    with _PRINTED_LOCK:
        _PRINTED[id(document)] = (document, text)
        while len(_PRINTED) > _PRINTED_SIZE:
            _PRINTED.popitem(last=False)
    return text
