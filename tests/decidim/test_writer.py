"""The write client's HTTP edge, with Decidim's answers played back by `responses`: the probe
read from graphql-ruby's validation errors, the update's request, and Decidim's refusals."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import responses

from bridge.decidim.errors import AuthenticationError
from bridge.decidim.http import Credentials, DecidimSession
from bridge.decidim.writer import (
    SENTINEL,
    DecidimWriter,
    ResultUpdates,
    WriteRefused,
    probed_attributes,
    read_probe,
)

BASE = "https://participer.example.fr"
API = f"{BASE}/api"
NOW = datetime(2026, 12, 2, 10, 0)


def unaccepted(name: str) -> dict:
    return {
        "message": f"InputObject 'ResultAttributes' doesn't accept argument '{name}'",
        "locations": [{"line": 12, "column": 15}],
        "extensions": {  # graphql-ruby's ArgumentsAreDefinedError
            "code": "argumentNotAccepted",
            "name": "ResultAttributes",
            "typeName": "InputObject",
            "argumentName": name,
        },
    }


def writer() -> DecidimWriter:
    session = DecidimSession(
        BASE, rate_limit=0, retries=1, sleep=lambda _: None, credentials=Credentials("k", "s")
    )
    return DecidimWriter(session)


def signed_in() -> None:
    responses.post(f"{API}/sign_in", headers={"Authorization": "Bearer jwt-1"}, json={})


def test_the_probe_reads_what_the_server_offers_from_its_validation_errors():
    offered = read_probe([unaccepted(SENTINEL)], NOW)
    assert offered.offered and offered.attributes == probed_attributes()
    assert {"progress", "weight", "decidimAccountabilityStatusId"} <= offered.attributes

    older = read_probe([unaccepted(SENTINEL), unaccepted("weight")], NOW)
    assert older.offered and "weight" not in older.attributes and older.accepts("progress")

    no_progress = read_probe([unaccepted(SENTINEL), unaccepted("progress")], NOW)
    assert not no_progress.offered and not no_progress.accepts("progress")

    for message in (
        "Field 'component' doesn't exist on type 'Mutation'",  # 0.31: only the proposal answer
        "No such type AccountabilityMutation, so it can't be a fragment condition",
        "Schema is not configured for mutations",
    ):
        absent = read_probe([{"message": message}, unaccepted(SENTINEL)], NOW)
        assert not absent.offered and absent.detail == message

    # a server that took an attribute no Decidim has does not validate as Decidim: not trusted
    assert not read_probe([], NOW).offered
    # the message alone (no extensions) says as much; another input type's refusal is no answer
    worded = {"message": f"InputObject 'ResultAttributes' doesn't accept argument '{SENTINEL}'"}
    assert read_probe([worded], NOW).offered
    other = {**unaccepted("clientMutationId"), "message": "InputObject 'UpdateResultInput' ..."}
    other["extensions"] = {**other["extensions"], "name": "UpdateResultInput"}
    assert not read_probe([unaccepted(SENTINEL), other], NOW).offered


def test_what_was_learnt_survives_the_database():
    found = read_probe([unaccepted(SENTINEL), unaccepted("weight")], NOW)
    assert ResultUpdates.from_json(json.loads(json.dumps(found.as_json()))) == found
    assert ResultUpdates.from_json(None) is None
    assert ResultUpdates.from_json({"offered": "yes"}) is None


@responses.activate
def test_the_probe_is_sent_signed_in_and_never_runs():
    signed_in()
    responses.post(API, json={"errors": [unaccepted(SENTINEL)]})
    found = writer().probe(NOW)
    assert found.offered
    sent = responses.calls[1].request
    assert sent.headers["Authorization"] == "Bearer jwt-1"
    body = json.loads(sent.body)
    assert body["operationName"] == "ResultUpdateProbe" and SENTINEL in body["query"]


@responses.activate
def test_an_update_sends_the_progress_alone_in_a_relay_input():
    signed_in()
    responses.post(
        API, json={"data": {"component": {"result": {"update": {"id": "12", "progress": 70.0}}}}}
    )
    assert writer().set_result_progress("4", "12", 70.0) == 70.0
    body = json.loads(responses.calls[1].request.body)
    assert body["operationName"] == "UpdateResult"
    assert "... on AccountabilityMutation" in body["query"]
    assert body["variables"]["component"] == "4" and body["variables"]["result"] == "12"
    assert body["variables"]["input"]["attributes"] == {"progress": 70.0}
    assert body["variables"]["input"]["clientMutationId"]


@responses.activate
@pytest.mark.parametrize(
    ("error", "words", "code"),
    [
        (
            {
                "message": [
                    {
                        "path": ["attributes", "progress"],
                        "message": "must be less than or equal to 100",
                    }
                ],
                "path": ["component", "result", "update"],
                "extensions": {"code": "ATTRIBUTE_VALIDATION_ERROR"},
            },
            "progress: must be less than or equal to 100",
            "ATTRIBUTE_VALIDATION_ERROR",
        ),
        (
            {
                "message": "You do not have permission to perform this mutation",
                "extensions": {"code": "MUTATION_NOT_AUTHORIZED"},
            },
            "You do not have permission to perform this mutation",
            "MUTATION_NOT_AUTHORIZED",
        ),
        (
            {"message": "Result not found", "extensions": {"code": "NOT_FOUND_ERROR"}},
            "Result not found",
            "NOT_FOUND_ERROR",
        ),
    ],
)
def test_decidims_refusals_come_back_in_its_words(error, words, code):
    signed_in()
    responses.post(
        API, json={"data": {"component": {"result": {"update": None}}}, "errors": [error]}
    )
    with pytest.raises(WriteRefused) as refused:
        writer().set_result_progress("4", "12", 170.0)
    assert str(refused.value) == words and refused.value.code == code


@responses.activate
def test_refused_credentials_are_not_a_refusal_of_the_write():
    responses.post(f"{API}/sign_in", status=401, json={"error": "Invalid key or secret."})
    with pytest.raises(AuthenticationError):
        writer().result_progress("4", "12")


@responses.activate
def test_the_live_read_says_when_decidim_has_no_such_result():
    signed_in()
    responses.post(API, json={"data": {"component": {"result": None}}})
    with pytest.raises(WriteRefused):
        writer().result_progress("4", "999")
    responses.post(API, json={"data": {"component": {"result": {"id": "12", "progress": 35}}}})
    assert writer().result_progress("4", "12") == 35.0
