"""The HTTP edge, with Decidim's answers played back by `responses` (no server)."""

import json

import pytest
import requests
import responses

from bridge.decidim import DecidimClient, planner, queries
from bridge.decidim import client as client_module
from bridge.decidim.capabilities import missing_in
from bridge.decidim.errors import (
    AuthenticationError,
    GraphQLErrors,
    HTTPStatusError,
    NotJSONError,
    UnreachableError,
)
from bridge.decidim.http import Credentials, DecidimSession, RateLimiter

BASE = "https://participer.example.fr"
API = f"{BASE}/api"


def make_client(**kwargs) -> DecidimClient:
    sleeps: list[float] = []
    session = DecidimSession(
        BASE,
        rate_limit=0,
        retries=kwargs.pop("retries", 3),
        sleep=sleeps.append,
        credentials=kwargs.pop("credentials", None),
    )
    client = DecidimClient(BASE, session=session, **kwargs)
    client.sleeps = sleeps
    return client


def probe_answer(version: str) -> dict:
    """What a Decidim of exactly our schema of `version` answers the capabilities probe, worded
    as graphql-ruby words it."""
    errors = []
    for key in sorted(queries.capabilities_of(version).missing):
        type_name, field = key.removesuffix("{}").split(".")
        if key.endswith("{}"):
            message = (
                f"Selections can't be made on scalars (field '{field}' returns String but has "
                "selections [translations])"
            )
        else:
            message = f"Field '{field}' doesn't exist on type '{type_name}'"
        errors.append({"message": message, "locations": [{"line": 1, "column": 1}]})
    return {"errors": errors}


def organization_answer(version: str | None, translated: bool = True) -> dict:
    name = {"translations": [{"locale": "fr", "text": "Ivry"}]} if translated else "Ivry"
    return {"data": {"decidim": {"version": version}, "organization": {"name": name}}}


@responses.activate
def test_the_version_decidim_reports_picks_the_query_set():
    responses.post(API, json=probe_answer("0.28"))
    responses.post(API, json=organization_answer("0.28.4", translated=False))
    client = make_client()
    assert client.detect_version() == "0.28"
    assert client.reported_version == "0.28.4"
    assert client.requests_made == 2  # capabilities, then version with the organization
    assert client.capabilities == queries.capabilities_of("0.28")
    probe = json.loads(responses.calls[0].request.body)["query"]
    assert "likesCount" in probe and "endorsementsCount" in probe and "taxonomies" in probe
    assert "version" in json.loads(responses.calls[1].request.body)["query"]
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"
    assert client.organization() == {"name": "Ivry"}  # kept: no third request
    assert client.requests_made == 2


@responses.activate
def test_a_hidden_version_is_found_from_the_capabilities():
    # 0.30+: version is null; the probe says likesCount exists, endorsementsCount does not.
    responses.post(API, json=probe_answer("0.31"))
    responses.post(API, json=organization_answer(None))
    client = make_client()
    assert client.detect_version() == "0.31"
    assert client.reported_version is None
    assert not client.capabilities.has("Proposal.endorsementsCount")


@responses.activate
def test_probing_reads_graphql_ruby_undefined_field_errors():
    missing = {
        "errors": [
            {
                "message": "Field 'likesCount' doesn't exist on type 'Proposal'",
                "extensions": {
                    "code": "undefinedField",
                    "typeName": "Proposal",
                    "fieldName": "likesCount",
                },
            },
            {
                "message": "Field 'milestones' doesn't exist on type 'Result'",
                "extensions": {"code": "undefinedField"},
            },
        ]
    }
    responses.post(API, json=missing)
    responses.post(API, json=organization_answer(None))
    client = make_client()
    assert client.detect_version() == "0.30"  # taxonomies, no likes
    assert client.capabilities.missing == {"Proposal.likesCount", "Result.milestones"}
    sent = json.loads(responses.calls[1].request.body)["query"]
    assert "endorsementsCount" not in sent  # the organization query only


@responses.activate
def test_5xx_and_429_are_retried_with_backoff_and_retry_after():
    responses.post(API, status=502, body="bad gateway")
    responses.post(API, status=429, body="Retry later", headers={"Retry-After": "7"})
    responses.post(API, json=probe_answer("0.28"))
    responses.post(API, json=organization_answer("0.28.4", translated=False))
    client = make_client()
    client.detect_version()
    assert client.requests_made == 4
    assert client.retries_made == 2
    assert client.sleeps[1] == 7.0  # Retry-After honoured
    assert 0 < client.sleeps[0] <= 0.5  # first backoff step


@responses.activate
def test_a_server_fault_that_persists_names_the_status_and_message():
    body = {"errors": [{"message": "Internal Server error"}], "data": {}}
    for _ in range(4):
        responses.post(API, status=500, json=body)
    with pytest.raises(HTTPStatusError, match="HTTP 500.*Internal Server error"):
        make_client().detect_version()


@responses.activate
def test_connection_errors_are_retried_then_reported():
    for _ in range(4):
        responses.post(API, body=requests.ConnectionError("Connection refused"))
    with pytest.raises(UnreachableError, match="cannot reach .*Connection refused"):
        make_client().detect_version()


@responses.activate
def test_graphql_errors_with_http_200_fail_with_the_first_message():
    responses.post(API, json={"errors": [{"message": "Field 'x' doesn't exist on type 'Y'"}]})
    client = make_client(version="0.28")
    with pytest.raises(GraphQLErrors, match="Field 'x' doesn't exist"):
        client.organization()


@responses.activate
def test_an_html_page_instead_of_json_is_named():
    responses.post(API, body="<!DOCTYPE html><html>Maintenance</html>", content_type="text/html")
    with pytest.raises(NotJSONError, match="HTML page"):
        make_client(version="0.28").organization()


@responses.activate
def test_a_truncated_body_is_named():
    responses.post(API, body='{"data": {"organization": {"na', content_type="application/json")
    with pytest.raises(NotJSONError, match="not valid JSON"):
        make_client(version="0.28").organization()


@responses.activate
def test_an_answer_orjson_refuses_is_read_by_the_standard_decoder():
    # orjson stops at 64-bit integers; a Decidim-like server may count beyond (a big id, a sum).
    body = f'{{"data": {{"organization": {{"name": "Ivry-sur-Seine", "n": {2**70}}}}}}}'
    responses.post(API, body=body, content_type="application/json")
    assert make_client(version="0.28").organization()["name"] == "Ivry-sur-Seine"


@responses.activate
def test_an_answer_in_utf8_keeps_its_accents_and_emoji():
    name = "Budget participatif d’Ivry 🌳 – « Ivry-Port »"
    body = json.dumps({"data": {"organization": {"name": name}}}, ensure_ascii=False)
    responses.post(API, body=body.encode(), content_type="application/json; charset=utf-8")
    assert make_client(version="0.28").organization()["name"] == name


@responses.activate
def test_a_login_only_organization_redirect_is_not_followed():
    responses.post(API, status=302, headers={"Location": f"{BASE}/users/sign_in"})
    with pytest.raises(AuthenticationError, match="requires signing in"):
        make_client(version="0.28").organization()
    assert len(responses.calls) == 1


@responses.activate
def test_forced_api_authentication_without_credentials():
    responses.post(API, status=401, json={"error": "Access denied"})
    with pytest.raises(AuthenticationError, match="401"):
        make_client(version="0.28").organization()


@responses.activate
def test_api_user_signs_in_sends_bearer_and_refreshes_on_401():
    responses.post(
        f"{API}/sign_in", json={"jwt_token": "t1"}, headers={"Authorization": "Bearer t1"}
    )
    responses.post(API, status=401, json={"error": "Access denied"})
    responses.post(
        f"{API}/sign_in", json={"jwt_token": "t2"}, headers={"Authorization": "Bearer t2"}
    )
    responses.post(API, json={"data": {"organization": {"name": "Ivry"}}})
    client = make_client(version="0.28", credentials=Credentials("key", "secret"))
    assert client.organization() == {"name": "Ivry"}
    sign_in = responses.calls[0].request
    assert "api_user%5Bkey%5D=key" in sign_in.body and "api_user%5Bsecret%5D=secret" in sign_in.body
    assert responses.calls[1].request.headers["Authorization"] == "Bearer t1"
    assert responses.calls[3].request.headers["Authorization"] == "Bearer t2"


@responses.activate
def test_refused_credentials_are_reported():
    responses.post(f"{API}/sign_in", status=401, json={"error": "Invalid key"})
    client = make_client(version="0.28", credentials=Credentials("key", "wrong"))
    with pytest.raises(AuthenticationError, match="refused the API credentials"):
        client.organization()


def page(ids, has_next, cursor, **aliases):
    """A page of proposals of component 7; `aliases` are further pages (p1, p2 ...)."""

    def conn(ids, has_next, cursor):
        return {
            "pageInfo": {"hasNextPage": has_next, "endCursor": cursor},
            "nodes": [{"id": i} for i in ids],
        }

    component = {"id": "7", **{k: conn(*v) for k, v in aliases.items()}}
    if ids is not None:
        component["proposals"] = conn(ids, has_next, cursor)
    return {"data": {"component": component}}


@responses.activate
def test_offset_cursors_let_one_request_carry_several_pages():
    # "Mg" is offset 2: the cursors are offsets, so the next pages' cursors are known.
    responses.post(API, json=page(["1", "2"], True, "Mg"))
    responses.post(API, json=page(["3", "4"], True, "NA", p1=(["5"], False, "NQ")))
    client = make_client(version="0.28", page_size=2)
    pages = list(client.pages("proposals", "ProposalsPage", "proposals", "7"))
    assert [[n["id"] for n in p] for p in pages] == [["1", "2"], ["3", "4"], ["5"]]
    first = json.loads(responses.calls[0].request.body)
    assert first["variables"] == {"component": "7", "first": 2, "after": None}
    second = json.loads(responses.calls[1].request.body)
    assert second["operationName"] == "ProposalsPage"
    # The component and the cursors are variables, the sizes written in (complexity counts
    # the raw `first`): the next request of this shape sends the same text.
    assert second["variables"] == {
        "component0": "7",
        **{f"after0_{j}": planner.cursor(2 + 2 * j) for j in range(6)},
    }
    query = second["query"]
    assert "component(id: $component0)" in query
    assert ' proposals(order: { id: "asc" }, first: 2, after: $after0_0)' in query
    assert 'p1: proposals(order: { id: "asc" }, first: 2, after: $after0_1)' in query
    # One window unaliased and Decidim's 5 distinct aliases, 2 items each.
    assert query.count("proposals(") == 6 and "p5: proposals(" in query
    assert client.offsets is True


@responses.activate
def test_cursors_that_are_not_offsets_are_followed_one_page_a_request():
    responses.post(API, json=page(["1", "2"], True, "opaque-1"))
    responses.post(API, json=page(["3"], False, "opaque-2"))
    client = make_client(version="0.28", page_size=2)
    pages = list(client.pages("proposals", "ProposalsPage", "proposals", "7"))
    assert [[n["id"] for n in p] for p in pages] == [["1", "2"], ["3"]]
    second = json.loads(responses.calls[1].request.body)
    assert second["variables"] == {"component": "7", "first": 2, "after": "opaque-1"}
    assert client.offsets is False


@responses.activate
def test_a_too_complex_page_is_asked_again_under_the_limit_the_server_states():
    too_complex = {
        "errors": [
            {"message": "Query has complexity of 6200, which exceeds max complexity of 3000"}
        ]
    }
    responses.post(API, json=too_complex)
    responses.post(API, json=page([], False, None))
    client = make_client(version="0.28")
    assert list(client.pages("proposals", "ProposalsPage", "proposals", "7")) == [[]]
    first = json.loads(responses.calls[1].request.body)["variables"]["first"]
    assert client.limits.max_complexity == 3000
    # Our count of the first request, scaled to the server's, fits under 3000 now.
    shape = planner.shape(queries.load("0.28").documents["proposals"], "ProposalsPage", "proposals")
    assert (
        shape.cost(1, first) * client.limits.scale
        <= 3000
        < shape.cost(1, first + 1) * (client.limits.scale / planner.FILL)
    )


def test_rate_limiter_allows_a_burst_then_waits_for_the_window():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3, period=60, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        assert limiter.wait() == 0
    now[0] = 10.0
    assert limiter.wait() == pytest.approx(50.0)
    assert slept == [pytest.approx(50.0)]


@pytest.mark.parametrize(
    "message",
    [
        "Selections can't be made on scalars (field 'name' returns String but has selections "
        "[translation])",
        # graphql-ruby 2.4 quotes the selections
        "Selections can't be made on scalars (field 'name' returns String but has selections "
        '["translations"])',
        "Field 'name' must not have a selection since type 'String' has no subfields.",
        "Cannot query field 'translation' on type 'String'.",
    ],
)
def test_probes_understand_every_way_of_saying_the_field_does_not_fit(message):
    assert missing_in([{"message": message}]) == {"Organization.name{}"}
    assert missing_in([{"message": message}, {"message": "Internal error"}]) is None


def not_found(type_name: str, path: list[str], data: dict) -> dict:
    """Decidim 0.32's answer (decidim-api `errors/not_found_error.rb`, the develop docs'
    NOT_FOUND_ERROR sample) where older versions answered `null` without an error."""
    error = {
        "message": f"{type_name} not found",
        "extensions": {"code": "NOT_FOUND_ERROR"},
        "locations": [{"line": 2, "column": 3}],
        "path": path,
    }
    return {"errors": [error], "data": data}


@responses.activate
def test_a_probe_answered_with_not_found_errors_finds_every_field():
    # The probe's ids "0" match nothing: a server that says so with an error has still
    # validated the whole document, so it has every field the probe asks.
    probe = not_found(
        "ParticipatoryProcess",
        ["participatoryProcess"],
        {"decidim": {"version": None}, "participatoryProcess": None, "component": None},
    )
    responses.post(API, json=probe)
    responses.post(API, json=organization_answer(None))
    client = make_client()
    assert client.detect_version() == "0.31"
    assert client.capabilities.missing == frozenset()


@responses.activate
def test_an_item_decidim_says_is_not_found_is_gone():
    responses.post(
        API,
        json=not_found(
            "Proposal", ["component", "proposal"], {"component": {"id": "7", "proposal": None}}
        ),
    )
    client = make_client(version="0.31")
    assert client.one("proposals", "ProposalById", "proposal", "7", "12") is None


@responses.activate
def test_other_errors_beside_data_still_fail():
    body = {
        "errors": [{"message": "Cannot return null for non-nullable field Coordinates.latitude"}],
        "data": {"component": {"id": "7", "proposal": None}},
    }
    responses.post(API, json=body)
    with pytest.raises(GraphQLErrors, match="non-nullable"):
        make_client(version="0.31").one("proposals", "ProposalById", "proposal", "7", "12")


@responses.activate
def test_an_item_decidim_hides_in_a_page_still_counts_in_its_cursors():
    # 0.30+: an item the visitor may not see (its type's `authorized?`) is a null in `nodes`,
    # and graphql-ruby's cursors count it: "Mg" ends this page of two at offset 2.
    hidden = page(["1", "2"], True, "Mg")
    hidden["data"]["component"]["proposals"]["nodes"][1] = None
    responses.post(API, json=hidden)
    responses.post(API, json=page(["3", "4"], True, "NA", p1=(["5"], False, "NQ")))
    client = make_client(version="0.31", page_size=2)
    pages = list(client.pages("proposals", "ProposalsPage", "proposals", "7"))
    assert [[n["id"] for n in p] for p in pages] == [["1"], ["3", "4"], ["5"]]
    assert client.offsets is True  # still several pages a request
    second = json.loads(responses.calls[1].request.body)["variables"]
    assert second["after0_0"] == "Mg" and second["after0_1"] == planner.cursor(4)


def test_a_hidden_item_counts_in_a_components_size():
    client = make_client(version="0.31")
    nodes = [{"id": str(i)} for i in range(1, 50)] + [None]
    component = {
        "id": "7",
        "proposals": {"pageInfo": {"hasNextPage": True, "endCursor": "NTA"}, "nodes": nodes},
        "s1": {"nodes": [{"id": "51"}]},
        "s2": {"nodes": []},
    }
    client._count(component)
    assert client.offsets is True and client.limits.page_cap == 50  # not a cap of 49
    assert client.sizes["7"] == (51, True)


@responses.activate
def test_the_environment_is_read_once_a_session_and_still_obeyed(monkeypatch):
    # requests read the proxies from the environment for every request (a twentieth of a
    # no-change sync's CPU): once a session (a run) is enough.
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    reads: list[str] = []
    real = requests.sessions.get_environ_proxies

    def counted(url, no_proxy=None):
        reads.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    responses.add(responses.POST, API, json=organization_answer("0.28"))
    session = DecidimSession(BASE, rate_limit=0)
    for _ in range(3):
        session.post(API, json={})
    assert reads == [API]
    settings = session.merge_environment_settings(API, {}, None, None, None)
    assert settings["proxies"]["https"] == "http://proxy.example:3128"


def test_graphql_ruby_2_4s_suggestions_do_not_hide_the_field():
    said = "Field 'milestones' doesn't exist on type 'Result' (Did you mean `timelineEntries`?)"
    assert missing_in([{"message": said}]) == {"Result.milestones"}


def test_an_error_inside_one_item_leaves_out_that_item_alone():
    """graphql-ruby answers an error in one item beside the data: a non-null field's null
    nulls the item, a nullable field's error leaves the item with a null it does not have.
    Either way the item is left out of its page; an error elsewhere is not about one item."""
    client = make_client(version="0.28")
    page = {"nodes": [{"id": "1", "body": None}, {"id": "2"}, None], "pageInfo": {}}
    data = {"component": {"proposals": page}}
    error = {"message": "boom", "path": ["component", "proposals", "nodes", 0, "body"]}
    assert client_module._item_index(error) == 3
    client._leave_out(data, error)
    assert page["nodes"] == [None, {"id": "2"}, None]
    assert client._unanswered_now == {"component": ["boom"]}
    for path in (["component", "proposals", "pageInfo"], ["component"], None, ["nodes", True]):
        assert client_module._item_index({"message": "x", "path": path}) is None
