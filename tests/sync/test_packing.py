"""Several pages a request against the stand-in, with each of Decidim's limits lowered: every
item is read exactly once, and the limits the server states are learnt."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from bridge.decidim import DecidimClient
from bridge.decidim.client import AHEAD_ITEMS
from bridge.store import models
from bridge.store.db import make_engine, make_sessionmaker
from bridge.sync.engine import RESOURCES, SyncEngine
from simulator import seed
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS, add_instance


class CountingClient(DecidimClient):
    """Counts every item the pages yield, to see that none is read twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.yielded: dict[str, int] = {}

    def pages(self, resource, operation, connection, component_id):
        for nodes in super().pages(resource, operation, connection, component_id):
            self.yielded[component_id] = self.yielded.get(component_id, 0) + len(nodes)
            yield nodes


def sync(sqlite_url, ahead=None, request_items=None, **options):
    sessions = make_sessionmaker(make_engine(sqlite_url))
    clients: list[CountingClient] = []

    def factory(instance):
        client = CountingClient(instance.base_url, rate_limit=0, retries=2)
        if ahead is not None:
            client.ahead_items = ahead
        if request_items is not None:
            client.request_items = request_items
        clients.append(client)
        return client

    with running_simulator(**options) as sim:
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS, client_factory=factory).run("ivry")
        world = sim.world
        kinds = {"Proposals": "proposal", "Meetings": "meeting", "Accountability": "result"}
        expected = {
            cid: len(world.visible(kinds[c["manifest"]], cid))
            for cid, c in world.components.items()
            if c["manifest"] in kinds
        }
        proposals = world.count("proposal")
    return sessions, run, clients[0], expected, proposals


def world_components(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return session.execute(select(models.Component.remote_id, models.Component.manifest)).all()


def lower_bound(sessions) -> int:
    bound = 0
    with sessions() as session:
        for resource in RESOURCES.values():
            model = resource.model
            for _, n in session.execute(
                select(model.component_id, func.count()).group_by(model.component_id)
            ):
                bound += max(1, math.ceil(n / 50))
    return bound


def test_a_large_instance_is_read_in_far_fewer_requests_than_pages(sqlite_url):
    sessions, run, client, expected, _ = sync(sqlite_url, version="0.28", scale=1000)
    assert run.status == "succeeded", run.error
    assert all(client.yielded[cid] == n for cid, n in expected.items())  # each item once
    assert client.offsets is True
    assert run.requests <= 0.4 * lower_bound(sessions)
    # The spaces request counted every component: exactly up to 150 items, at least 150 above.
    assert {cid: client.sizes[cid] for cid in expected} == {
        cid: (min(n, 150), n < 150) for cid, n in expected.items()
    }
    assert 0 < client.most_ahead <= AHEAD_ITEMS


@pytest.mark.parametrize("version", ["0.28", "0.31"])
def test_what_waits_ahead_never_exceeds_the_cap_and_each_item_is_read_once(sqlite_url, version):
    sessions, run, client, expected, proposals = sync(
        sqlite_url, ahead=30, version=version, scale=1000
    )
    assert run.status == "succeeded", run.error
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    assert 0 < client.most_ahead <= 30  # a budget counts for 1 + its projects
    budgets = [cid for cid, c in world_components(sessions) if c == "Budgets"]
    assert any(client.weights[cid] > 1 for cid in budgets)
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(models.Proposal))
    assert stored == proposals


@pytest.mark.parametrize("version", ["0.28", "0.31"])
def test_one_answer_carries_at_most_the_cap_of_the_component_being_read(sqlite_url, version):
    """Nothing read ahead: each answer holds only the component being read, at most 30 items
    weighed (a budget of 50 projects, heavier than the cap, comes alone)."""
    sessions, run, client, expected, proposals = sync(
        sqlite_url, ahead=0, request_items=30, version=version, scale=1000
    )
    assert run.status == "succeeded", run.error
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    heaviest = max(client.weights.values())
    assert heaviest > 30
    assert 0 < client.most_read <= heaviest
    assert client.most_ahead == 0
    world = seed.ivry(scale=1000)  # the stand-in's own data
    with sessions() as session:
        stored = [
            session.scalar(select(func.count()).select_from(model))
            for model in (models.Proposal, models.Budget, models.Project)
        ]
    assert stored == [proposals, world.count("budget"), world.count("project")]


def test_a_server_that_refuses_the_counts_is_read_without_them(sqlite_url):
    # The spaces request with the components' counts costs about 3,100: over this server's
    # limit. The limit is learnt, the spaces asked again without the counts, every item read.
    sessions, run, client, expected, _ = sync(
        sqlite_url, version="0.28", scale=300, limits={"max_complexity": 2000}
    )
    assert run.status == "succeeded", run.error
    assert client.limits.max_complexity == 2000
    assert client.sizes == {}
    assert {cid: client.yielded.get(cid) for cid in expected} == expected


@pytest.mark.parametrize(
    ("version", "options", "learnt"),
    [
        ("0.28", {"limits": {"max_complexity": 1200}}, ("max_complexity", 1200)),
        ("0.31", {"limits": {"max_aliases": 2}}, ("max_aliases", 2)),
        ("0.31", {"page_cap": 20}, ("page_cap", 20)),
    ],
)
def test_each_limit_lowered_is_learnt_and_every_item_read_once(
    sqlite_url, version, options, learnt
):
    sessions, run, client, expected, proposals = sync(
        sqlite_url, version=version, scale=300, **options
    )
    assert run.status == "succeeded", run.error
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    name, value = learnt
    assert getattr(client.limits, name) == value
    with sessions() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(models.Proposal)
            .where(models.Proposal.removed_at.is_(None))
        )
    assert stored == proposals


def test_a_lowered_depth_limit_is_learnt_and_leaves_out_only_the_deeper_components(sqlite_url):
    # Budgets (component > budgets > nodes > projects > scope > name > translations > locale)
    # need 8 levels; everything else fits in 7.
    sessions, run, client, expected, proposals = sync(
        sqlite_url, version="0.28", scale=300, limits={"max_depth": 7}
    )
    assert run.status == "succeeded", run.error
    assert client.limits.max_depth == 7
    assert {cid: client.yielded.get(cid) for cid in expected} == expected  # each item once
    with sessions() as session:
        budgets = session.scalars(
            select(models.Component.remote_id).where(models.Component.manifest == "Budgets")
        ).all()
        assert session.scalar(select(func.count()).select_from(models.Budget)) == 0
        stored = session.scalar(select(func.count()).select_from(models.Proposal))
    assert budgets
    assert stored == proposals
    assert sorted(w for w in run.warnings if "levels deep" in w) == sorted(
        f"component {cid} (budgets) not read: Decidim accepts queries 7 levels deep at most; "
        "reading budgets needs 8"
        for cid in budgets
    )


def test_a_shape_of_request_is_printed_once_and_each_item_read_once(sqlite_url, monkeypatch):
    """Cursors and component ids go as variables: the requests that read one large component
    at the same page sizes send one document, printed once."""
    from bridge.decidim import queries

    printed: list[str] = []
    real = queries.print_ast
    monkeypatch.setattr(queries, "print_ast", lambda d: printed.append(real(d)) or printed[-1])
    monkeypatch.setattr(queries, "_PRINTED", type(queries._PRINTED)())
    sessions, run, client, expected, _ = sync(sqlite_url, version="0.28", scale=2000)
    assert run.status == "succeeded", run.error
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    packed = [text for text in printed if "$after0_1" in text]
    assert packed and len(set(printed)) == len(printed), "no document printed twice"
    assert len(printed) <= run.requests // 2, (len(printed), run.requests)  # 7 of 20 here


def test_a_server_whose_cursors_are_not_offsets_is_read_one_page_a_request(sqlite_url):
    # Cursors in a format no client knows, and a cursor the server did not make refused: the
    # spaces' counting windows (after "NTA") are refused and asked again without them, then
    # each connection follows endCursor one page a request, every item once.
    sessions, run, client, expected, proposals = sync(
        sqlite_url, version="0.28", scale=300, cursors="opaque"
    )
    assert run.status == "succeeded", run.error
    assert client.offsets is False and client.sizes == {}
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(models.Proposal))
    assert stored == proposals


def test_graphql_relays_cursors_are_predicted_too(sqlite_url):
    # A Decidim-like server on graphql-js, graphene or strawberry: "arrayconnection:N", the
    # 0-based index in padded Base64. Its format is learnt from the first endCursor, and the
    # pages are packed as on Decidim, every item once.
    sessions, run, client, expected, proposals = sync(
        sqlite_url, version="0.28", scale=300, cursors="relay"
    )
    assert run.status == "succeeded", run.error
    assert client.offsets is True
    assert {cid: client.yielded.get(cid) for cid in expected} == expected
    # Probe and spaces, then one page a request: 19 here; Decidim's cursors take 7, these 12
    # (the spaces asked twice, and no sizes known in advance).
    one_page_a_request = 2 + sum(max(1, math.ceil(n / 50)) for n in expected.values())
    assert client.requests_made < 0.7 * one_page_a_request


def test_items_decidim_hides_are_nulls_that_the_cursors_count(sqlite_url):
    # 0.30+: a hidden item (moderated, say) stays in its connection as a null, and the offsets
    # count it: the pages are still packed, every visible item read once, no hidden one stored.
    sessions = make_sessionmaker(make_engine(sqlite_url))
    clients: list[CountingClient] = []

    def factory(instance):
        clients.append(CountingClient(instance.base_url, rate_limit=0, retries=2))
        return clients[-1]

    with running_simulator(version="0.31", scale=300, hidden_as_null=True) as sim:
        world = sim.world
        proposals = [c for c, v in world.components.items() if v["manifest"] == "Proposals"]
        hidden = set()
        for cid in proposals:
            for record in world.visible("proposal", cid)[::7]:
                world.unpublish("proposal", record["id"])
                hidden.add(str(record["id"]))
        expected = {cid: len(world.visible("proposal", cid)) for cid in proposals}
        add_instance(sessions, sim.url)
        run = SyncEngine(sessions, SETTINGS, client_factory=factory).run("ivry")
    assert run.status == "succeeded", run.error
    assert clients[0].offsets is True
    assert {cid: clients[0].yielded.get(cid) for cid in proposals} == expected
    with sessions() as session:
        stored = set(session.scalars(select(models.Proposal.remote_id)))
    assert stored and not stored & hidden


class RaceClient(CountingClient):
    """Unpublishes one component on the stand-in just after the spaces request listed it, as
    an administrator can while a long run reads the others; and stops a run that keeps asking
    (a loop) after `most` requests."""

    def __init__(self, *args, world=None, unpublish=None, most=400, **kwargs):
        super().__init__(*args, **kwargs)
        self.world, self.unpublish, self.most = world, unpublish, most

    def spaces(self):
        listed = super().spaces()
        if self.unpublish:
            self.world.unpublish_component(self.unpublish)
        return listed

    def _send(self, *args, **kwargs):
        if self.requests_made >= self.most:
            raise AssertionError(f"{self.most} requests: the run asks the same thing forever")
        return super()._send(*args, **kwargs)


def run_with(sqlite_url, sim, first=True, **client_options):
    sessions = make_sessionmaker(make_engine(sqlite_url))

    def factory(instance):
        return RaceClient(instance.base_url, rate_limit=0, retries=1, **client_options)

    if first:
        add_instance(sessions, sim.url)
    return sessions, SyncEngine(sessions, SETTINGS, client_factory=factory)


def test_a_component_unpublished_while_the_run_reads_the_others_is_left_out_with_a_warning(
    sqlite_url,
):
    """Decidim lists and finds only published components: one unpublished after the spaces
    request answers null at its turn. The run reads the others and keeps that one's records
    (it failed whole before, every component after it unread)."""
    with running_simulator(version="0.28", scale=1000) as sim:
        sessions, engine = run_with(sqlite_url, sim, world=sim.world)
        assert engine.run("ivry").status == "succeeded"
        first = next(c for c in sim.world.components.values() if c["manifest"] == "Proposals")
        kept = len(sim.world.visible("proposal", first["id"]))
        sessions, engine = run_with(
            sqlite_url, sim, first=False, world=sim.world, unpublish=first["id"]
        )
        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        assert any(f"component {first['id']} " in w for w in run.warnings), run.warnings
        assert run.removed == 0
        with sessions() as session:
            component = session.scalar(
                select(models.Component).where(models.Component.remote_id == first["id"])
            )
            live = session.scalar(
                select(func.count())
                .select_from(models.Proposal)
                .where(
                    models.Proposal.component_id == component.id,
                    models.Proposal.removed_at.is_(None),
                )
            )
        assert live == kept
        # The next run no longer finds it listed: the component and its records leave then.
        sessions, engine = run_with(sqlite_url, sim, first=False, world=sim.world)
        run = engine.run("ivry")
        assert run.status == "succeeded", run.error
        assert run.removed == kept + 1


def test_an_error_in_a_component_read_ahead_is_not_asked_again_forever(sqlite_url):
    """A GraphQL error in a request that carries the next components' pages first (the
    component being read, its size unknown, takes the room they leave) sends them alone; it
    asked the same request again and again before (seen against an independent Decidim-like
    server: a budget with a null non-null field, 1,191 identical requests at 90 a minute)."""
    with running_simulator(version="0.28") as sim:
        world = sim.world
        first = next(c["id"] for c in world.components.values() if c["manifest"] == "Proposals")
        for _ in range(200):  # over the 150 the spaces request counts: its size is unknown
            world.add_proposal(first)
        # The component read next (the first in the request) answers an error.
        after = next(c["id"] for c in world.components.values() if c["manifest"] == "Meetings")
        meeting = world.visible("meeting", after)[0]["id"]
        world.edit("meeting", meeting, title=None)  # Meeting.title is non-null
        _, engine = run_with(sqlite_url, sim, world=sim.world)
        run = engine.run("ivry")
    # At that component's own turn, the item Decidim failed to answer is left out, with a
    # warning; the rest of the component and the run are read.
    assert run.status == "succeeded", run.error
    assert run.requests < 100
    warning = next(w for w in run.warnings if f"component {after} " in w)
    assert "failed to answer 1 item(s)" in warning and "Meeting.title" in warning
    sessions = make_sessionmaker(make_engine(sqlite_url))
    with sessions() as session:
        stored = set(session.scalars(select(models.Meeting.remote_id)))
    listed = {m["id"] for m in world.visible("meeting", after)}
    assert stored >= listed - {meeting} and meeting not in stored


def test_an_item_decidim_fails_to_answer_keeps_what_was_stored(sqlite_url):
    """An error inside one item (a null in a non-null field, which graphql-ruby answers beside
    the data, the item a null in its page): the others of its page are read, the item keeps
    what the last run stored, with a warning, and is not marked removed."""
    with running_simulator(version="0.28") as sim:
        world = sim.world
        component = next(c["id"] for c in world.components.values() if c["manifest"] == "Meetings")
        broken, changed = (m["id"] for m in world.visible("meeting", component)[:2])
        sessions, engine = run_with(sqlite_url, sim)
        assert engine.run("ivry").status == "succeeded"
        title = {"fr": "Réunion publique", "en": "Public meeting"}
        world.edit("meeting", changed, title=title)
        world.edit("meeting", broken, title=None)  # Meeting.title is non-null
        run = engine.run("ivry")
    assert run.status == "succeeded", run.error
    assert any("failed to answer 1 item(s)" in w and "Meeting.title" in w for w in run.warnings)
    with sessions() as session:
        rows = dict(
            session.execute(
                select(models.Meeting.remote_id, models.Meeting.title).where(
                    models.Meeting.remote_id.in_([broken, changed])
                )
            ).all()
        )
        removed = session.scalar(select(func.count()).where(models.Meeting.removed_at.is_not(None)))
    assert rows[changed] == title
    assert rows[broken] and rows[broken] != title  # as stored by the first run
    assert removed == 0
