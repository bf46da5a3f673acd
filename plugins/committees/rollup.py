"""Action items' progress rolled up onto the accountability results they are linked to, beside
the figure Decidim will show once that progress is imported.

Our figure for a result: the plain average of the progress of the action items linked to it or
to any result under it (cancelled items left out): how much of the committees' work is done.

Decidim's figure is what its own code computes after the import (`Result#update_progress!`,
run on a parent each time one of its children is saved):
- when weights apply, the parent's progress is the plain SUM of child progress x weight (a
  child without progress counts 0, without weight counts 1), not divided by the weights' total
  and not capped at 100;
- weights apply unless every child's weight is empty, or (with more than one child) one child
  has weight exactly 1;
- otherwise the parent's progress is the plain average of the children that have one;
- the component's figure is the unweighted average of its top-level results that have one.
Where Decidim's rule on the children as synced does not give the parent as synced, the page
says so: Decidim keeps weights as decimals but its API gives whole numbers.
A result with action items linked to it directly takes their average (what we export); a parent
is always recomputed by Decidim from its children, so a link on a parent only counts for ours.

Where the two figures differ (by half a point or more) the page warns, with the reason when we
can name it (weights that do not add up to 1, a parent linked directly); and where Decidim's
rule on the children as synced does not give the parent as synced (Decidim keeps weights as
decimals, its API gives them as whole numbers, so the file would write them back rounded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bridge.plugin import N_

# Warnings, as msgids of the plugin's catalog (the page translates them).
DIFFERS = N_("Decidim will show %(decidim)s%% where the action items say %(ours)s%%.")
WEIGHTS_OVER = N_(
    "Decidim adds up the children's progress times their weights: with weights adding up to "
    "%(total)s, this result will show %(decidim)s%%."
)
WEIGHTS_UNDER = N_(
    "Decidim adds up the children's progress times their weights: with weights adding up to "
    "%(total)s only, this result can never reach 100%%."
)
PARENT_LINKED = N_(
    "Action items are linked to this result, but Decidim computes it from its children: link "
    "them to the children instead."
)
INCONSISTENT = N_(
    "Decidim shows %(synced)s%% here, but its own rule on the children as synced gives "
    "%(expected)s%%: the weights may be decimals that Decidim's API rounds to whole numbers "
    "(the file would write them back rounded). Check them in Decidim before importing."
)
TOLERANCE = 0.5  # percentage points: below this the two figures are the same to a reader


@dataclass(frozen=True)
class ResultNode:
    """What the roll-up needs of a synced result (Decidim's values, as synced)."""

    remote_id: str
    parent_remote_id: str | None
    progress: float | None
    weight: float | None


@dataclass
class RolledUp:
    """One result: Decidim's value today (`synced`), ours, Decidim's after the import, whether
    the export changes its row (`touched`), and what the page should warn about."""

    remote_id: str
    synced: float | None
    ours: float | None = None
    decidim: float | None = None
    items: int = 0  # action items counted in ours (the result's and its descendants')
    direct: bool = False  # action items are linked to this result itself
    touched: bool = False
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class Rollup:
    """Every result of one component, and the component's two figures."""

    results: dict[str, RolledUp]
    order: list[str]  # parents before their children (the export's row order)
    component_synced: float | None
    component_ours: float | None
    component_decidim: float | None

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.results.values())


def uses_weights(weights: Sequence[float | None]) -> bool:
    """Whether Decidim multiplies by weights for a parent with these children's weights."""
    if all(w is None for w in weights):
        return False
    return len(weights) == 1 or not any(w is not None and float(w) == 1.0 for w in weights)


def decidim_progress(children: Sequence[tuple[float | None, float | None]]) -> float | None:
    """`Result#update_progress!` for (progress, weight) pairs of a parent's children."""
    if not children:
        return None
    if uses_weights([weight for _, weight in children]):
        return float(
            sum((p if p is not None else 0.0) * (w if w is not None else 1.0) for p, w in children)
        )
    known = [p for p, _ in children if p is not None]
    return sum(known) / len(known) if known else None


def average(values: Iterable[float | None]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return sum(known) / len(known) if known else None


def roll_up(results: Sequence[ResultNode], item_progress: Mapping[str, Sequence[float]]) -> Rollup:
    """The roll-up of one component's results; `item_progress` maps a result's Decidim id to
    the progress (0-100) of each action item linked to it (cancelled ones left out)."""
    by_id = {r.remote_id: r for r in results}
    children: dict[str | None, list[ResultNode]] = defaultdict(list)
    for r in results:
        parent = r.parent_remote_id if r.parent_remote_id in by_id else None
        children[parent].append(r)
    order: list[str] = []
    stack = list(reversed(children[None]))
    while stack:  # parents first, then their children (depth first, Decidim's order kept)
        node = stack.pop()
        order.append(node.remote_id)
        stack.extend(reversed(children[node.remote_id]))

    rolled = {r.remote_id: RolledUp(r.remote_id, r.progress) for r in results}
    linked: dict[str, list[float]] = {k: list(v) for k, v in item_progress.items() if k in by_id}

    def items_under(remote_id: str) -> list[float]:
        found = list(linked.get(remote_id, []))
        for child in children[remote_id]:
            found.extend(items_under(child.remote_id))
        return found

    for remote_id in reversed(order):  # children before parents
        node, out = by_id[remote_id], rolled[remote_id]
        under = items_under(remote_id)
        out.items, out.direct = len(under), remote_id in linked
        out.ours = average(under)
        kids = children[remote_id]
        _check_synced(out, kids)
        if kids and any(rolled[k.remote_id].touched for k in kids):
            out.decidim = decidim_progress([(rolled[k.remote_id].decidim, k.weight) for k in kids])
            out.touched = True
            _explain_weights(out, [k.weight for k in kids])
        elif not kids and out.direct:
            out.decidim = average(linked[remote_id])
            out.touched = True
        else:
            out.decidim = node.progress
        if kids and out.direct:
            out.warnings.append((PARENT_LINKED, {}))
        weights_said = any(w[0] in (WEIGHTS_OVER, WEIGHTS_UNDER) for w in out.warnings)
        if (
            out.ours is not None
            and out.decidim is not None
            and abs(out.ours - out.decidim) >= TOLERANCE
            and not weights_said
        ):
            out.warnings.append(
                (DIFFERS, {"decidim": _figure(out.decidim), "ours": _figure(out.ours)})
            )

    top = [rolled[r.remote_id] for r in children[None]]
    return Rollup(
        results=rolled,
        order=order,
        component_synced=average(r.synced for r in top),
        component_ours=average(r.ours for r in top),
        component_decidim=average(r.decidim for r in top),
    )


def _check_synced(out: RolledUp, kids: Sequence[ResultNode]) -> None:
    """Decidim's rule on the children as synced should give the parent as synced; where it
    does not, the weights we read are not Decidim's (its API gives them as whole numbers, the
    database keeps decimals), or an import or an edit is pending."""
    expected = decidim_progress([(k.progress, k.weight) for k in kids])
    if expected is None or out.synced is None or abs(expected - out.synced) < TOLERANCE:
        return
    values = {"synced": _figure(out.synced), "expected": _figure(expected)}
    out.warnings.append((INCONSISTENT, values))


def _explain_weights(out: RolledUp, weights: Sequence[float | None]) -> None:
    if not uses_weights(weights):
        return
    total = sum(w if w is not None else 1.0 for w in weights)
    if abs(total - 1.0) < 1e-9:
        return
    values = {"total": _figure(total, 2), "decidim": _figure(out.decidim or 0.0)}
    out.warnings.append((WEIGHTS_OVER if total > 1.0 else WEIGHTS_UNDER, values))


def _figure(value: float, digits: int = 1) -> str:
    """A figure for a warning: at most `digits` decimals, no trailing zeros."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"
