"""A packed request's query is printed once per process, not once per run.

Printing a document with graphql-core takes 1 to 5 ms; each run of a long-lived process (the
scheduler) printed again the shapes of request the previous runs had sent."""

from __future__ import annotations

from collections import OrderedDict

from bridge.decidim import queries
from bridge.decidim.client import batch_document
from bridge.sync.engine import SyncEngine
from bridge.testing.stand_in import add_instance
from simulator.testing import running_simulator
from tests.sync.test_engine import SETTINGS


def test_a_run_prints_no_query_an_earlier_run_printed(sessions, monkeypatch):
    prints: list[int] = []
    real = queries.print_ast

    def counted(document):
        prints.append(id(document))
        return real(document)

    monkeypatch.setattr(queries, "print_ast", counted)
    # What this process printed before (another test) would be printed no more.
    monkeypatch.setattr(queries, "_PRINTED", OrderedDict())
    batch_document.cache_clear()
    with running_simulator(scale=200) as sim:
        add_instance(sessions, sim.url)
        engine = SyncEngine(sessions, SETTINGS)
        assert engine.run("ivry").status == "succeeded"  # a first sync
        assert engine.run("ivry").status == "succeeded"  # no change: a few other shapes
        before = len(prints)
        assert engine.run("ivry").status == "succeeded"  # no change: the same shapes
    assert before > 0
    assert len(prints) == before, "the third run printed its requests again"
