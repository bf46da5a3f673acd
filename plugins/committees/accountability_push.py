"""Pushing the committees' progress to Decidim through its write API, behind a confirmation;
and `bridge accountability push`.

Where an instance's Decidim offers the result update (its write API, asked of the server by
`context.decidim_writes(name).check()`), the results whose progress the committees change are
sent one by one, `progress` alone: Decidim's update fills every attribute it is not sent from the
result as it is, so titles, dates, status and weight stay untouched (unlike the import file,
which rewrites every field). Only results without children are sent: Decidim recomputes a
parent itself each time one of its children is saved (`Result#update_progress!`), so the
parents the preview lists change by Decidim's own rule.

Each result is read from Decidim just before it is sent: a result already at its target is
left alone (a second push after a success sends nothing), and the audit log records the true
value it replaced. Every attempt is audited in its own transaction as it ends (who, the result,
before and after, done or refused with Decidim's words), so a push cut short leaves a true
record of what was sent; the results after a failure of the connection are not attempted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from bridge.plugin import (
    NoCredentials,
    PluginContext,
    UpstreamError,
    WriteAccess,
    WriteRefused,
    current_context,
)
from plugins.committees.accountability import Export, ExportError, build

ACTION = "committees.accountability.push"  # worded in `wording.py`
# Outcomes of one result
DONE, UNCHANGED, REFUSED, FAILED, NOT_ATTEMPTED = (
    "done",
    "unchanged",
    "refused",
    "failed",
    "not_attempted",
)
INSTEAD = "import the file of `bridge accountability export` instead"
TOLERANCE = 0.005  # progress is sent with two decimals: closer than this is the same value


@dataclass(frozen=True)
class Change:
    """One result whose progress the committees change: Decidim's value as synced (`before`),
    the committees' (`after`), and whether the bridge sends it (False: a parent, which Decidim
    recomputes from its children)."""

    remote_id: str
    title: Any
    before: float | None
    after: float
    sent: bool


@dataclass
class Plan:
    """What a push of one component would change, and whether the instance lets us."""

    export: Export
    access: WriteAccess
    changes: list[Change]

    @property
    def to_send(self) -> list[Change]:
        return [c for c in self.changes if c.sent]

    def fingerprint(self) -> str:
        """Names this exact list: a confirmation given for another list is refused."""
        key = [(c.remote_id, c.before, c.after) for c in self.to_send]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]


@dataclass
class Outcome:
    """What happened to one result: `before` is Decidim's value read just before sending
    (None when not read), `decidim` the value Decidim answered with, `message` its words."""

    change: Change
    status: str
    before: float | None = None
    decidim: float | None = None
    message: str | None = None


@dataclass
class Pushed:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def complete(self) -> bool:
        return all(o.status in (DONE, UNCHANGED) for o in self.outcomes)


def plan(context: PluginContext, instance: str, component_id: str) -> Plan:
    """The results of the component whose progress would change. Raises ExportError."""
    return plan_for(context, build(context, instance, component_id))


def plan_for(context: PluginContext, export: Export) -> Plan:
    """The push plan of an export already built (the page shows both)."""
    children = {r.parent_remote_id for r in export.results if r.parent_remote_id}
    changes = []
    for remote_id in export.rollup.order:
        rolled = export.rollup.results[remote_id]
        if not rolled.touched or rolled.decidim is None:
            continue
        after = round(float(rolled.decidim), 2)
        if rolled.synced is not None and abs(after - float(rolled.synced)) < TOLERANCE:
            continue
        result = next(r for r in export.results if r.remote_id == remote_id)
        changes.append(
            Change(remote_id, result.title, rolled.synced, after, remote_id not in children)
        )
    return Plan(export, context.decidim_writes(export.instance.name).access(), changes)


def push(
    context: PluginContext, planned: Plan, progress: Callable[[Outcome], None] | None = None
) -> Pushed:
    """Send the plan's results one by one (see the module's text); `progress` hears each
    outcome as it is known."""
    instance = planned.export.instance.name
    component = planned.export.component.remote_id
    pushed = Pushed()
    pending = list(planned.to_send)
    try:
        with context.decidim_writes(instance).writer() as writer:
            while pending:
                change = pending.pop(0)
                outcome = Outcome(change, FAILED)
                try:
                    outcome.before = writer.result_progress(component, change.remote_id)
                    if (
                        outcome.before is not None
                        and abs(outcome.before - change.after) < TOLERANCE
                    ):
                        outcome.status = UNCHANGED
                    else:
                        outcome.decidim = writer.set_result_progress(
                            component, change.remote_id, change.after
                        )
                        outcome.status = DONE
                except WriteRefused as exc:
                    outcome.status, outcome.message = REFUSED, str(exc)
                except UpstreamError as exc:
                    outcome.message = str(exc)
                _record(context, instance, component, outcome, pushed, progress)
                if outcome.status == FAILED:
                    break
    except (NoCredentials, UpstreamError) as exc:  # signing out, or no credentials at all
        if not pushed.outcomes and pending:
            change = pending.pop(0)
            _record(
                context,
                instance,
                component,
                Outcome(change, FAILED, message=str(exc)),
                pushed,
                progress,
            )
    for change in pending:
        outcome = Outcome(change, NOT_ATTEMPTED)
        pushed.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return pushed


def _record(
    context: PluginContext,
    instance: str,
    component: str,
    outcome: Outcome,
    pushed: Pushed,
    progress: Callable[[Outcome], None] | None,
) -> None:
    """Audit an attempt in its own transaction (a read that found the target already there is
    no write: not audited), then tell the caller."""
    pushed.outcomes.append(outcome)
    if outcome.status != UNCHANGED:
        with context.transaction() as session:
            context.audit(
                session,
                ACTION,
                f"{instance}:{component}:{outcome.change.remote_id}",
                {
                    "instance": instance,
                    "component": component,
                    "result": outcome.change.remote_id,
                    "progress": outcome.change.after,
                    "outcome": outcome.status,
                    "decidim": outcome.decidim,
                    "message": outcome.message,
                },
                before={"progress": outcome.before},
            )
    if progress is not None:
        progress(outcome)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:g} %"


@click.command("push")
@click.argument("instance")
@click.option("--component", "component_id", required=True, help="Decidim id of the component.")
@click.option("--apply", "apply_", is_flag=True, help="Send the changes (without it: preview).")
def push_command(instance: str, component_id: str, apply_: bool) -> None:
    """Send the committees' progress to Decidim through its write API, one result at a time
    (progress alone; Decidim recomputes the parents). Without --apply: the list, nothing sent."""
    context = current_context("committees")
    try:
        planned = plan(context, instance, component_id)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Component {component_id} of {instance}: progress, Decidim as synced -> committees")
    for change in planned.changes:
        kind = "" if change.sent else "  (a parent: Decidim recomputes it)"
        figures = f"{_figure(change.before)} -> {_figure(change.after)}"
        click.echo(f"  result {change.remote_id}: {figures}{kind}")
    if not planned.changes:
        click.echo("  nothing to change: Decidim has the committees' figures")
    writes = context.decidim_writes(instance)
    if not planned.access.has_credentials:
        refuse = (
            "the instance has no API credentials (bridge instance add ... --api-key K "
            f"--api-secret S); {INSTEAD}"
        )
        _stop_or_say(apply_, refuse)
        return
    try:
        offer = writes.check()
    except UpstreamError as exc:
        raise click.ClickException(
            f"cannot ask Decidim whether it offers result updates: {exc}"
        ) from exc
    if not offer.accepts("progress"):
        _stop_or_say(
            apply_,
            f"Decidim does not offer result updates through its API ({offer.detail}); {INSTEAD}",
        )
        return
    if not apply_:
        click.echo(
            f"{len(planned.to_send)} result(s) to send. Nothing sent: add --apply to send them."
        )
        return
    if not planned.to_send:
        click.echo("Nothing to send.")
        return
    pushed = push(context, planned, progress=_say)
    click.echo(
        f"{pushed.count(DONE)} sent, {pushed.count(UNCHANGED)} already up to date, "
        f"{pushed.count(REFUSED)} refused, {pushed.count(FAILED)} failed, "
        f"{pushed.count(NOT_ATTEMPTED)} not attempted. Sync the instance to read Decidim's figures."
    )
    if not pushed.complete:
        raise click.ClickException("Decidim did not take every change (see above)")


def _say(outcome: Outcome) -> None:
    change = outcome.change
    words = {
        DONE: f"sent ({_figure(outcome.before)} -> {_figure(outcome.decidim)})",
        UNCHANGED: "already up to date",
        REFUSED: f"refused by Decidim: {outcome.message}",
        FAILED: f"failed: {outcome.message}",
        NOT_ATTEMPTED: "not attempted",
    }
    click.echo(f"  result {change.remote_id}: {words[outcome.status]}")


def _stop_or_say(apply_: bool, reason: str) -> None:
    if apply_:
        raise click.ClickException(f"nothing sent: {reason}")
    click.echo(f"Cannot push: {reason}.")
