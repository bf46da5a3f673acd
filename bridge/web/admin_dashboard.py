"""The admin home: sync health at a glance (the scheduler's heartbeat, each instance's last
run, failures of the day, warnings, late instances, plugins failing on the changes), and what
every health-aware admin page needs in its templates."""

from __future__ import annotations

from flask import current_app, render_template

from bridge import heartbeat, mail
from bridge.access import current_identity
from bridge.failures import sentence
from bridge.health import instances_health
from bridge.web.admin import _db, blueprint


def scheduler_state() -> heartbeat.SchedulerState:
    poll = current_app.extensions["bridge"].settings.scheduler_poll_seconds
    return heartbeat.state(_db(), poll)


@blueprint.app_context_processor
def health_context() -> dict:
    """In every template (the admin menu of plugins' pages too): `failure` (a run's reason in
    one sentence) and `scheduler_state()` (read only by pages that show it)."""
    return {
        "failure": lambda run: sentence(run.error_kind),
        "scheduler_state": scheduler_state,
    }


@blueprint.get("/")
def index():
    from bridge.delivery import Delivery

    rows = instances_health(_db(), archived=False)
    bridge = current_app.extensions["bridge"]
    delivery = Delivery(bridge.sessions, bridge.settings, bridge.plugins).status()
    return render_template(
        "admin/dashboard.html",
        rows=rows,
        failing=[r for r in rows if r.state == "failed"],
        late=[r for r in rows if r.late],
        failing_plugins=[d for d in delivery if d["attempts"]],
        identity=current_identity(),
        mail=mail.counts(_db()),
        mail_configured=bridge.settings.mail.configured,
    )
