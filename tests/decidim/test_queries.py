"""Every shipped query is valid against the schema of the Decidim version it is for."""

from pathlib import Path

import pytest
from graphql import Visitor, build_schema, parse, validate, visit

from bridge.decidim import queries

SHARED_SCHEMA = Path(__file__).resolve().parents[2].parent / "shared/decidim/schema-0.28.graphql"


@pytest.mark.parametrize("version", queries.SUPPORTED)
def test_query_set_loads_and_validates(version):
    query_set = queries.load(version)
    assert set(query_set.documents) == set(queries.QUERY_NAMES)


@pytest.mark.parametrize("version", ["0.28"])
@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="shared/ not beside the checkout")
def test_queries_also_fit_the_reconstructed_full_decidim_schema(version):
    full = build_schema(SHARED_SCHEMA.read_text())
    for name, path in queries.load(version).sources.items():
        assert validate(full, parse(path.read_text())) == [], name


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("0.28.4", "0.28"),
        ("0.27.9", "0.27"),
        ("0.31.1", "0.31"),
        ("0.32.0.rc1", "0.31"),
        ("0.30.5", "0.30"),
        ("0.26.1", None),
        ("", None),
        ("x.y", None),
    ],
)
def test_reported_version_maps_to_a_query_set(reported, expected):
    assert queries.query_set_for(reported) == expected


def aliases(document) -> int:
    count = 0

    class Counter(Visitor):
        def enter_field(self, node, *_):
            nonlocal count
            count += node.alias is not None

    visit(document, Counter())
    return count


@pytest.mark.parametrize("version", queries.SUPPORTED)
def test_no_query_uses_more_than_five_aliases(version):
    # Decidim 0.31.1+ refuses a query with more than five aliases.
    for name, document in queries.load(version).documents.items():
        assert aliases(document) <= 5, name
    assert aliases(parse("{ a: decidim { version } b: decidim { version } }")) == 2
