"""Pushing the committees' progress through Decidim's write API, against the stand-in over real
HTTP: the capability asked of the server (present, absent, no credentials), the push of one
result's progress alone, a refusal midway, a connection lost midway, a second push that sends
nothing, the sync afterwards reading Decidim's new figures, and `bridge accountability push`."""

# ruff: noqa: F811 - `city` is a fixture imported from the export tests
from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bridge.cli import main
from bridge.store.models import AuditEntry, Instance, Result
from bridge.sync.engine import SyncEngine
from bridge.testing.stand_in import SYNC_SETTINGS, Synced, sync_stand_in
from plugins.committees import accountability_push
from plugins.committees.accountability_push import DONE, FAILED, NOT_ATTEMPTED, REFUSED, UNCHANGED
from plugins.committees.models import ActionItem, ActionItemResult, Committee
from plugins.committees.rollup import decidim_progress
from simulator.testing import running_simulator
from simulator.world import World
from simulator.writes import recompute_parent
from tests.committees.test_accountability_export import city  # noqa: F401 - the fixture

KEY, SECRET = "bridge-key", "bridge-secret"
NOW = datetime(2026, 12, 2, 9, 0)


@pytest.fixture
def decidim():
    """A Decidim whose write API offers the result update, with an API user for the bridge."""
    with running_simulator(version="0.31", write_api=True, api_credentials=(KEY, SECRET)) as sim:
        yield sim


@pytest.fixture
def synced(database_url, sessions, bridge_host, decidim):
    run = sync_stand_in(
        sessions, bridge_host, decidim, "ivry", published=True, api_key=KEY, api_secret=SECRET
    )
    return Synced(database_url, sessions, "ivry", run, decidim)


def stand_in_result(decidim, remote_id: str) -> dict:
    return decidim.world.records["result"][remote_id]


def pushes(sessions) -> list[AuditEntry]:
    with sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == accountability_push.ACTION)
                .order_by(AuditEntry.id)
            )
        )


def link_second_item(sessions, city, progress: float) -> str:
    """An action item on another result without children; its Decidim id."""
    results = city["results"]
    parents = {r.parent_remote_id for r in results.values() if r.parent_remote_id}
    other = next(
        r.remote_id
        for r in results.values()
        if r.remote_id not in parents
        and r.remote_id != city["child"]
        and r.parent_remote_id != city["parent"]
        and (r.progress or 0) != progress
    )
    with sessions() as session, session.begin():
        committee = session.scalars(select(Committee)).first()
        item = ActionItem(
            committee=committee,
            title="Végétalisation des cours",
            progress=progress,
            status="in_progress",
            created_at=NOW,
            updated_at=NOW,
        )
        item.results.append(ActionItemResult(instance="ivry", result_remote_id=other))
        session.add(item)
    return other


def test_the_server_is_asked_and_its_answer_recorded(city, bridge_host, sessions):
    context = bridge_host.context("committees")
    writes = context.decidim_writes("ivry")
    assert writes.access().has_credentials and writes.access().result_updates is None
    found = writes.check()
    assert found.offered and {"progress", "weight"} <= found.attributes
    assert writes.access().can_update_results
    with sessions() as session:
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        assert instance.write_capabilities["result_update"]["offered"] is True


def test_an_instance_without_the_mutation_or_without_credentials_cannot_push(bridge_host, sessions):
    context = bridge_host.context("committees")
    with running_simulator(version="0.31", api_credentials=(KEY, SECRET)) as older:
        sync_stand_in(sessions, bridge_host, older, "older", api_key=KEY, api_secret=SECRET)
        found = context.decidim_writes("older").check()
    assert not found.offered
    assert "Mutation" in (found.detail or "")
    assert not context.decidim_writes("older").access().can_update_results

    with running_simulator(version="0.28") as anonymous:
        sync_stand_in(sessions, bridge_host, anonymous, "anonymous")
    access = context.decidim_writes("anonymous").access()
    assert not access.has_credentials and not access.can_update_results
    with pytest.raises(LookupError):
        context.decidim_writes("anonymous").check()


def test_a_push_sends_the_progress_alone_and_a_second_push_sends_nothing(
    city,
    bridge_host,
    sessions,
    decidim,
):
    context = bridge_host.context("committees")
    context.decidim_writes("ivry").check()
    child = city["child"]
    untouched = dict(stand_in_result(decidim, child))
    planned = accountability_push.plan(context, "ivry", city["component"])
    assert [(c.remote_id, c.after, c.sent) for c in planned.changes if c.sent] == [
        (child, 70.0, True)
    ]
    assert any(c.remote_id == city["parent"] and not c.sent for c in planned.changes)

    pushed = accountability_push.push(context, planned)
    assert [(o.change.remote_id, o.status) for o in pushed.outcomes] == [(child, DONE)]
    assert pushed.outcomes[0].before == untouched["progress"] and pushed.outcomes[0].decidim == 70
    after = stand_in_result(decidim, child)
    assert after["progress"] == 70
    for name in ("title", "description", "start", "end", "status", "weight", "external_id"):
        assert after[name] == untouched[name], name  # only the progress changed
    (entry,) = pushes(sessions)
    assert entry.actor == "system" and entry.target.endswith(f":{child}")
    assert entry.before == {"progress": untouched["progress"]}
    assert entry.after["progress"] == 70 and entry.after["outcome"] == DONE

    again = accountability_push.push(
        context, accountability_push.plan(context, "ivry", city["component"])
    )
    assert [o.status for o in again.outcomes] == [UNCHANGED] and again.complete
    assert len(pushes(sessions)) == 1  # a read that found the target is no write

    run = SyncEngine(sessions, SYNC_SETTINGS, plugins=bridge_host).run("ivry")
    assert run.status == "succeeded"
    with sessions() as session:
        synced_child = session.scalar(select(Result).where(Result.remote_id == child))
        synced_parent = session.scalar(select(Result).where(Result.remote_id == city["parent"]))
    assert synced_child.progress == 70
    assert synced_parent.progress == pytest.approx(
        stand_in_result(decidim, city["parent"])["progress"]
    )
    assert accountability_push.plan(context, "ivry", city["component"]).to_send == []


def test_a_refusal_is_told_per_result_and_the_others_go_on(city, bridge_host, sessions, decidim):
    context = bridge_host.context("committees")
    other = link_second_item(sessions, city, 15)
    decidim.app.refused_results = {city["child"]}
    pushed = accountability_push.push(
        context, accountability_push.plan(context, "ivry", city["component"])
    )
    outcomes = {o.change.remote_id: o for o in pushed.outcomes}
    assert outcomes[city["child"]].status == REFUSED
    assert outcomes[city["child"]].message == "You do not have permission to perform this mutation"
    assert outcomes[other].status == DONE and stand_in_result(decidim, other)["progress"] == 15
    assert stand_in_result(decidim, city["child"])["progress"] != 70
    assert {e.after["result"]: e.after["outcome"] for e in pushes(sessions)} == {
        city["child"]: REFUSED,
        other: DONE,
    }
    assert not pushed.complete


def test_a_connection_lost_midway_leaves_a_true_record(city, bridge_host, sessions, decidim):
    context = bridge_host.context("committees")
    other = link_second_item(sessions, city, 15)
    planned = accountability_push.plan(context, "ivry", city["component"])
    first = planned.to_send[0].remote_id

    def cut(outcome):  # the API user is revoked after the first result: sign-in fails
        if outcome.status == DONE:
            decidim.app.config.api_credentials = None
            decidim.app.config.force_api_auth = True
            decidim.app.tokens.clear()

    pushed = accountability_push.push(context, planned, progress=cut)
    statuses = [o.status for o in pushed.outcomes]
    assert statuses == [DONE, FAILED]
    records = {e.after["result"]: e.after["outcome"] for e in pushes(sessions)}
    second = other if first == city["child"] else city["child"]
    assert records == {first: DONE, second: FAILED}
    assert stand_in_result(decidim, second)["progress"] != planned.to_send[1].after
    assert NOT_ATTEMPTED not in statuses  # two results: none was left


def run_cli(bridge_settings, monkeypatch, *args):
    monkeypatch.setenv("BRIDGE_DATABASE_URL", bridge_settings.database_url)
    monkeypatch.delenv("BRIDGE_CONFIG", raising=False)
    return CliRunner().invoke(main, ["accountability", "push", *args])


def test_the_command_previews_then_applies(city, bridge_settings, monkeypatch, decidim, sessions):
    child = city["child"]
    before = stand_in_result(decidim, child)["progress"]
    preview = run_cli(bridge_settings, monkeypatch, "ivry", "--component", city["component"])
    assert preview.exit_code == 0, preview.output
    assert f"result {child}: " in preview.output and "-> 70 %" in preview.output
    assert "add --apply" in preview.output
    assert stand_in_result(decidim, child)["progress"] == before and not pushes(sessions)

    applied = run_cli(
        bridge_settings, monkeypatch, "ivry", "--component", city["component"], "--apply"
    )
    assert applied.exit_code == 0, applied.output
    assert "1 sent" in applied.output and stand_in_result(decidim, child)["progress"] == 70
    assert pushes(sessions)[0].actor == "cli"

    again = run_cli(
        bridge_settings, monkeypatch, "ivry", "--component", city["component"], "--apply"
    )
    assert again.exit_code == 0 and "already up to date" in again.output

    decidim.app.refused_results = {child}
    decidim.world.set_result(child, progress=10.0)
    refused = run_cli(
        bridge_settings, monkeypatch, "ivry", "--component", city["component"], "--apply"
    )
    assert refused.exit_code != 0 and "refused by Decidim" in refused.output

    unknown = run_cli(bridge_settings, monkeypatch, "ivry", "--component", "99999", "--apply")
    assert unknown.exit_code != 0 and "no synced component" in unknown.output


def test_the_command_refuses_to_apply_where_the_server_offers_no_mutation(
    bridge_settings, monkeypatch, sessions, bridge_host
):
    with running_simulator(version="0.31", api_credentials=(KEY, SECRET)) as older:
        sync_stand_in(sessions, bridge_host, older, "older", api_key=KEY, api_secret=SECRET)
        component = next(
            c["id"] for c in older.world.components.values() if c["manifest"] == "Accountability"
        )
        applied = run_cli(
            bridge_settings, monkeypatch, "older", "--component", component, "--apply"
        )
    assert applied.exit_code != 0
    assert "does not offer result updates" in applied.output


def test_the_pages_ask_preview_confirm_and_tell_each_outcome_in_french(
    city,
    client_for,
    decidim,
    sessions,
):
    url = f"/admin/committees/accountability/ivry/{city['component']}"
    viewer, editor = client_for("viewer"), client_for("editor")
    page = viewer.get(url).get_data(as_text=True)
    assert "Envoyer à Decidim" in page and "pas encore demandé" in page
    assert f"{url}/verifier" not in page  # asking the server is an editor's button
    assert viewer.post(f"{url}/verifier", data={"csrf_token": viewer.csrf}).status_code == 403
    assert editor.post(f"{url}/verifier").status_code in (400, 403)  # no CSRF token

    asked = editor.post(f"{url}/verifier", data={"csrf_token": editor.csrf})
    assert asked.status_code == 302
    page = editor.get(url).get_data(as_text=True)
    assert "met à jour les résultats par son API" in page and f"{url}/envoi" in page

    seen = viewer.get(f"{url}/envoi").get_data(as_text=True)
    assert "70\u202f%" in seen and "push-form" not in seen
    assert "Seul un éditeur ou un administrateur" in seen
    preview = editor.get(f"{url}/envoi").get_data(as_text=True)
    assert "Recalculé par Decidim à partir de ses enfants" in preview
    fingerprint = preview.split('name="plan" value="')[1].split('"')[0]
    assert (
        viewer.post(
            f"{url}/envoi", data={"csrf_token": viewer.csrf, "plan": fingerprint}
        ).status_code
        == 403
    )

    stale = editor.post(f"{url}/envoi", data={"csrf_token": editor.csrf, "plan": "another"})
    assert stale.status_code == 409 and "rien n’a été envoyé" in stale.get_data(
        as_text=True
    ).replace("&#39;", "'")
    assert not pushes(sessions)

    sent = editor.post(f"{url}/envoi", data={"csrf_token": editor.csrf, "plan": fingerprint})
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and 'data-outcome="done"' in html
    assert "Decidim affiche maintenant 70\u202f%" in html
    assert stand_in_result(decidim, city["child"])["progress"] == 70
    (entry,) = pushes(sessions)
    assert entry.actor.startswith("user:")

    audit = client_for("admin").get("/admin/audit").get_data(as_text=True)
    assert "a envoyé à Decidim l’avancement du résultat" in audit


def test_without_credentials_the_page_says_why_and_offers_the_file(
    city,
    client_for,
    sessions,
):
    with sessions() as session, session.begin():
        instance = session.scalar(select(Instance).where(Instance.name == "ivry"))
        instance.api_key = instance.api_secret = None
    url = f"/admin/committees/accountability/ivry/{city['component']}"
    editor = client_for("editor")
    html = editor.get(url).get_data(as_text=True)
    assert "n’a pas d’identifiants d’API" in html.replace("&#39;", "'")
    assert "resultats.csv" in html and f"{url}/verifier" not in html
    refused = editor.get(f"{url}/envoi")
    assert "push-form" not in refused.get_data(as_text=True)
    assert (
        editor.post(f"{url}/envoi", data={"csrf_token": editor.csrf, "plan": "x"}).status_code
        == 409
    )


def test_a_token_without_the_write_scope_is_refused_result_by_result(
    city, bridge_host, sessions, decidim
):
    """An API user whose token holds `api:read` alone: the server offers the mutation (the
    probe is only validated), and Decidim refuses each write in its own words."""
    context = bridge_host.context("committees")
    decidim.app.config.api_scopes = ("api:read",)
    assert context.decidim_writes("ivry").check().offered
    pushed = accountability_push.push(
        context, accountability_push.plan(context, "ivry", city["component"])
    )
    (outcome,) = pushed.outcomes
    assert outcome.status == REFUSED
    assert (
        outcome.message
        == "You cannot view or edit this Mutation because you do not have permissions"
    )
    assert stand_in_result(decidim, city["child"])["progress"] != 70
    assert [e.after["outcome"] for e in pushes(sessions)] == [REFUSED]


@pytest.mark.parametrize(
    "children",
    [
        [(40.0, None), (80.0, None)],  # no weights: the average
        [(40.0, 1), (80.0, 0)],  # one of several weighs 1: the average
        [(40.0, 0.5), (80.0, 0.5)],  # weights: the plain sum of progress x weight
        [(40.0, 2), (None, 3)],  # weights adding up to 5, a child without progress counts 0
        [(55.0, 1)],  # one child: weighted even at 1
    ],
)
def test_the_stand_in_recomputes_a_parent_as_the_roll_up_predicts(children):
    """Decidim's `Result#update_progress!` is written twice, in the stand-in (what a push makes
    the parent) and in the roll-up (what the page announces): both give the same figure."""
    world = World()
    parent = world.add("result", "4", progress=None, weight=None, parent=None)
    for progress, weight in children:
        world.add("result", "4", progress=progress, weight=weight, parent=parent)
    recompute_parent(world, parent)
    assert world.records["result"][parent]["progress"] == pytest.approx(decidim_progress(children))
