"""Static query sets, one per supported Decidim version, read from `.graphql` files.

`queries/0.27/` holds the full set; a newer directory holds only the files that differ for that
version and those after it. The set for version V takes each file from the newest directory that
is not newer than V. The same rule picks the schema file (`schema/decidim-V.graphql`) every query
of the set is validated against, offline. Nothing here asks the server for its schema: Decidim
0.30.5+/0.31.1+ refuse anonymous introspection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import DocumentNode, GraphQLSchema, build_schema, parse, validate

HERE = Path(__file__).parent
QUERY_DIR = HERE / "queries"
SCHEMA_DIR = HERE / "schema"
SUPPORTED = ("0.27", "0.28", "0.29", "0.30", "0.31")
QUERY_NAMES = (
    "version",
    "organization",
    "spaces",
    "proposals",
    "budgets",
    "results",
    "meetings",
    "debates",
)


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


def _newest_file(directory: Path, name: str, version: str) -> Path:
    candidates = sorted(
        (p for p in directory.iterdir() if p.name in SUPPORTED and _key(p.name) <= _key(version)),
        key=lambda p: _key(p.name),
    )
    for folder in reversed(candidates):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"no {name} for Decidim {version}")


@dataclass(frozen=True)
class QuerySet:
    version: str
    schema: GraphQLSchema
    schema_text: str
    documents: dict[str, DocumentNode]
    sources: dict[str, Path]


@cache
def schema_text(version: str) -> str:
    candidates = sorted(SCHEMA_DIR.glob("decidim-*.graphql"), key=lambda p: _key(p.stem[8:]))
    for path in reversed(candidates):
        if _key(path.stem[8:]) <= _key(version):
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no schema for Decidim {version}")


@cache
def load(version: str) -> QuerySet:
    """The query set of one supported version, every document validated against its schema."""
    if version not in SUPPORTED:
        raise ValueError(f"unsupported Decidim version {version!r}; supported: {SUPPORTED}")
    text = schema_text(version)
    schema = build_schema(text)
    documents, sources = {}, {}
    for name in QUERY_NAMES:
        path = _newest_file(QUERY_DIR, f"{name}.graphql", version)
        document = parse(path.read_text(encoding="utf-8"))
        errors = validate(schema, document)
        if errors:
            raise ValueError(
                f"{path.relative_to(HERE)} does not fit Decidim {version}: {errors[0]}"
            )
        documents[name], sources[name] = document, path
    return QuerySet(version, schema, text, documents, sources)


@cache
def probe(name: str) -> DocumentNode:
    """Feature probes (queries/probes/): sent when a server hides its version."""
    return parse((QUERY_DIR / "probes" / f"{name}.graphql").read_text(encoding="utf-8"))
