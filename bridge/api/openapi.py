"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Schemas of synced items are read from the models' columns, so that a column added in a migration
shows up here without a second edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, Integer

from bridge import __version__
from bridge.api.serialise import HIDDEN, RENAMED
from bridge.store import models

COMMON_LIST = ["limit", "cursor"]
SYNCED_FILTERS = ["instance", "include_removed", "updated_since"]
COMPONENT_FILTERS = ["process", "component"]

PARAMETERS: dict[str, dict[str, Any]] = {
    "limit": {
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
        "description": "Items per page.",
    },
    "cursor": {
        "schema": {"type": "string"},
        "description": "The `next` value of the previous page.",
    },
    "instance": {"schema": {"type": "string"}, "description": "Instance name."},
    "include_removed": {
        "schema": {"type": "boolean", "default": False},
        "description": "Include records gone upstream (`removed_at` set).",
    },
    "updated_since": {
        "schema": {"type": "string", "format": "date-time"},
        "description": "Only records Decidim changed since then.",
    },
    "process": {"schema": {"type": "integer"}, "description": "Our id of the process."},
    "component": {"schema": {"type": "integer"}, "description": "Our id of the component."},
    "q": {"schema": {"type": "string"}, "description": "Text search, any locale."},
    "state": {
        "schema": {"type": "string"},
        "description": "Decidim state (accepted, rejected, evaluating, withdrawn ...); "
        "`none` for unanswered.",
    },
    "withdrawn": {"schema": {"type": "boolean"}},
    "scope": {"schema": {"type": "string"}, "description": "Decidim scope id."},
    "category": {"schema": {"type": "string"}, "description": "Decidim category id."},
    "selected": {"schema": {"type": "boolean"}},
    "budget": {"schema": {"type": "integer"}, "description": "Our id of the budget."},
    "parent": {"schema": {"type": "string"}, "description": "Decidim id of the parent result."},
    "root": {"schema": {"type": "boolean"}, "description": "Only results without a parent."},
    "status": {"schema": {"type": "string"}, "description": "Status key."},
    "type": {"schema": {"type": "string"}, "description": "Component type (Proposals ...)."},
    "run": {"schema": {"type": "integer"}},
    "resource": {"schema": {"type": "string"}},
    "since_id": {"schema": {"type": "integer"}},
    "include_revoked": {
        "schema": {"type": "boolean", "default": False},
        "description": "Include revoked tokens.",
    },
    "order": {"schema": {"type": "string", "enum": ["asc", "desc"], "default": "desc"}},
}

LISTS = {
    "/instances": ("Instances the bridge reads", None, []),
    "/processes": ("Participatory processes", models.Space, SYNCED_FILTERS + ["q"]),
    "/assemblies": ("Assemblies", models.Space, SYNCED_FILTERS + ["q"]),
    "/components": ("Components", models.Component, SYNCED_FILTERS + ["process", "type"]),
    "/scopes": ("Scopes (neighbourhoods) and taxonomies", models.Scope, SYNCED_FILTERS),
    "/categories": ("Categories", models.Category, SYNCED_FILTERS + ["process"]),
    "/proposals": (
        "Proposals",
        models.Proposal,
        SYNCED_FILTERS + COMPONENT_FILTERS + ["state", "withdrawn", "scope", "category", "q"],
    ),
    "/budgets": ("Budgets", models.Budget, SYNCED_FILTERS + COMPONENT_FILTERS + ["q"]),
    "/projects": (
        "Budget projects",
        models.Project,
        SYNCED_FILTERS + COMPONENT_FILTERS + ["budget", "selected", "q"],
    ),
    "/results": (
        "Accountability results",
        models.Result,
        SYNCED_FILTERS + COMPONENT_FILTERS + ["parent", "root", "status", "q"],
    ),
    "/meetings": ("Meetings", models.Meeting, SYNCED_FILTERS + COMPONENT_FILTERS + ["q"]),
    "/debates": ("Debates", models.Debate, SYNCED_FILTERS + COMPONENT_FILTERS + ["q"]),
    "/sync-runs": ("Sync runs, newest first", None, ["instance", "status"]),
    "/changes": (
        "Changes seen upstream",
        None,
        ["instance", "run", "resource", "since_id", "order"],
    ),
}


def _column_schema(column) -> dict[str, Any]:
    kind = column.type
    if isinstance(kind, Boolean):
        schema: dict[str, Any] = {"type": "boolean"}
    elif isinstance(kind, (Integer, BigInteger)):
        schema = {"type": "integer"}
    elif isinstance(kind, Float):
        schema = {"type": "number"}
    elif isinstance(kind, DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(kind, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(kind, JSON):
        schema = {}
    else:
        schema = {"type": "string"}
    if column.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def _model_schema(model) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": {"type": "integer"}, "instance": {"type": "string"}}
    for column in model.__table__.columns:
        if column.name in HIDDEN or column.name == "id":
            continue
        properties[RENAMED.get(column.name, column.name)] = _column_schema(column)
    return {
        "type": "object",
        "properties": properties,
        "required": [p for p in ("id", "remote_id", "instance") if p in properties],
    }


SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
        },
    },
    "Translated": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "{locale: text}",
    },
    "Instance": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "base_url": {"type": "string"},
            "locale": {"type": "string"},
            "enabled": {"type": "boolean"},
            "published": {"type": "boolean", "description": "shown on the public site"},
            "archived": {"type": "boolean"},
            "archived_at": {"type": ["string", "null"], "format": "date-time"},
            "decidim_version": {"type": ["string", "null"]},
            "query_set": {"type": ["string", "null"]},
            "organization_name": {"type": ["object", "null"]},
            "schedule": {"type": "object"},
            "rate_limit_per_minute": {"type": "integer"},
            "last_synced_at": {"type": ["string", "null"], "format": "date-time"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "SyncRun": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "instance": {"type": "string"},
            "status": {"type": "string", "enum": ["running", "succeeded", "failed"]},
            "full": {"type": "boolean"},
            "trigger": {"type": "string"},
            "started_at": {"type": "string", "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "requests": {"type": "integer"},
            "retries": {"type": "integer"},
            "error": {"type": ["string", "null"]},
            "error_kind": {
                "type": ["string", "null"],
                "description": "dns, refused, timeout, certificate, not_found, server_error, "
                "not_decidim, credentials, api_error, interrupted or unknown",
            },
            "warnings": {"type": "array", "items": {"type": "string"}},
            "resumed_from": {"type": ["integer", "null"]},
            "counts": {
                "type": "object",
                "properties": {
                    k: {"type": "integer"} for k in ("created", "updated", "unchanged", "removed")
                },
            },
        },
    },
    "User": {
        "type": "object",
        "description": "A person (admins only: it holds an email address).",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "name": {"type": ["string", "null"]},
            "role": {"type": "string", "enum": ["viewer", "editor", "admin"]},
            "created_at": {"type": "string", "format": "date-time"},
            "last_login_at": {"type": ["string", "null"], "format": "date-time"},
            "locked": {"type": "boolean"},
            "locked_until": {"type": ["string", "null"], "format": "date-time"},
            "password": {
                "type": "string",
                "description": "Only in the answer to a creation without a password: the "
                "generated one, shown this once.",
            },
        },
    },
    "Token": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "prefix": {"type": "string", "description": "The secret's first characters."},
            "role": {"type": "string", "enum": ["viewer", "editor", "admin"]},
            "user": {"type": "integer", "description": "The owner's id."},
            "owner_email": {"type": "string", "description": "Admins only."},
            "created_at": {"type": "string", "format": "date-time"},
            "last_used_at": {"type": ["string", "null"], "format": "date-time"},
            "revoked_at": {"type": ["string", "null"], "format": "date-time"},
            "token": {
                "type": "string",
                "description": "Only in the answer to a creation: the secret, shown this once.",
            },
        },
    },
    "Change": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "run": {"type": "integer"},
            "instance": {"type": "string"},
            "resource": {"type": "string"},
            "record_id": {"type": "integer"},
            "remote_id": {"type": "string"},
            "kind": {"type": "string", "enum": ["created", "updated", "removed", "restored"]},
            "field": {"type": ["string", "null"]},
            "old": {},
            "new": {},
            "changed_at": {"type": "string", "format": "date-time"},
        },
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def list_response(items: dict) -> dict:
    """The 200 answer of every list: `{"items": [...], "next": cursor or null}`."""
    return {
        "description": "A page of items",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items", "next"],
                    "properties": {
                        "items": {"type": "array", "items": items},
                        "next": {"type": ["string", "null"]},
                    },
                }
            }
        },
    }


def list_operation(
    summary: str, items: dict, parameters: Sequence[dict] = (), **extra: object
) -> dict:
    """A GET of a list, as every list is: `limit` and `cursor` (400 when either is wrong), the
    list answer, and `parameters` of its own filters."""
    return {
        "summary": summary,
        "parameters": [
            *parameters,
            *({"name": p, "in": "query", **PARAMETERS[p]} for p in COMMON_LIST),
        ],
        "responses": {
            "200": list_response(items),
            "400": problem_response("A parameter is invalid"),
        },
        **extra,
    }


def problem_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


@cache
def document() -> dict[str, Any]:
    schemas = dict(SCHEMAS)
    paths: dict[str, Any] = {}
    for path, (summary, model, filters) in LISTS.items():
        if model is not None:
            name = model.__name__ if path not in ("/processes", "/assemblies") else "Space"
            schemas.setdefault(name, _model_schema(model))
        else:
            name = {"/instances": "Instance", "/sync-runs": "SyncRun", "/changes": "Change"}[path]
        paths[path] = {
            "get": {
                "summary": summary,
                "operationId": "list_" + path.strip("/").replace("-", "_"),
                "parameters": [
                    {"name": p, "in": "query", **PARAMETERS[p]} for p in filters + COMMON_LIST
                ],
                "responses": {
                    "200": list_response(_ref(name)),
                    "400": problem_response("A parameter is invalid"),
                    "404": problem_response("The instance named does not exist"),
                },
            }
        }
    for path, name, summary in (
        ("/processes/{id}", "Space", "One process, its components and counts"),
        ("/assemblies/{id}", "Space", "One assembly"),
        ("/sync-runs/{id}", "SyncRun", "One sync run"),
    ):
        paths[path] = {
            "get": {
                "summary": summary,
                "operationId": "get_" + path.split("/")[1].replace("-", "_"),
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": summary,
                        "content": {"application/json": {"schema": _ref(name)}},
                    },
                    "404": problem_response("No such id"),
                },
            }
        }
    instance_body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "base_url": {"type": "string"},
                        "locale": {"type": "string"},
                        "enabled": {"type": "boolean"},
                        "schedule_interval_minutes": {"type": ["integer", "null"], "minimum": 1},
                        "schedule_cron": {"type": ["string", "null"]},
                        "rate_limit_per_minute": {"type": "integer", "minimum": 0},
                        "api_key": {"type": ["string", "null"]},
                        "api_secret": {"type": ["string", "null"]},
                        "published": {"type": "boolean"},
                        "archived": {"type": "boolean"},
                    },
                }
            }
        },
    }
    write_errors = {
        "400": problem_response("Not a JSON object"),
        "401": problem_response("No credentials"),
        "403": problem_response("Role too low"),
        "422": problem_response("A field is refused; `field` names it"),
    }
    paths["/instances"]["post"] = {
        "summary": "Add an instance (admin)",
        "operationId": "create_instance",
        "security": [{"token": []}],
        "requestBody": instance_body,
        "responses": {
            "201": {
                "description": "Created",
                "content": {"application/json": {"schema": _ref("Instance")}},
            },
            **write_errors,
        },
    }
    name_param = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
    paths["/instances/{name}"] = {
        "patch": {
            "summary": "Change an instance's settings (admin); the scheduler follows",
            "operationId": "update_instance",
            "security": [{"token": []}],
            "parameters": name_param,
            "requestBody": instance_body,
            "responses": {
                "200": {
                    "description": "Changed",
                    "content": {"application/json": {"schema": _ref("Instance")}},
                },
                "404": problem_response("No such instance"),
                **write_errors,
            },
        },
        "delete": {
            "summary": "Delete an instance and erase its records (admin); the audit log stays",
            "operationId": "delete_instance",
            "security": [{"token": []}],
            "parameters": [
                *name_param,
                {
                    "name": "confirm",
                    "in": "query",
                    "required": True,
                    "description": "the instance's name again",
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {"description": "Deleted; `erased` counts the rows per table"},
                "400": problem_response("confirm is missing or is not the instance's name"),
                "401": problem_response("No credentials"),
                "403": problem_response("Role too low"),
                "404": problem_response("No such instance"),
            },
        },
    }
    paths["/instances/{name}/records"] = {
        "get": {
            "summary": "What deleting the instance would erase: rows per table (admin)",
            "operationId": "instance_records",
            "security": [{"token": []}],
            "parameters": name_param,
            "responses": {
                "200": {"description": "Rows per table"},
                "401": problem_response("No credentials"),
                "403": problem_response("Role too low"),
                "404": problem_response("No such instance"),
            },
        }
    }
    paths["/instances/{name}/sync"] = {
        "post": {
            "summary": "Sync now (editor): a request the scheduler runs within seconds",
            "operationId": "request_sync",
            "security": [{"token": []}],
            "parameters": name_param,
            "responses": {
                "202": {"description": "Requested"},
                "404": problem_response("No such instance"),
                "409": problem_response("The instance is archived"),
                **write_errors,
            },
        }
    }
    paths["/me"] = {
        "get": {
            "summary": "Who the request acts as (needs a token or a session); with a "
            "session, also the csrf_token its writes send in the X-CSRF-Token header",
            "operationId": "me",
            "security": [{"token": []}],
            "responses": {
                "200": {"description": "Identity"},
                "401": problem_response("No credentials"),
            },
        }
    }
    paths["/audit"] = {
        "get": {
            "summary": "Audit log, newest first (admin); ?format=csv to export",
            "operationId": "audit",
            "security": [{"token": []}],
            "parameters": [{"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}}]
            + [{"name": p, "in": "query", **PARAMETERS[p]} for p in COMMON_LIST],
            "responses": {
                "200": {"description": "Entries"},
                "400": problem_response("A parameter is invalid"),
                "401": problem_response("No credentials"),
                "403": problem_response("Role too low"),
            },
        }
    }
    id_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]

    def listing(summary: str, operation: str, schema: str, extra: list[str]) -> dict:
        return {
            "summary": summary,
            "operationId": operation,
            "security": [{"token": []}],
            "parameters": [
                {"name": p, "in": "query", **PARAMETERS[p]} for p in extra + COMMON_LIST
            ],
            "responses": {
                "200": list_response(_ref(schema)),
                "400": problem_response("A parameter is invalid"),
                "401": problem_response("No credentials"),
                "403": problem_response("Role too low"),
            },
        }

    def json_body(properties: dict, required: list[str] | None = None) -> dict:
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    role_schema = {"type": "string", "enum": ["viewer", "editor", "admin"]}
    paths["/users"] = {
        "get": listing("People with an account (admin)", "list_users", "User", []),
        "post": {
            "summary": "Create an account (admin); without `password`, one is generated and "
            "answered once",
            "operationId": "create_user",
            "security": [{"token": []}],
            "requestBody": json_body(
                {
                    "email": {"type": "string"},
                    "role": role_schema,
                    "name": {"type": ["string", "null"]},
                    "password": {"type": "string", "minLength": 12},
                },
                ["email", "role"],
            ),
            "responses": {
                "201": {
                    "description": "Created",
                    "content": {"application/json": {"schema": _ref("User")}},
                },
                **write_errors,
            },
        },
    }
    paths["/users/{id}"] = {
        "patch": {
            "summary": "Change a role, or unlock (`locked: false`) an account (admin); the "
            "person's tokens are lowered to the new role",
            "operationId": "update_user",
            "security": [{"token": []}],
            "parameters": id_param,
            "requestBody": json_body({"role": role_schema, "locked": {"const": False}}),
            "responses": {
                "200": {
                    "description": "Changed",
                    "content": {"application/json": {"schema": _ref("User")}},
                },
                "404": problem_response("No such user"),
                **write_errors,
            },
        }
    }
    paths["/tokens"] = {
        "get": listing(
            "API tokens: your own; an admin sees everyone's, with the owner's email",
            "list_tokens",
            "Token",
            ["include_revoked"],
        ),
        "post": {
            "summary": "Create an API token for yourself, with a role no higher than the one "
            "you act with; the secret is answered once",
            "operationId": "create_token",
            "security": [{"token": []}],
            "requestBody": json_body({"name": {"type": "string"}, "role": role_schema}, ["name"]),
            "responses": {
                "201": {
                    "description": "Created",
                    "content": {"application/json": {"schema": _ref("Token")}},
                },
                **write_errors,
            },
        },
    }
    paths["/tokens/{id}"] = {
        "delete": {
            "summary": "Revoke a token (its owner, or an admin)",
            "operationId": "revoke_token",
            "security": [{"token": []}],
            "parameters": id_param,
            "responses": {
                "204": {"description": "Revoked"},
                "401": problem_response("No credentials"),
                "403": problem_response("Neither the owner nor an admin"),
                "404": problem_response("No such token"),
            },
        }
    }
    paths["/plugins"] = {
        "get": {
            "summary": "Installed plugins, enabled or not, the hooks each implements, "
            "their menu, and for each plugin that consumes changes its `delivery`: cursor, "
            "lag, failures in a row, last error (its text for signed-in callers only), "
            "next try",
            "operationId": "list_plugins",
            "responses": {"200": {"description": "Plugins"}},
        }
    }
    paths["/exports"] = {
        "get": {
            "summary": "Downloads offered by plugins",
            "operationId": "list_exports",
            "responses": {"200": {"description": "Exports"}},
        }
    }
    paths["/exports/{name}"] = {
        "get": {
            "summary": "One download",
            "operationId": "get_export",
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {"description": "The file"},
                "404": problem_response("No such export"),
            },
        }
    }
    paths["/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {"200": {"description": "OpenAPI 3.1"}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "civic-bridge API",
            "version": __version__,
            "description": "Read a city's Decidim data as synced by civic-bridge. Lists "
            "answer {items, next}; errors are application/problem+json.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`bridge token create`), shown once",
                }
            },
        },
    }
