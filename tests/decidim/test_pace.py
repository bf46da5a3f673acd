"""Pace under Decidim's throttle (Rack::Attack: 100 requests per fixed minute per address), on a
fake clock: no 429 in steady state, and a 429 all the same slows the rest of the run."""

import pytest
import responses

from bridge.decidim.http import DecidimSession, RateLimiter

BASE = "https://participer.example.fr"


class FixedWindow:
    """Rack::Attack's count: requests in the current minute, `(now / 60).floor`."""

    def __init__(self, limit: int):
        self.limit, self.counts = limit, {}

    def allows(self, now: float) -> bool:
        window = int(now // 60)
        self.counts[window] = self.counts.get(window, 0) + 1
        return self.counts[window] <= self.limit


@pytest.mark.parametrize("seconds_per_request", [0.0, 0.2, 0.55])
def test_a_long_sync_at_our_pace_meets_no_429(seconds_per_request):
    now = [17.3]  # not aligned on Decidim's minutes

    def sleep(seconds):
        now[0] += seconds + 1e-9  # a real clock always moves on

    limiter = RateLimiter(90, clock=lambda: now[0], sleep=sleep)
    server = FixedWindow(100)
    refused = 0
    for _ in range(1000):  # about 11 minutes of steady state
        limiter.wait()
        refused += not server.allows(now[0])
        now[0] += seconds_per_request  # the answer's time
    assert refused == 0
    assert now[0] - 17.3 >= 60 * (1000 // 90)  # and not faster than the limit allows


@responses.activate
def test_a_429_all_the_same_slows_the_rest_of_the_run():
    api = f"{BASE}/api"
    responses.post(api, status=429, body="Retry later", headers={"Retry-After": "3"})
    responses.post(api, json={"data": {}})
    slept: list[float] = []
    session = DecidimSession(BASE, rate_limit=90, sleep=slept.append)
    assert session.post(api, json={"query": "{ x }"}).status_code == 200
    assert slept == [3.0]  # Retry-After honoured
    assert session.limiter.limit == 72  # a fifth less from now on


@responses.activate
def test_a_429_without_retry_after_waits_for_rack_attacks_next_minute():
    # Decidim leaves Rack::Attack's `throttled_response_retry_after_header` off: its 429 is a
    # bare "Retry later" and the count only resets when the fixed minute (epoch time / 60)
    # ends. A short backoff would spend every retry inside the same minute.
    api = f"{BASE}/api"
    start = 1_800_000_017.3  # 17.3 s into a minute of epoch time
    now = [start]

    def answer(request):
        if now[0] // 60 == start // 60:  # this minute is spent (another client, same address)
            return (429, {"Content-Type": "text/plain"}, "Retry later\n")
        return (200, {}, '{"data": {}}')

    def sleep(seconds):
        now[0] += seconds

    responses.add_callback(responses.POST, api, callback=answer)
    session = DecidimSession(BASE, rate_limit=90, sleep=sleep, wall=lambda: now[0])
    assert session.post(api, json={"query": "{ x }"}).status_code == 200
    assert session.counters.retries == 1
    assert 60 - 17.3 <= now[0] - start <= 60 - 17.3 + 2  # no longer than needed
