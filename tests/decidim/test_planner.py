"""The request planner: cursors, complexity counted as graphql-ruby counts it, plans that fit
the limits, and what it learns from Decidim's errors (no server)."""

import pytest
from graphql import build_schema, print_ast, validate

from bridge.decidim import planner, queries
from simulator import profiles
from simulator.limits import Limits, check


def test_cursors_are_graphql_ruby_offsets():
    assert [planner.cursor(n) for n in (1, 2, 50, 135)] == ["MQ", "Mg", "NTA", "MTM1"]


@pytest.mark.parametrize("version", ["0.28", "0.31"])
@pytest.mark.parametrize(
    ("resource", "operation"),
    [
        ("proposals", "ProposalsPage"),
        ("results", "ResultsPage"),
        ("meetings", "MeetingsPage"),
        ("budgets", "BudgetsPage"),
        ("debates", "DebatesPage"),
    ],
)
def test_our_count_is_the_stand_ins_and_every_plan_fits(version, resource, operation):
    """The stand-in counts as graphql-ruby does (raw `first`); our count must agree with it,
    and the packed request must be valid and under every limit."""
    document = queries.load(version).documents[resource]
    shape = planner.shape(document, operation, resource)
    limits = planner.Limits()
    pages, first = planner.plan(shape, limits)
    assert 1 <= pages <= limits.max_aliases and 1 <= first <= 50
    assert shape.cost(pages, first) <= limits.max_complexity * planner.FILL
    windows = [(i * first, first) for i in range(pages)]
    packed = planner.pages_document(document, operation, resource, windows)
    schema = queries.schema(version)
    assert validate(schema, packed) == []
    served = build_schema(profiles.sdl_for(version))
    assert check(served, packed, version, {"component": "1"}, 50, False) == []
    # One item more per page would go over: the plan is as large as the budget allows.
    bigger = planner.pages_document(document, operation, resource, [(0, first + 1)] * pages)
    if first < 50:
        assert shape.cost(pages, first + 1) > limits.budget
        assert validate(schema, bigger) == []


def test_the_counts_agree_with_the_stand_in_to_the_unit():
    document = queries.load("0.28").documents["proposals"]
    shape = planner.shape(document, "ProposalsPage", "proposals")
    packed = planner.pages_document(document, "ProposalsPage", "proposals", [(0, 40), (40, 40)])
    served = build_schema(profiles.sdl_for("0.28"))
    cost = shape.cost(2, 40)
    too_low = check(served, packed, "0.28", {}, 50, False, Limits(max_complexity=cost - 1))
    assert f"complexity of {cost}," in too_low[0]["message"]
    assert check(served, packed, "0.28", {}, 50, False, Limits(max_complexity=cost)) == []


def test_limits_are_learnt_from_decidims_errors():
    limits = planner.Limits()
    message = "Query has complexity of 6000, which exceeds max complexity of 3000"
    assert limits.learn([{"message": message}], estimate=5000)
    assert limits.max_complexity == 3000 and limits.scale == pytest.approx(1.2)
    aliases = "Too many aliases used. You have used 5 aliases, but 2 are allowed."
    assert limits.learn([{"message": aliases}], estimate=0)
    assert limits.max_aliases == 2
    assert not limits.learn([{"message": aliases}], estimate=0)  # nothing new: no retry
    assert not limits.learn([{"message": "Internal server error"}], estimate=0)


@pytest.mark.parametrize("version", ["0.28", "0.31"])
@pytest.mark.parametrize("resource", ["proposals", "budgets", "results"])
def test_our_depth_is_the_stand_ins_and_is_learnt_from_its_error(version, resource):
    document = queries.load(version).documents[resource]
    operation = f"{resource.capitalize()}Page"
    depth = planner.shape(document, operation, resource).depth
    packed = planner.pages_document(document, operation, resource, [(0, 10), (10, 10)])
    assert planner.depth(packed, operation) == depth  # aliased pages are no deeper
    served = build_schema(profiles.sdl_for(version))
    refused = check(served, packed, version, {}, 50, False, Limits(max_depth=depth - 1))
    assert refused == [
        {"message": f"Query has depth of {depth}, which exceeds max depth of {depth - 1}"}
    ]
    assert check(served, packed, version, {}, 50, False, Limits(max_depth=depth)) == []
    limits = planner.Limits()
    assert limits.learn(refused, estimate=0)
    assert limits.max_depth == depth - 1
    assert not limits.learn(refused, estimate=0)  # nothing new: no retry


def test_plans_shrink_with_the_limits_and_never_go_below_one_item():
    shape = planner.Shape(base=2, meta=2, item=35)
    assert planner.plan(shape, planner.Limits()) == (3, 47)
    assert planner.plan(shape, planner.Limits(max_aliases=1)) == (1, 50)
    assert planner.plan(shape, planner.Limits(max_complexity=1000)) == (1, 28)
    assert planner.plan(shape, planner.Limits(max_complexity=10)) == (1, 1)
    assert planner.plan(shape, planner.Limits(), max_pages=1) == (1, 50)
    assert planner.plan(shape, planner.Limits(page_cap=20)) == (5, 20)


def test_first_pages_of_several_components_in_one_request():
    built = queries.load("0.31").documents
    document = planner.components_document(
        [
            (built["proposals"], "ProposalsPage", "proposals", "5", 0, 20),
            (built["meetings"], "MeetingsPage", "meetings", "8", 40, 10),
        ]
    )
    assert validate(queries.schema("0.31"), document) == []
    printed = print_ast(document)
    assert 'c0: component(id: "5")' in printed and 'c1: component(id: "8")' in printed
    assert "first: 20" in printed and 'first: 10, after: "NDA"' in printed
    assert printed.count("fragment Text on") == 1  # shared fragments once
