"""The request planner: cursors, complexity counted as graphql-ruby counts it, plans that fit
the limits, and what it learns from Decidim's errors (no server)."""

import random

import pytest
from graphql import build_schema, print_ast, validate

from bridge.decidim import planner, queries
from simulator import profiles
from simulator.limits import Limits, check


def test_cursors_are_graphql_ruby_offsets():
    assert [planner.cursor(n) for n in (1, 2, 50, 135)] == ["MQ", "Mg", "NTA", "MTM1"]


def one(document, operation, connection, windows):
    """A request reading `windows` ((offset, first) each) of one component's connection (the
    offsets go in the variables: `batch_variables`)."""
    return planner.batch_document(
        [(document, operation, connection, tuple(first for _, first in windows))]
    )


def windows_of(firsts, offset=0):
    out = []
    for first in firsts:
        out.append((offset, first))
        offset += first
    return out


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
    (part,) = planner.fill([planner.Want("1", shape)], limits, ahead=0)
    assert 1 <= len(part.firsts) <= limits.max_aliases + 1
    assert all(1 <= first <= 50 for first in part.firsts)
    assert part.cost() <= limits.max_complexity * planner.FILL
    packed = one(document, operation, resource, windows_of(part.firsts))
    schema = queries.schema(version)
    assert validate(schema, packed) == []
    served = build_schema(profiles.sdl_for(version))
    assert check(served, packed, version, {}, 50, False) == []
    # One item more would go over: the plan is as large as the budget allows.
    bigger = planner.Part(part.want, [*part.firsts[:-1], part.firsts[-1] + 1])
    if bigger.firsts[-1] <= 50:
        assert bigger.cost() > limits.budget


def test_the_counts_agree_with_the_stand_in_to_the_unit():
    document = queries.load("0.28").documents["proposals"]
    shape = planner.shape(document, "ProposalsPage", "proposals")
    packed = one(document, "ProposalsPage", "proposals", [(0, 40), (40, 40)])
    served = build_schema(profiles.sdl_for("0.28"))
    cost = planner.Part(planner.Want("1", shape), [40, 40]).cost()
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
    # Decidim's analyzer first said which names, not how many are allowed: one fewer, then.
    assert limits.learn([{"message": "Too many aliases used: c1,p1"}], estimate=0)
    assert limits.max_aliases == 1
    assert not limits.learn([{"message": "Internal server error"}], estimate=0)


@pytest.mark.parametrize("version", ["0.28", "0.31"])
@pytest.mark.parametrize("resource", ["proposals", "budgets", "results"])
def test_our_depth_is_the_stand_ins_and_is_learnt_from_its_error(version, resource):
    document = queries.load(version).documents[resource]
    operation = f"{resource.capitalize()}Page"
    depth = planner.shape(document, operation, resource).depth
    packed = one(document, operation, resource, [(0, 10), (10, 10)])
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


PROPOSALS = planner.Shape(base=2, meta=2, item=35)
MEETINGS = planner.Shape(base=2, meta=2, item=36)
RESULTS = planner.Shape(base=2, meta=2, item=49)


def firsts(limits, chained=True, remaining=None):
    want = planner.Want("1", PROPOSALS, remaining=remaining)
    return [part.firsts for part in planner.fill([want], limits, 0, chained)]


def test_plans_shrink_with_the_limits_and_never_go_below_one_item():
    assert firsts(planner.Limits()) == [[50, 50, 41]]  # 141 proposals, 4,943 of 4,950
    assert firsts(planner.Limits(max_aliases=1)) == [[50, 50]]  # `proposals` and `p1`
    assert firsts(planner.Limits(max_aliases=0)) == [[50]]
    assert firsts(planner.Limits(max_complexity=1000)) == [[28]]
    assert firsts(planner.Limits(max_complexity=10)) == [[1]]
    assert firsts(planner.Limits(), chained=False) == [[50]]
    assert firsts(planner.Limits(page_cap=20)) == [[20] * 6]
    assert firsts(planner.Limits(), remaining=60) == [[50, 10]]  # nothing past the end


def test_small_connections_of_several_components_share_one_request():
    wants = [
        planner.Want("1", PROPOSALS, remaining=100),
        planner.Want("2", MEETINGS, remaining=17, whole=True),
        planner.Want("3", RESULTS, remaining=10, whole=True),
        planner.Want("4", PROPOSALS, remaining=6),
        planner.Want("5", PROPOSALS, remaining=40),
    ]
    limits = planner.Limits()
    parts = planner.fill(wants, limits, ahead=250)
    # 4,832 of 4,950, then 3 of the last 40 (an ordered connection may be split).
    assert [(p.want.key, p.firsts) for p in parts] == [
        ("1", [50, 50]),
        ("2", [17]),
        ("3", [10]),
        ("4", [6]),
        ("5", [3]),
    ]
    assert sum(p.cost() for p in parts) <= limits.budget
    assert planner.aliases(len(parts), 2) == 5


def test_a_connection_of_unknown_size_takes_what_the_others_leave():
    wants = [
        planner.Want("big", PROPOSALS),
        planner.Want("2", MEETINGS, remaining=100, whole=True),
        planner.Want("3", PROPOSALS, remaining=6),
    ]
    limits = planner.Limits()
    parts = planner.fill(wants, limits, ahead=250)
    assert [(p.want.key, p.firsts) for p in parts] == [
        ("2", [50, 50]),
        ("3", [6]),
        ("big", [32]),
    ]
    cost = sum(p.cost() for p in parts)
    assert limits.budget - PROPOSALS.item < cost <= limits.budget  # the request is full


def test_what_is_read_ahead_stays_under_the_room_left():
    wants = [
        planner.Want("big", PROPOSALS),
        planner.Want("2", MEETINGS, remaining=100),
        planner.Want("3", PROPOSALS),
    ]
    parts = planner.fill(wants, planner.Limits(), ahead=30)
    assert [(p.want.key, p.firsts) for p in parts] == [("2", [30]), ("big", [50, 50, 10])]
    parts = planner.fill(wants, planner.Limits(), ahead=0)
    assert [(p.want.key, p.firsts) for p in parts] == [("big", [50, 50, 41])]


def test_what_waits_ahead_is_weighed_by_what_its_items_carry():
    budgets = planner.Shape(base=2, meta=2, item=46)
    wants = [
        planner.Want("big", PROPOSALS),
        planner.Want("2", budgets, remaining=20, weight=11.0),  # budgets of 10 projects
        planner.Want("3", MEETINGS, remaining=100),
    ]
    parts = planner.fill(wants, planner.Limits(), ahead=60)
    assert [(p.want.key, p.firsts) for p in parts][:2] == [("2", [5]), ("3", [5])]


def test_an_unordered_connection_is_read_in_one_request_where_it_fits_one():
    wants = [
        planner.Want("1", PROPOSALS, remaining=100),
        planner.Want("2", RESULTS, remaining=80, whole=True),  # 3,926: not in what is left
        planner.Want("3", RESULTS, remaining=20, whole=True),
    ]
    parts = planner.fill(wants, planner.Limits(), ahead=250)
    assert [(p.want.key, p.firsts) for p in parts] == [("1", [50, 50]), ("3", [20])]
    # Too big for any one request: read in pieces like an ordered one.
    huge = planner.Want("4", RESULTS, remaining=500, whole=True)
    parts = planner.fill([wants[0], huge], planner.Limits(), ahead=250)
    assert [(p.want.key, p.firsts) for p in parts] == [("1", [50, 50]), ("4", [29])]


def test_one_request_reads_at_most_its_weighed_items_of_the_component_being_read():
    """A budget's projects are a plain list: complexity does not count them, so 20 budgets of
    50 projects fit one request and 1,020 parsed items would be alive at once. `most` caps
    what one request carries of the component being read, a budget counting 1 + its projects;
    at least one item is asked, however much it weighs."""
    budgets = planner.Shape(base=2, meta=2, item=46)
    heavy = planner.Want("1", budgets, remaining=20, weight=51.0, whole=True)
    assert [p.firsts for p in planner.fill([heavy], planner.Limits(), 0)] == [[20]]
    assert [p.firsts for p in planner.fill([heavy], planner.Limits(), 0, most=250)] == [[4]]
    unknown = planner.Want("1", budgets, weight=51.0)
    assert [p.firsts for p in planner.fill([unknown], planner.Limits(), 0, most=250)] == [[4]]
    huge = planner.Want("1", budgets, remaining=3, weight=400.0)
    assert [p.firsts for p in planner.fill([huge], planner.Limits(), 0, most=250)] == [[1]]
    # Proposals weigh 1: complexity binds first, the cap changes nothing.
    proposals = planner.Want("2", PROPOSALS, remaining=1000)
    assert [p.firsts for p in planner.fill([proposals], planner.Limits(), 0, most=250)] == [
        [50, 50, 41]
    ]
    # An unordered connection too heavy for one request is read ahead in pieces like any.
    wants = [planner.Want("3", PROPOSALS, remaining=20), heavy]
    parts = planner.fill(wants, planner.Limits(), ahead=250, most=250)
    assert [(p.want.key, p.firsts) for p in parts] == [("3", [20]), ("1", [4])]


@pytest.mark.parametrize("seed", range(40))
def test_reading_to_the_end_gives_every_item_once_within_every_limit(seed):
    """Random components read to their end through fill(), as the client does: every item is
    asked exactly once, no request goes over the limits, and what waits ahead stays under the
    cap."""
    rng = random.Random(seed)
    limits = planner.Limits(
        max_complexity=rng.choice([600, 1200, 5000]),
        max_aliases=rng.choice([0, 1, 2, 5]),
        page_cap=rng.choice([7, 20, 50]),
    )
    chained = rng.random() < 0.8
    cap = rng.choice([0, 40, 250])
    most = rng.choice([None, 30, 250])
    shapes = [PROPOSALS, MEETINGS, RESULTS]
    sizes = [rng.choice([0, 1, 6, 17, 49, 50, 51, 120, 333]) for _ in range(rng.randint(1, 9))]
    known = [rng.random() < 0.7 for _ in sizes]
    kinds = [rng.choice(shapes) for _ in sizes]
    weights = [rng.choice([1.0, 1.0, 3.0, 12.0]) for _ in sizes]  # a budget: 1 + its projects
    offset = [0] * len(sizes)
    more = [True] * len(sizes)
    held = [0] * len(sizes)
    asked = [[0] * size for size in sizes]
    for current in range(len(sizes)):
        held[current] = 0
        while more[current]:
            order = [current] + [k for k in range(current + 1, len(sizes)) if more[k]]
            wants = [
                planner.Want(
                    str(k),
                    kinds[k],
                    offset[k],
                    sizes[k] - offset[k] if known[k] and sizes[k] > offset[k] else None,
                    whole=k % 2 == 1,
                    weight=weights[k],
                )
                for k in order
            ]
            parts = planner.fill(wants, limits, cap - sum(held), chained, most)
            assert parts and sum(p.cost() for p in parts) <= max(limits.budget, parts[0].cost())
            widest = max(len(p.firsts) for p in parts)
            assert planner.aliases(len(parts), widest) <= max(limits.max_aliases, 0) or (
                len(parts) == 1 and widest == 1
            )
            for part in parts:
                k = int(part.want.key)
                assert all(1 <= f <= limits.page_cap for f in part.firsts)
                assert chained or len(part.firsts) == 1
                got = min(part.items, sizes[k] - offset[k])
                for i in range(offset[k], offset[k] + got):
                    asked[k][i] += 1
                offset[k] += got
                if k != current:
                    held[k] += got * weights[k]
                elif most is not None:
                    assert part.items == 1 or part.items * weights[k] <= most
                more[k] = offset[k] < sizes[k]
            assert sum(held) <= cap
    assert all(count == 1 for counts in asked for count in counts)


def test_windows_of_several_components_in_one_request():
    built = queries.load("0.31").documents
    document = planner.batch_document(
        [
            (built["proposals"], "ProposalsPage", "proposals", (20, 30)),
            (built["meetings"], "MeetingsPage", "meetings", (10,)),
            (built["results"], "ResultsPage", "results", (3,)),
        ]
    )
    assert validate(queries.schema("0.31"), document) == []
    printed = print_ast(document)
    assert " component(id: $component0)" in printed  # the first part goes unaliased
    assert "c1: component(id: $component1)" in printed
    assert "c2: component(id: $component2)" in printed
    assert 'proposals(order: { id: "asc" }, first: 20, after: $after0_0)' in printed
    assert 'p1: proposals(order: { id: "asc" }, first: 30, after: $after0_1)' in printed
    assert "meetings(first: 10, after: $after1_0)" in printed
    assert "$component0: ID!" in printed and "$after1_0: String" in printed
    assert printed.count("fragment Text on") == 1  # shared fragments once
    variables = planner.batch_variables([("5", [None, "MjA"]), ("8", ["NDA"]), ("9", [None])])
    assert variables == {
        "component0": "5",
        "after0_0": None,
        "after0_1": "MjA",
        "component1": "8",
        "after1_0": "NDA",
        "component2": "9",
        "after2_0": None,
    }
    assert planner.aliases(3, 2) == 3  # c1, c2, p1
    served = build_schema(profiles.sdl_for("0.31"))
    assert check(served, document, "0.31", variables, 50, False, Limits(max_aliases=3)) == []
    refused = check(served, document, "0.31", variables, 50, False, Limits(max_aliases=2))
    assert "used 3 aliases, but 2 are allowed" in refused[0]["message"]
    keys = [planner.response_keys(k, j, "x") for k, j in ((0, 0), (1, 0), (0, 1), (2, 3))]
    assert keys == [("component", "x"), ("c1", "x"), ("component", "p1"), ("c2", "p3")]


def test_a_packed_request_is_printed_once_whatever_its_cursors(monkeypatch):
    """The cursors and component ids are variables: the same shape of request (resources and
    page sizes) is one document, printed once for all the requests that send it."""
    document = queries.load("0.28").documents["proposals"]
    packed = one(document, "ProposalsPage", "proposals", [(0, 47), (47, 47)])
    calls = []
    monkeypatch.setattr(queries, "print_ast", lambda d: calls.append(d) or print_ast(d))
    first = queries.printed(packed)
    assert queries.printed(packed) == first and len(calls) == 1
    assert queries.printed(
        planner.batch_document([(document, "ProposalsPage", "proposals", (47, 47))])
    )
    assert len(calls) == 2, "another document (even an equal one) is printed anew"


def test_the_components_counts_can_be_left_out_of_the_spaces_request():
    spaces = queries.load("0.28").documents["spaces"]
    assert "ComponentSizes" in print_ast(spaces)
    bare = planner.without_fragment(spaces, "ComponentSizes")
    assert "ComponentSizes" not in print_ast(bare) and "s1:" not in print_ast(bare)
    assert validate(queries.schema("0.28"), bare) == []
