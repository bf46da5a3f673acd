"""Property-based tests of the REST API from its own OpenAPI document (schemathesis): whatever
the parameters and the bodies sent with an admin's token (to every operation, the plugins'
too), no 5xx, and every answer conforms to the document: its status is one the operation
lists, its Content-Type is the one documented, its body matches the documented schema.

Path parameters are drawn mostly from records that exist (the synced instance, its
processes, runs, the budget's envelopes, allocations and ledger lines), so that most cases
reach the validation of their query and body rather than stopping at a 404; the rest stay
random, so the 404s are checked too. A last test checks that ratio."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.store.models import Space, SyncRun
from bridge.sync.engine import SyncEngine
from plugins.budget import writes as budget_writes
from plugins.budget.models import Allocation, Envelope, LedgerLine
from simulator.testing import running_simulator
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance

_state: dict = {}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
REAL_SHARE = 0.8  # of path parameters drawn from existing records


def app():
    """The app over a database holding one sync of the Ivry stand-in and a small budget."""
    if "app" not in _state:
        url = _database_url("sqlite", Path(tempfile.mkdtemp()))
        sessions = make_sessionmaker(make_engine(url))
        with running_simulator() as sim:
            add_instance(sessions, sim.url)
            assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        with sessions() as session:
            user, _ = create_user(session, "admin@ivry.example", "admin", "a long password 1")
            token, _state["token"] = create_token(session, user, "schemathesis")
            other, _ = create_user(session, "agent@ivry.example", "viewer", "a long password 2")
            spare = [create_token(session, other, f"spare {n}")[0].id for n in range(3)]
            _seed_budget(session)
            session.commit()
            _state["real"] = _real_values(session, other.id, spare)
            _state["spared"] = {("/tokens/", token.id): spare[0]}  # ours, never revoked
        _state["app"] = create_app(Settings(database_url=url, secret_key="t"))
    return _state["app"]


def _seed_budget(session) -> None:
    for n in range(3):
        envelope = budget_writes.create_envelope(
            session, {"name": f"Enveloppe {n}", "amount": "700000"}, "test"
        )
        allocation = budget_writes.allocate(
            session,
            {"envelope": envelope.id, "label": f"Action {n}", "amount": "1000"},
            "test",
        )
        for m in range(10):
            budget_writes.add_line(
                session,
                {
                    "allocation": allocation.id,
                    "kind": "engagement",
                    "date": "01/02/2024",
                    "amount": "10",
                    "reference": f"EJ-{n}-{m}",
                },
                "test",
            )


def _real_values(session, user_id: int, spare_tokens: list[int]) -> dict[str, list]:
    """Values of path parameters that name records, by the path's first segments. Writes
    may only touch what they can spoil: a second user, spare tokens."""
    spaces = session.execute(select(Space.id, Space.space_type)).all()
    ids = {
        "/processes/": [i for i, kind in spaces if kind == "participatory_process"],
        "/assemblies/": [i for i, kind in spaces if kind == "assembly"],
        "/sync-runs/": list(session.scalars(select(SyncRun.id))),
        "/users/": [user_id],
        "/tokens/": spare_tokens,
        "/exports/": ["budget-envelopes", "budget-ledger", "budget-ledger-csv", "budget-ocds"],
        "/instances/": ["ivry"],
        "/budget/envelopes/": list(session.scalars(select(Envelope.id))),
        "/budget/allocations/": list(session.scalars(select(Allocation.id))),
        "/budget/ledger/": list(session.scalars(select(LedgerLine.id))),
    }
    return {prefix: values for prefix, values in ids.items() if values}


def _document_naming_records() -> dict:
    """The app's OpenAPI document, its path parameters given examples that name records:
    the coverage phase, which does not go through the hook below, builds on them."""
    document = app().test_client().get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        prefix = next((p for p in _state["real"] if path.startswith(p)), None)
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if prefix and parameter["in"] == "path":
                    parameter["example"] = _state["real"][prefix][0]
                    parameter["schema"]["examples"] = _state["real"][prefix][:3]
    return document


schema = schemathesis.openapi.from_dict(_document_naming_records())
schema.app = app()
reads = schema.include(method="GET")
writes = schema.include(method=["POST", "PUT", "PATCH", "DELETE"])


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Mostly a record that exists; otherwise the generated value, kept."""
    path = context.operation.path
    prefix = next((p for p in _state["real"] if path.startswith(p)), None)
    if prefix is None or len(path_parameters) != 1:
        return st.just(path_parameters)
    (name,) = path_parameters
    real = st.sampled_from(_state["real"][prefix]).map(lambda value: {name: value})
    value = path_parameters[name]
    drawn = {name: _state["spared"].get((prefix, value), value)}
    return st.one_of(
        *[real] * round(REAL_SHARE * 10), *[st.just(drawn)] * round((1 - REAL_SHARE) * 10)
    )


_statuses: Counter = Counter()


def _call_and_check(case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_state['token']}"})
    if "{" in case.operation.path:
        _statuses[(case.operation.label, response.status_code == 404)] += 1
    case.validate_response(response, checks=CHECKS)


@reads.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_reads_conform_to_the_document(case):
    _call_and_check(case)


@writes.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_writes_conform_to_the_document(case):
    _call_and_check(case)


def test_most_cases_with_a_path_parameter_reach_validation():
    """Over the cases run above (when run with them): most name a record that exists."""
    if not _statuses:
        pytest.skip("run with the property tests above")
    found = sum(n for (_, missing), n in _statuses.items() if not missing)
    total = sum(_statuses.values())
    print(f"\n{found} of {total} cases with a path parameter named a record:", dict(_statuses))
    assert found / total >= 0.6, dict(_statuses)
