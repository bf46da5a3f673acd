"""The roll-up, by worked examples of Decidim's `Result#update_progress!` and of ours."""

from __future__ import annotations

import pytest

from plugins.committees.rollup import (
    DIFFERS,
    INCONSISTENT,
    PARENT_LINKED,
    WEIGHTS_OVER,
    WEIGHTS_UNDER,
    ResultNode,
    decidim_progress,
    roll_up,
    uses_weights,
)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        # no weight anywhere: the average of the children that have a progress
        ([(40, None), (80, None), (None, None)], 60.0),
        # one child weighs exactly 1 (and there are several): weights ignored, average
        ([(50, 1), (100, 2)], 75.0),
        # weights 0.3 and 0.7: the plain sum 0.3 x 50 + 0.7 x 100 = 85, not divided
        ([(50, 0.3), (100, 0.7)], 85.0),
        # weights 2 and 3: 2 x 50 + 3 x 100 = 400, not capped at 100
        ([(50, 2), (100, 3)], 400.0),
        # a child without progress counts 0, without weight counts 1 (weights still apply)
        ([(None, 0.5), (60, None), (20, 0.5)], 70.0),
        # a single child with weight 1: weights apply (1 x 40)
        ([(40, 1)], 40.0),
        # a single child weighing 0.5: 20
        ([(40, 0.5)], 20.0),
        # nobody has a progress and no weights: nothing (Decidim's AVG of nothing is NULL)
        ([(None, None), (None, None)], None),
        ([], None),
    ],
)
def test_decidim_parent_progress(children, expected):
    assert decidim_progress(children) == expected


def test_when_weights_apply():
    assert not uses_weights([None, None])
    assert uses_weights([1])
    assert not uses_weights([1, 0.5])
    assert uses_weights([0.5, 0.5])
    assert uses_weights([None, 2])


def tree(*nodes):
    return [ResultNode(*n) for n in nodes]


def test_leaves_take_their_action_items_average_and_the_parent_follows_decidims_rule():
    results = tree(
        ("1", None, 10.0, None),  # axis "Mobilités"
        ("11", "1", 0.0, 0.5),  # bike lanes
        ("12", "1", 20.0, 0.5),  # bus lanes
        ("2", None, 50.0, None),  # untouched axis
    )
    # two action items on the bike lanes (40 % and 80 %): 60 %; none on the bus lanes
    rolled = roll_up(results, {"11": [40, 80]})
    bike, bus, axis, other = (rolled.results[k] for k in ("11", "12", "1", "2"))
    assert (bike.ours, bike.decidim, bike.touched) == (60.0, 60.0, True)
    assert (bus.ours, bus.decidim, bus.touched) == (None, 20.0, False)
    # Decidim: 0.5 x 60 + 0.5 x 20 = 40; ours: the items under the axis, (40 + 80) / 2 = 60
    assert (axis.decidim, axis.ours, axis.touched) == (40.0, 60.0, True)
    assert axis.warnings == [(DIFFERS, {"decidim": "40", "ours": "60"})]
    assert (other.decidim, other.touched, other.warnings) == (50.0, False, [])
    assert rolled.order == ["1", "11", "12", "2"]  # parents before children
    # the component: the unweighted average of the top-level results
    assert rolled.component_synced == 30.0
    assert rolled.component_decidim == 45.0
    assert rolled.component_ours == 60.0


def test_weights_that_do_not_add_up_to_one_are_explained():
    over = roll_up(
        tree(("1", None, 0.0, None), ("11", "1", 0.0, 2), ("12", "1", 0.0, 3)),
        {
            "11": [50],
            "12": [100],
        },
    )
    assert over.results["1"].decidim == 400.0
    assert over.results["1"].warnings == [(WEIGHTS_OVER, {"total": "5", "decidim": "400"})]
    under = roll_up(
        tree(("1", None, 0.0, None), ("11", "1", 0.0, 0.2), ("12", "1", 0.0, 0.3)),
        {"11": [100], "12": [100]},
    )
    assert under.results["1"].decidim == 50.0
    assert under.results["1"].warnings == [(WEIGHTS_UNDER, {"total": "0.5", "decidim": "50"})]


def test_unweighted_children_average_and_a_directly_linked_parent_warns():
    results = tree(("1", None, 0.0, None), ("11", "1", 30.0, None), ("12", "1", None, None))
    rolled = roll_up(results, {"12": [90], "1": [0]})
    parent = rolled.results["1"]
    assert parent.decidim == 60.0  # (30 + 90) / 2
    assert parent.ours == 45.0  # the items under it: 0 (on the parent) and 90
    assert (PARENT_LINKED, {}) in parent.warnings
    assert any(w[0] == DIFFERS for w in parent.warnings)


def test_a_three_level_tree_recomputes_every_ancestor():
    results = tree(
        ("1", None, 0.0, None),
        ("11", "1", 0.0, None),
        ("111", "11", 0.0, None),
        ("112", "11", 100.0, None),
        ("12", "1", 40.0, None),
    )
    rolled = roll_up(results, {"111": [50]})
    assert rolled.results["11"].decidim == 75.0
    assert rolled.results["1"].decidim == 57.5
    assert rolled.results["12"].touched is False
    assert rolled.order == ["1", "11", "111", "112", "12"]


def test_equal_figures_do_not_warn_and_an_orphan_is_top_level():
    rolled = roll_up(tree(("5", "404", 10.0, None)), {"5": [33.3]})
    assert rolled.results["5"].decidim == pytest.approx(33.3)
    assert rolled.results["5"].warnings == []
    assert rolled.order == ["5"]


def test_a_parent_that_decidims_rule_does_not_explain_warns_of_rounded_weights():
    # Decidim stores 0.3 and 0.7; its API gives whole numbers: 0 and 0 (a parent at 85 %)
    rolled = roll_up(tree(("1", None, 85.0, None), ("11", "1", 50.0, 0), ("12", "1", 100.0, 0)), {})
    assert rolled.results["1"].warnings == [(INCONSISTENT, {"synced": "85", "expected": "0"})]
    assert rolled.results["1"].touched is False  # nothing exported differs for it
