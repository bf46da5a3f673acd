"""The budget's REST API under /api/v1/budget.

Reading is public (the figures are what the transparency page shows); writing needs a token
with the editor role and answers problem+json, 422 naming the `field` at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from bridge.plugin import (
    Problem,
    current_context,
    db,
    find,
    integer_parameter,
    json_object,
    list_operation,
    page,
    problem_response,
    require_role,
    required_identity,
)
from plugins.budget import csvimport, writes
from plugins.budget.figures import by_group, for_envelopes, over_time, over_time_by_group
from plugins.budget.models import Allocation, Envelope, LedgerLine
from plugins.budget.money import euros

blueprint = Blueprint("budget_api", __name__, url_prefix="/api/v1/budget")


def _envelope_filter(query, model):
    """`?envelope=ID` on the allocations and the ledger."""
    if (envelope := integer_parameter("envelope")) is not None:
        query = query.where(model.envelope_id == envelope)
    return query


@blueprint.get("/envelopes")
def envelopes():
    figures = for_envelopes(db())

    def item(e: Envelope, _id: int) -> dict:
        return {
            "id": e.id,
            "name": e.name,
            "year_start": e.year_start,
            "year_end": e.year_end,
            "source": e.source,
            **figures[e.id].as_json(),
        }

    return page(select(Envelope, Envelope.id), Envelope, item)


def allocation_json(a: Allocation) -> dict:
    return {
        "id": a.id,
        "envelope": a.envelope_id,
        "label": a.label,
        "amount": euros(a.amount_cents),
        **writes.linked_ids(db(), a),
        "theme": a.theme,
        "neighbourhood": a.neighbourhood,
        "status": a.status,
        "upstream_amount": None
        if a.upstream_amount_cents is None
        else euros(a.upstream_amount_cents),
    }


@blueprint.get("/allocations")
def allocations():
    query = _envelope_filter(select(Allocation, Allocation.id), Allocation)
    return page(query, Allocation, lambda a, _id: allocation_json(a))


@blueprint.get("/ledger")
def ledger():
    """Lines in the order they were recorded (keyset on the id, like every list)."""
    query = _envelope_filter(select(LedgerLine, LedgerLine.id), LedgerLine)
    return page(query, LedgerLine, lambda line, _id: line.as_json())


@blueprint.get("/figures")
def figures():
    """Allocated/committed/paid per theme and per neighbourhood; over time per envelope, per
    theme and per neighbourhood (cumulative by month)."""
    with current_context("budget").sessions() as session:
        groups = {
            key: [{"label": label, **f.as_json()} for label, f in rows]
            for key, rows in by_group(session).items()
        }
        timeline = {
            e.id: _months(over_time(session, e.id)) for e in session.scalars(select(Envelope))
        }
        by = {
            group: {name: _months(points) for name, points in series.items()}
            for group, series in over_time_by_group(session).items()
        }
    return jsonify(
        by_theme=groups["theme"],
        by_neighbourhood=groups["neighbourhood"],
        over_time=timeline,
        over_time_by_theme=by["theme"],
        over_time_by_neighbourhood=by["neighbourhood"],
    )


def _months(points: list[tuple[str, int, int]]) -> list[dict]:
    return [{"month": m, "committed": euros(c), "paid": euros(p)} for m, c, p in points]


# -- writing (editor token) -------------------------------------------------------------------
def _write(operation, *args):
    """Run one of `writes` as the caller; a bad value is a 422 naming its field."""
    try:
        made = operation(db(), *args, required_identity().actor)
    except writes.Invalid as exc:
        db().rollback()
        raise Problem(422, str(exc), field=exc.field) from None
    db().commit()
    return made


def _found(model, key: int):
    found = find(db(), model, key)
    if found is None:
        raise Problem(404, f"no {model.__tablename__.removeprefix('budget_')} {key}")
    return found


@blueprint.post("/envelopes")
@require_role("editor")
def create_envelope():
    made = _write(writes.create_envelope, json_object())
    figures = for_envelopes(db())[made.id]
    return jsonify(id=made.id, name=made.name, **figures.as_json()), 201


@blueprint.post("/allocations")
@require_role("editor")
def create_allocation():
    return jsonify(allocation_json(_write(writes.allocate, json_object()))), 201


@blueprint.patch("/allocations/<int:allocation_id>")
@require_role("editor")
def update_allocation(allocation_id: int):
    allocation = _found(Allocation, allocation_id)
    _write(writes.update_allocation, allocation, json_object())
    return jsonify(allocation_json(allocation))


@blueprint.post("/ledger")
@require_role("editor")
def add_line():
    return jsonify(_write(writes.add_line, json_object()).as_json()), 201


@blueprint.delete("/ledger/<int:line_id>")
@require_role("editor")
def delete_line(line_id: int):
    _write(writes.delete_line, _found(LedgerLine, line_id))
    return "", 204


@blueprint.post("/envelopes/<int:envelope_id>/import")
@require_role("editor")
def import_ledger(envelope_id: int):
    """The finance department's CSV or .xlsx workbook as the request body; `?dry_run=1`
    checks and writes nothing. 422 lists every bad line (with its sheet in a workbook), and
    nothing is imported."""
    envelope = _found(Envelope, envelope_id)
    dry_run = request.args.get("dry_run") in ("1", "true")
    mapping = dict(current_context("budget").config.columns)
    for key, column in request.args.items():
        if key.startswith("column_"):
            if key.removeprefix("column_") not in csvimport.REQUIRED + csvimport.OPTIONAL:
                raise Problem(422, f"{key}: no such field of a ledger line", field=key)
            mapping[key.removeprefix("column_")] = column
    report = writes.import_csv(
        db(),
        envelope,
        request.get_data(),
        required_identity().actor,
        dry_run=dry_run,
        filename=request.args.get("filename", ""),
        mapping=mapping,
    )
    if not report.ok:
        db().rollback()
        raise Problem(
            422,
            f"{len(report.errors)} bad line(s); nothing was imported",
            errors=[_bad_line(e) for e in report.errors],
        )
    if dry_run:
        db().rollback()
    else:
        db().commit()
    return jsonify(dry_run=dry_run, new=len(report.new), already=report.already)


def _bad_line(problem: csvimport.Problem) -> dict[str, object]:
    """A refused line for the API: its number and reasons, and its sheet in a workbook."""
    said: dict[str, object] = {"line": problem.line, "reasons": [str(r) for r in problem.reasons]}
    if problem.sheet:
        said["sheet"] = problem.sheet
    return said


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENVELOPE_FILTER = {
    "name": "envelope",
    "in": "query",
    "schema": {"type": "integer"},
    "description": "Only this envelope's (its id).",
}


def _list(summary: str, item: dict, parameters: Sequence[dict] = ()) -> dict:
    return {"get": list_operation(summary, item, parameters, tags=["budget"])}


MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "euros"}
AMOUNT_IN = {
    "type": ["string", "integer"],
    "description": 'euros: "700000", "1234.56" or "1 234,56" (never a float)',
}
TOKEN: list[dict[str, list[str]]] = [{"token": []}]


WRITE_ERRORS = {
    "400": problem_response("Not a JSON object"),
    "401": problem_response("No credentials"),
    "403": problem_response("The editor role is needed"),
    "422": problem_response("A field is refused; `field` names it"),
}


def _write_doc(
    summary: str, operation: str, body: dict | None, status: str = "200", missing: str = ""
) -> dict:
    """`missing`: what a 404 means, for an operation on a record its path names."""
    doc: dict[str, Any] = {
        "summary": summary,
        "operationId": operation,
        "tags": ["budget"],
        "security": TOKEN,
        "responses": {status: {"description": "Done"}, **WRITE_ERRORS},
    }
    if missing:
        doc["responses"]["404"] = problem_response(missing)
    if body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", **body}}},
        }
    return doc


def _path_id(name: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}]


ALLOCATION_FIELDS = {
    "envelope": {"type": ["string", "integer"], "description": "name or id"},
    "label": {"type": "string"},
    "amount": AMOUNT_IN,
    "project": {"type": ["integer", "null"], "description": "our id of a synced project"},
    "result": {"type": ["integer", "null"], "description": "our id of a synced result"},
    "theme": {"type": ["string", "null"]},
    "neighbourhood": {"type": ["string", "null"]},
}
OPENAPI_PATHS = {
    "/budget/envelopes": {
        **_list(
            "Envelopes with allocated, committed, paid and remaining",
            {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "amount": MONEY,
                    "allocated": MONEY,
                    "committed": MONEY,
                    "paid": MONEY,
                    "remaining": MONEY,
                    "warnings": {"type": "array", "items": {"type": "string"}},
                },
            },
        ),
        "post": _write_doc(
            "Create an envelope (editor)",
            "budget_create_envelope",
            {
                "required": ["name", "amount"],
                "properties": {
                    "name": {"type": "string"},
                    "amount": AMOUNT_IN,
                    "year_start": {"type": ["integer", "null"]},
                    "year_end": {"type": ["integer", "null"]},
                    "source": {"type": ["string", "null"]},
                },
            },
            "201",
        ),
    },
    "/budget/envelopes/{envelope_id}/import": {
        "post": {
            **_write_doc(
                "Import the finance department's CSV or .xlsx workbook into an envelope "
                "(editor); all or nothing, idempotent; 422 lists every bad line",
                "budget_import",
                None,
                missing="No such envelope",
            ),
            "parameters": [
                *_path_id("envelope_id"),
                {"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            },
        }
    },
    "/budget/allocations": {
        **_list("Allocations of envelopes", {"type": "object"}, [ENVELOPE_FILTER]),
        "post": _write_doc(
            "Allocate part of an envelope to a project, a result or a local action (editor)",
            "budget_create_allocation",
            {"required": ["envelope"], "properties": ALLOCATION_FIELDS},
            "201",
        ),
    },
    "/budget/allocations/{allocation_id}": {
        "patch": {
            **_write_doc(
                "Change an allocation; status `confirmed` accepts a proposed one (editor)",
                "budget_update_allocation",
                {
                    "properties": {
                        **ALLOCATION_FIELDS,
                        "status": {
                            "type": "string",
                            "enum": ["proposed", "confirmed", "rejected"],
                        },
                    }
                },
                missing="No such allocation",
            ),
            "parameters": _path_id("allocation_id"),
        }
    },
    "/budget/ledger": {
        **_list(
            "Commitments and payments, in the order they were recorded",
            {"type": "object"},
            [ENVELOPE_FILTER],
        ),
        "post": _write_doc(
            "Add a commitment (engagement) or a payment (mandatement) (editor)",
            "budget_add_line",
            {
                "required": ["kind", "date", "amount", "reference"],
                "properties": {
                    "envelope": {"type": ["string", "integer"]},
                    "allocation": {"type": ["integer", "null"]},
                    "kind": {
                        "type": "string",
                        "description": "commitment, payment, cancellation or reduction "
                        "(engagement, mandatement, annulation, réduction); a negative "
                        "commitment or payment is its cancellation",
                    },
                    "applies_to": {
                        "type": ["string", "null"],
                        "description": "for a cancellation or reduction: commitment or payment",
                    },
                    "cancels": {
                        "type": ["string", "null"],
                        "description": "reference of the line a cancellation is about",
                    },
                    "date": {"type": "string", "description": "2024-12-31 or 31/12/2024"},
                    "amount": AMOUNT_IN,
                    "reference": {"type": "string"},
                    "supplier": {"type": ["string", "null"]},
                    "label": {"type": ["string", "null"]},
                    "note": {"type": ["string", "null"]},
                },
            },
            "201",
        ),
    },
    "/budget/ledger/{line_id}": {
        "delete": {
            **_write_doc(
                "Delete a ledger line (editor); the audit log keeps it",
                "budget_delete_line",
                None,
                "204",
                missing="No such ledger line",
            ),
            "parameters": _path_id("line_id"),
        }
    },
    "/budget/figures": {
        "get": {
            "summary": "Figures by theme, neighbourhood and over time",
            "tags": ["budget"],
            "responses": {"200": {"description": "Figures"}},
        }
    },
}
