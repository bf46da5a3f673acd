"""A request to Decidim has one deadline, whatever the pace of its body.

Found by a probe: the timeout bounded each read, not the request; a body trickled out slowly
never timed out (three requests took 75 s with a 30 s timeout).
"""

from __future__ import annotations

import time

import pytest

from bridge.decidim.errors import UnreachableError
from bridge.decidim.http import DecidimSession
from simulator.testing import running_simulator

QUERY = {"query": "{ decidim { version } }"}


def test_a_trickled_body_is_cut_at_the_requests_deadline():
    with running_simulator() as sim:
        sim.faults.set(slow_body_ms=4000)  # ten chunks, 0.4 s apart: each read is quick
        session = DecidimSession(sim.url, timeout=1.0, retries=0, rate_limit=0)
        started = time.monotonic()
        with pytest.raises(UnreachableError, match="within 1 s"):
            session.post(f"{sim.url}/api", json=QUERY)
        took = time.monotonic() - started
        session.close()
    assert took < 2.0


def test_a_body_within_the_deadline_is_read_whole():
    with running_simulator() as sim:
        sim.faults.set(slow_body_ms=300)
        session = DecidimSession(sim.url, timeout=5.0, retries=0, rate_limit=0)
        answer = session.post(f"{sim.url}/api", json=QUERY)
        session.close()
    assert answer.json()["data"]["decidim"]["version"] == "0.28.4"
