"""An instance's life on the admin pages: publish it on the public site (or not), archive it
(no more syncs, hidden, records kept), delete it after a page that says how much goes.
The rules, and the audit entries, are those of `bridge.instances` (the API's too)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from bridge import instances
from bridge.web.access import current_identity, need
from bridge.web.admin import _db, _instance, blueprint
from bridge.web.i18n_health import health_words


@blueprint.post("/instances/<name>/publication")
def publication(name: str):
    need("admin")
    found = _instance(name)
    published = request.form.get("published") == "1"
    instances.update(_db(), found, {"published": published}, current_identity().actor)
    flash(health_words()["now_published" if published else "now_unpublished"], "ok")
    return redirect(url_for("admin.instance", name=found.name))


@blueprint.post("/instances/<name>/archive")
def archive(name: str):
    need("admin")
    found = _instance(name)
    archived = request.form.get("archived") == "1"
    instances.update(_db(), found, {"archived": archived}, current_identity().actor)
    flash(health_words()["now_archived" if archived else "now_unarchived"], "ok")
    return redirect(url_for("admin.instance", name=found.name))


@blueprint.route("/instances/<name>/delete", methods=["GET", "POST"])
def delete(name: str):
    """A page that says what goes; the instance's name typed again confirms."""
    need("admin")
    found = _instance(name)
    counts = instances.record_counts(_db(), found)
    if request.method == "POST":
        if request.form.get("confirm", "").strip() != found.name:
            return render_template(
                "admin/instance_delete.html", instance=found, counts=counts, mismatch=True
            ), 422
        plugins = current_app.extensions["bridge"].plugins
        erased = instances.delete(_db(), found, current_identity().actor, plugins)
        flash(health_words()["deleted"].format(name=name, total=sum(erased.values())), "ok")
        return redirect(url_for("admin.instance_list"))
    return render_template(
        "admin/instance_delete.html", instance=found, counts=counts, mismatch=False
    )
