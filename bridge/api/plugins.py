"""This API's OpenAPI document, the plugins (with their change delivery) and their exports."""

from __future__ import annotations

from flask import current_app, jsonify

from bridge.access import current_identity
from bridge.api.blueprint import blueprint
from bridge.api.openapi import document
from bridge.api.paging import page_of
from bridge.api.settings import openapi_paths as settings_paths
from bridge.api.streaming import download
from bridge.delivery import Delivery
from bridge.errors import Problem
from bridge.i18n import LANGUAGES
from bridge.timeutil import iso


@blueprint.get("/openapi.json")
def openapi():
    spec = dict(document())
    extra = settings_paths()  # sync settings and mappings
    for paths in _plugins().call("openapi_paths"):
        extra.update(paths)
    spec["paths"] = {**spec["paths"], **extra}
    return jsonify(spec)


# -- plugins ------------------------------------------------------------------------------------
def _plugins():

    return current_app.extensions["bridge"].plugins


@blueprint.get("/plugins")
def plugins():

    bridge = current_app.extensions["bridge"]
    host = _plugins()
    # a label in each language, through the plugin's catalog ({"fr": ..., "en": ...})
    menu = [
        {
            "label": {
                lang: context.catalog.in_language(lang).ugettext(m.label) for lang in LANGUAGES
            },
            "endpoint": m.endpoint,
            "role": m.role,
        }
        for context, m in host.collect_owned("admin_menu")
    ]
    # An error's text may quote synced data: for signed-in people and tokens only.
    signed_in = current_identity() is not None
    delivery = {
        row["plugin"]: {
            "cursor": row["cursor"],
            "lag": row["lag"],
            "delivered_at": iso(row["delivered_at"]),
            "attempts": row["attempts"],
            "last_error": row["last_error"] if signed_in else None,
            "last_error_kind": row["last_error_kind"],
            "last_error_at": iso(row["last_error_at"]),
            "next_attempt_at": iso(row["next_attempt_at"]),
        }
        for row in Delivery(bridge.sessions, bridge.settings, host).status()
    }
    items = [{**p, "delivery": delivery.get(p["name"])} for p in host.describe(with_hooks=True)]
    return page_of(items, admin_menu=menu)


@blueprint.get("/exports")
def exports():
    items = [
        {
            "name": e.name,
            "filename": e.filename,
            "media_type": e.media_type,
            "url": f"/api/v1/exports/{e.name}",
        }
        for e in _plugins().collect("exports")
    ]
    return page_of(items)


@blueprint.get("/exports/<name>")
def export(name: str):

    for item in _plugins().collect("exports"):
        if item.name == name:
            return download(item)
    raise Problem(404, f"no export named {name!r}")
