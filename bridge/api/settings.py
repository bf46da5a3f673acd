"""Per-instance settings over the API (editor): what is synced, and the city's words for
Decidim's scopes and categories.

    GET/PUT /api/v1/instances/NAME/sync-settings   spaces and components switched off
    GET/PUT /api/v1/instances/NAME/mappings        scopes -> neighbourhoods, categories -> themes

A PUT replaces each list it sends (a list left out is kept as it is). Invalid input is 422
problem+json with `field` naming the value refused, e.g. `components_off[2]`.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from bridge import mappings
from bridge.access import require_role, required_identity
from bridge.api.blueprint import blueprint
from bridge.api.openapi import problem_response
from bridge.api.params import instance_named
from bridge.db import db
from bridge.errors import Problem, json_object
from bridge.store import models
from bridge.store.models import Instance
from bridge.sync import selection
from bridge.sync.resources import RESOURCES


def _body(allowed: tuple[str, ...]) -> dict:
    data = json_object()
    for key in data:
        if key not in allowed:
            raise Problem(422, f"{key} cannot be set here (use {', '.join(allowed)})", field=key)
    return data


def _invalid(field: str, detail: str) -> Problem:
    return Problem(422, detail, field=field)


def _list(data: dict, key: str) -> list | None:
    if key not in data:
        return None
    if not isinstance(data[key], list):
        raise _invalid(key, f"{key} is a list")
    return data[key]


def _remote_id(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _invalid(field, "a Decidim id is a string (or a whole number)")
    value = str(value).strip()
    if not value or len(value) > 64:
        raise _invalid(field, "a Decidim id has 1 to 64 characters")
    return value


# -- what is synced ------------------------------------------------------------------------------
def sync_settings_json(instance: Instance) -> dict:
    """The switches, and every known space with its components and whether each is read."""
    switches = selection.load(db(), instance.id)
    listed = []
    for space, components in selection.spaces_with_components(db(), instance.id):
        listed.append(
            {
                "id": space.id,
                "space_type": space.space_type,
                "remote_id": space.remote_id,
                "title": space.title,
                "synced": switches.space_on(space.space_type, space.remote_id),
                "components": [
                    {
                        "id": c.id,
                        "remote_id": c.remote_id,
                        "manifest": c.manifest,
                        "name": c.name,
                        "syncable": c.manifest in RESOURCES,
                        "synced": c.manifest in RESOURCES
                        and switches.component_on(c.remote_id, space.space_type, space.remote_id),
                    }
                    for c in components
                ],
            }
        )
    return {"instance": instance.name, **switches.as_json(), "spaces": listed}


@blueprint.get("/instances/<name>/sync-settings")
@require_role("editor")
def get_sync_settings(name: str):
    return jsonify(sync_settings_json(instance_named(name)))


@blueprint.put("/instances/<name>/sync-settings")
@require_role("editor")
def put_sync_settings(name: str):
    instance = instance_named(name)
    data = _body(("spaces_off", "components_off"))
    known_spaces = set(
        db().execute(
            select(models.Space.space_type, models.Space.remote_id).where(
                models.Space.instance_id == instance.id
            )
        )
    )
    known_components = set(
        db().scalars(
            select(models.Component.remote_id).where(models.Component.instance_id == instance.id)
        )
    )
    spaces_off = None
    if (given := _list(data, "spaces_off")) is not None:
        spaces_off = set()
        for index, item in enumerate(given):
            field = f"spaces_off[{index}]"
            if not isinstance(item, dict):
                raise _invalid(field, "a space is {space_type, remote_id}")
            kind = item.get("space_type")
            if kind not in selection.SPACE_TYPES:
                raise _invalid(
                    f"{field}.space_type", "space_type is participatory_process or assembly"
                )
            rid = _remote_id(item.get("remote_id"), f"{field}.remote_id")
            if (kind, rid) not in known_spaces:
                raise _invalid(f"{field}.remote_id", f"no {kind} {rid} has been synced here")
            spaces_off.add((kind, rid))
    components_off = None
    if (given := _list(data, "components_off")) is not None:
        components_off = set()
        for index, item in enumerate(given):
            field = f"components_off[{index}]"
            rid = _remote_id(item, field)
            if rid not in known_components:
                raise _invalid(field, f"no component {rid} has been synced here")
            components_off.add(rid)
    selection.replace(
        db(),
        instance,
        required_identity().actor,
        spaces_off=spaces_off,
        components_off=components_off,
    )
    db().commit()
    return jsonify(sync_settings_json(instance))


# -- neighbourhoods and themes -----------------------------------------------------------------
def mappings_json(instance: Instance) -> dict:
    """Every known scope/taxonomy and category, with what it is mapped to (null: not mapped)."""
    hoods = {
        kind: mappings.neighbourhoods(db(), instance.id, kind) for kind in mappings.SCOPE_KINDS
    }
    themes = mappings.themes(db(), instance.id)
    scopes, categories = mappings.mappable(db(), instance.id)
    return {
        "instance": instance.name,
        "neighbourhoods": [
            {
                "kind": s.kind,
                "remote_id": s.remote_id,
                "name": s.name,
                "neighbourhood": hoods.get(s.kind, {}).get(s.remote_id),
            }
            for s in scopes
        ],
        "themes": [
            {
                "remote_id": c.remote_id,
                "name": c.name,
                "space": {"id": c.space_id, "space_type": s.space_type, "remote_id": s.remote_id},
                "theme": themes.get(c.remote_id),
            }
            for c, s in categories
        ],
    }


@blueprint.get("/instances/<name>/mappings")
@require_role("editor")
def get_mappings(name: str):
    return jsonify(mappings_json(instance_named(name)))


def _mapped_name(item: dict, key: str, field: str) -> str | None:
    try:
        return mappings.clean_name(item.get(key))
    except ValueError as exc:
        raise _invalid(f"{field}.{key}", str(exc)) from None


@blueprint.put("/instances/<name>/mappings")
@require_role("editor")
def put_mappings(name: str):
    instance = instance_named(name)
    data = _body(("neighbourhoods", "themes"))
    hoods = None
    if (given := _list(data, "neighbourhoods")) is not None:
        known = set(
            db().execute(
                select(models.Scope.kind, models.Scope.remote_id).where(
                    models.Scope.instance_id == instance.id
                )
            )
        )
        hoods = {}
        for index, item in enumerate(given):
            field = f"neighbourhoods[{index}]"
            if not isinstance(item, dict):
                raise _invalid(field, "an entry is {kind, remote_id, neighbourhood}")
            kind = item.get("kind", "scope")
            if kind not in mappings.SCOPE_KINDS:
                raise _invalid(f"{field}.kind", "kind is scope or taxonomy")
            rid = _remote_id(item.get("remote_id"), f"{field}.remote_id")
            if (kind, rid) not in known:
                raise _invalid(f"{field}.remote_id", f"no {kind} {rid} has been synced here")
            hoods[(kind, rid)] = _mapped_name(item, "neighbourhood", field)
    themes = None
    if (given := _list(data, "themes")) is not None:
        known_categories = set(
            db().scalars(
                select(models.Category.remote_id).where(models.Category.instance_id == instance.id)
            )
        )
        themes = {}
        for index, item in enumerate(given):
            field = f"themes[{index}]"
            if not isinstance(item, dict):
                raise _invalid(field, "an entry is {remote_id, theme}")
            rid = _remote_id(item.get("remote_id"), f"{field}.remote_id")
            if rid not in known_categories:
                raise _invalid(f"{field}.remote_id", f"no category {rid} has been synced here")
            themes[rid] = _mapped_name(item, "theme", field)
    mappings.save(
        db(),
        instance,
        required_identity().actor,
        neighbourhoods=hoods,
        themes=themes,
        replace=True,
    )
    db().commit()
    return jsonify(mappings_json(instance))


# -- OpenAPI -------------------------------------------------------------------------------------
_ID = {"type": ["string", "integer"], "description": "Decidim's id"}
_TRANSLATED = {"$ref": "#/components/schemas/Translated"}
_SPACE_REF = {
    "type": "object",
    "required": ["space_type", "remote_id"],
    "properties": {
        "space_type": {"type": "string", "enum": list(selection.SPACE_TYPES)},
        "remote_id": _ID,
    },
}
_SWITCHES = {
    "spaces_off": {
        "type": "array",
        "items": _SPACE_REF,
        "description": "Spaces not read (nor any of their components)",
    },
    "components_off": {
        "type": "array",
        "items": _ID,
        "description": "Components not read (Decidim ids)",
    },
}
_NEIGHBOURHOOD: dict[str, Any] = {
    "type": "object",
    "required": ["remote_id"],
    "properties": {
        "kind": {"type": "string", "enum": list(mappings.SCOPE_KINDS), "default": "scope"},
        "remote_id": _ID,
        "neighbourhood": {"type": ["string", "null"], "maxLength": mappings.NAME_LENGTH},
    },
}
_THEME: dict[str, Any] = {
    "type": "object",
    "required": ["remote_id"],
    "properties": {
        "remote_id": _ID,
        "theme": {"type": ["string", "null"], "maxLength": mappings.NAME_LENGTH},
    },
}


def openapi_paths() -> dict[str, Any]:
    """This module's paths for the OpenAPI document (bridge/api/openapi.py adds them)."""
    name_param = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
    errors = {
        "401": problem_response("No credentials"),
        "403": problem_response("Role too low (editor needed)"),
        "404": problem_response("No such instance"),
    }
    write_errors = {
        **errors,
        "400": problem_response("Not a JSON object"),
        "422": problem_response("A value is refused; `field` names it, e.g. components_off[2]"),
    }
    settings_answer = {
        "type": "object",
        "properties": {
            "instance": {"type": "string"},
            **_SWITCHES,
            "spaces": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "space_type": {"type": "string"},
                        "remote_id": {"type": "string"},
                        "title": _TRANSLATED,
                        "synced": {"type": "boolean"},
                        "components": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "remote_id": {"type": "string"},
                                    "manifest": {"type": "string"},
                                    "name": _TRANSLATED,
                                    "syncable": {"type": "boolean"},
                                    "synced": {"type": "boolean"},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
    mappings_answer = {
        "type": "object",
        "properties": {
            "instance": {"type": "string"},
            "neighbourhoods": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        **_NEIGHBOURHOOD["properties"],
                        "remote_id": {"type": "string"},
                        "name": _TRANSLATED,
                    },
                },
            },
            "themes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        **_THEME["properties"],
                        "remote_id": {"type": "string"},
                        "name": _TRANSLATED,
                        "space": {"type": "object"},
                    },
                },
            },
        },
    }

    def answer(schema: dict, description: str) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def body(properties: dict) -> dict:
        return {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": properties,
                    }
                }
            },
        }

    return {
        "/instances/{name}/sync-settings": {
            "get": {
                "summary": "What is synced (editor): switched-off spaces and components",
                "operationId": "get_sync_settings",
                "security": [{"token": []}],
                "parameters": name_param,
                "responses": {"200": answer(settings_answer, "The switches"), **errors},
            },
            "put": {
                "summary": "Switch spaces and components off or on (editor); a list sent "
                "replaces the current one, a list left out is kept. Switched-off records are "
                "kept as they were, not refreshed.",
                "operationId": "put_sync_settings",
                "security": [{"token": []}],
                "parameters": name_param,
                "requestBody": body(_SWITCHES),
                "responses": {"200": answer(settings_answer, "Changed"), **write_errors},
            },
        },
        "/instances/{name}/mappings": {
            "get": {
                "summary": "Scopes and taxonomies -> neighbourhoods, categories -> themes "
                "(editor); null: not mapped",
                "operationId": "get_mappings",
                "security": [{"token": []}],
                "parameters": name_param,
                "responses": {"200": answer(mappings_answer, "The mappings"), **errors},
            },
            "put": {
                "summary": "Set the mappings (editor): a list sent replaces the current "
                "mappings of its kind; null or an empty name removes one",
                "operationId": "put_mappings",
                "security": [{"token": []}],
                "parameters": name_param,
                "requestBody": body(
                    {
                        "neighbourhoods": {"type": "array", "items": _NEIGHBOURHOOD},
                        "themes": {"type": "array", "items": _THEME},
                    }
                ),
                "responses": {"200": answer(mappings_answer, "Changed"), **write_errors},
            },
        },
    }
