"""Property-based tests of the REST API from its own OpenAPI document (schemathesis): whatever
the parameters, no 5xx and read answers that match the document; whatever the bodies sent
with an admin's token to every write (the plugins' too), no 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from bridge.accounts import create_token, create_user
from bridge.app import create_app
from bridge.config import Settings
from bridge.store.db import make_engine, make_sessionmaker
from bridge.sync.engine import SyncEngine
from simulator.testing import running_simulator
from tests.conftest import _database_url
from tests.sync.test_engine import SETTINGS, add_instance

_state: dict = {}


def app():
    """The app over a database holding one sync of the Ivry stand-in."""
    if "app" not in _state:
        url = _database_url("sqlite", Path(tempfile.mkdtemp()))
        sessions = make_sessionmaker(make_engine(url))
        with running_simulator() as sim:
            add_instance(sessions, sim.url)
            assert SyncEngine(sessions, SETTINGS).run("ivry").status == "succeeded"
        with sessions() as session:
            user, _ = create_user(session, "admin@ivry.example", "admin", "a long password 1")
            _state["token"] = create_token(session, user, "schemathesis")[1]
            session.commit()
        _state["app"] = create_app(Settings(database_url=url, secret_key="t"))
    return _state["app"]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app()).include(method="GET")
writes = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app()).include(
    method=["POST", "PUT", "PATCH", "DELETE"]
)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_answers_match_the_document(case):
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=(schemathesis.checks.not_a_server_error,))


@writes.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_writes_refuse_bad_bodies_without_a_server_error(case):
    response = case.call(headers={"Authorization": f"Bearer {_state['token']}"})
    assert response.status_code < 500, response.text
