"""An instance's life on the admin pages: publish it on the public site (or not), archive it
(no more syncs, hidden, records kept), delete it after a page that says how much goes.
The rules, and the audit entries, are those of `bridge.instances` (the API's too)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from bridge import instances
from bridge.access import need, required_identity
from bridge.i18n import N_, gettext
from bridge.web.admin import _db, _instance, blueprint

# Each switch: (the field, in the instance and in the form; the words once on; once off).
SWITCHES = {
    "publication": (
        "published",
        N_("The instance is published on the public site."),
        N_("The instance is no longer shown on the public site."),
    ),
    "archive": (
        "archived",
        N_("Instance archived: no more syncs, hidden from the public site, data kept."),
        N_("Instance unarchived. Scheduled syncs stay off: switch them on in the settings."),
    ),
}


@blueprint.post("/instances/<name>/publication", defaults={"switch": "publication"})
@blueprint.post("/instances/<name>/archive", defaults={"switch": "archive"})
def lifecycle_switch(name: str, switch: str):
    """Publish or withdraw, archive or bring back: one form field, "1" for on."""
    need("admin")
    found = _instance(name)
    field, said_on, said_off = SWITCHES[switch]
    on = request.form.get(field) == "1"
    instances.update(_db(), found, {field: on}, required_identity().actor)
    flash(gettext(said_on if on else said_off), "ok")
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
        erased = instances.delete(_db(), found, required_identity().actor, plugins)
        flash(
            gettext(
                "Instance %(name)s deleted (%(total)s records erased).",
                name=name,
                total=sum(erased.values()),
            ),
            "ok",
        )
        return redirect(url_for("admin.instance_list"))
    return render_template(
        "admin/instance_delete.html", instance=found, counts=counts, mismatch=False
    )
