"""Our queries, fitted to each Decidim version's capabilities, are valid against its schema."""

from pathlib import Path

import pytest
from graphql import Visitor, build_schema, parse, print_ast, validate, visit

from bridge.decidim import queries
from bridge.decidim.capabilities import Capabilities, missing_in

SHARED_SCHEMA = Path(__file__).resolve().parents[2].parent / "shared/decidim/schema-0.28.graphql"


@pytest.mark.parametrize("version", queries.SUPPORTED)
def test_query_set_loads_and_validates(version):
    query_set = queries.load(version)
    assert set(query_set.documents) == set(queries.QUERY_NAMES)


@pytest.mark.parametrize("version", ["0.28"])
@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="shared/ not beside the checkout")
def test_queries_also_fit_the_reconstructed_full_decidim_schema(version):
    full = build_schema(SHARED_SCHEMA.read_text())
    for name, document in queries.load(version).documents.items():
        assert validate(full, document) == [], name


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
    """Distinct alias names, as Decidim's AliasAnalyzer counts them."""
    names = set()

    class Counter(Visitor):
        def enter_field(self, node, *_):
            if node.alias is not None:
                names.add(node.alias.value)

    visit(document, Counter())
    return len(names)


@pytest.mark.parametrize("version", queries.SUPPORTED)
def test_no_query_uses_more_than_five_aliases(version):
    # Decidim 0.31.1+ refuses a query with more than five distinct aliases.
    for name, document in queries.load(version).documents.items():
        assert aliases(document) <= 5, name
    assert aliases(parse("{ a: decidim { version } b: decidim { version } }")) == 2
    assert aliases(parse("{ a: decidim { version } b: organization { a: id } }")) == 2


def test_capabilities_found_offline_match_what_each_version_changed():
    caps = {v: queries.capabilities_of(v) for v in queries.SUPPORTED}
    assert not caps["0.28"].has("Organization.name{}") and caps["0.29"].has("Organization.name{}")
    assert not caps["0.28"].has("Proposal.withdrawn") and caps["0.29"].has("Proposal.withdrawn")
    assert not caps["0.29"].has("Proposal.taxonomies") and caps["0.30"].has("Proposal.taxonomies")
    assert caps["0.30"].has("Proposal.endorsementsCount") and caps["0.31"].has(
        "Proposal.likesCount"
    )
    assert caps["0.31"].has("Result.proposals") and not caps["0.30"].has("Result.proposals")
    assert [caps[v].guess_version() for v in ("0.29", "0.30", "0.31")] == ["0.29", "0.30", "0.31"]


def test_older_names_are_not_asked_where_the_newer_exist():
    # A server offering both (a patched 0.30 with likes): only likesCount and taxonomies.
    both = Capabilities()
    text = print_ast(queries.build(both.dropped())["proposals"].document)
    assert "likesCount" in text and "endorsementsCount" not in text
    assert "taxonomies" in text and "category" not in text


def test_a_lost_essential_field_names_it_and_unused_fragments_go():
    built = queries.build(frozenset({"Proposal.title", "Proposal.taxonomies"}))["proposals"]
    assert built.lost == {"Proposal.title"}
    gone = queries.build(frozenset({"ParticipatoryProcess.categories", "Assembly.categories"}))
    text = print_ast(gone["spaces"].document)
    assert "CategoryFields" not in text  # the fragment went with its last use
    assert not gone["spaces"].lost


def test_a_query_file_that_fits_no_decidim_is_refused(tmp_path, monkeypatch):
    (tmp_path / "bad.graphql").write_text("query Bad { organization { nickname } }")
    monkeypatch.setattr(queries, "QUERY_DIR", tmp_path)
    with pytest.raises(ValueError, match="fits no Decidim we know.*nickname"):
        queries.check_source("bad")


@pytest.mark.parametrize("name", [*queries.QUERY_NAMES, "capabilities"])
def test_every_query_file_fits_the_union_of_the_schemas_we_know(name):
    queries.check_source(name)  # raises otherwise


def without_types(version: str, names: set[str]):
    """`version`'s schema on a server without a module: its types are not in the schema."""
    document = parse(queries.schema_text(version))
    kept = [
        d
        for d in document.definitions
        if getattr(d, "name", None) is None or d.name.value not in names
    ]
    return build_schema(print_ast(document.__class__(definitions=tuple(kept))))


@pytest.mark.parametrize(
    "message",
    [
        "No such type Debates, so it can't be a fragment condition",  # graphql-ruby 1.12-2.2
        "No such type Debates, so it can't be a fragment condition (Did you mean `Meetings`?)",
        "Unknown type 'Debates'.",  # graphql-core
    ],
)
def test_a_type_the_server_lacks_is_a_capability(message):
    assert missing_in([{"message": message}]) == {"Debates.*"}


def test_a_server_without_the_debates_module_is_probed_then_read():
    # A Decidim may leave a component module out: its types are unknown, and graphql-ruby says
    # so once per fragment on them ("No such type Debates, so it can't be a fragment condition").
    server = without_types("0.31", {"Debates", "Debate", "DebateConnection", "DebateEdge"})
    found = missing_in([e.formatted for e in validate(server, queries.probe())])
    others = {k for k in queries.capabilities_of("0.31").missing if not k.startswith("Debate.")}
    assert found == others | {"Debates.*"}  # nothing is said of what is inside the fragment
    built = queries.build(Capabilities(frozenset(found)).dropped())
    assert validate(server, built["spaces"].document) == []
    assert not built["spaces"].lost and built["debates"].lost == {"Debates.*"}
    for name in ("proposals", "budgets", "results", "meetings"):
        assert validate(server, built[name].document) == [], name
