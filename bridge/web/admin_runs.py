"""One sync run on its own page: what it did, why it failed, and the warnings it left.

A run's warnings (a record Decidim sent that the store could not take, a component whose
query the server no longer offers...) were only counted on the instance page; the administrator
had no way to read them without the API. They are written by the sync engine in English, for
whoever fixes the cause: the page says in the reader's language what they mean and shows them
as they are, marked as English.
"""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from bridge.store.models import SyncRun
from bridge.web.admin import _db, _instance, blueprint


@blueprint.get("/instances/<name>/runs/<int:run_id>")
def run(name: str, run_id: int):
    found = _instance(name)
    shown = _db().scalar(
        select(SyncRun).where(SyncRun.id == run_id, SyncRun.instance_id == found.id)
    )
    if shown is None:
        abort(404)
    return render_template("admin/run.html", instance=found, run=shown)
