"""The HTTP edge: one `requests.Session` that throttles, retries and signs in.

gql's RequestsHTTPTransport sends every request through `session.request`, so doing the work
here keeps it in one place for every query: keep-alive and gzip come with requests; we add a
client-side rate limiter (Decidim allows 100 requests a minute per IP by default), retries with
exponential backoff on connection errors, 5xx and 429 (honouring Retry-After; a bare 429 waits
for Rack::Attack's next fixed minute), no redirects
(a login-only organization answers 302 to its sign-in page, which we report, not follow), and
the bearer token of Decidim 0.31 API users, refreshed on 401.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from bridge.decidim.errors import (
    AuthenticationError,
    HTTPStatusError,
    UnreachableError,
    unreachable_reason,
)

if TYPE_CHECKING:
    from requests.sessions import _Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
# `requests.Session.request`'s parameters after the URL, in order (a caller may pass them
# positionally; gql passes keywords).
REQUEST_PARAMETERS = (
    "params",
    "data",
    "headers",
    "cookies",
    "files",
    "auth",
    "timeout",
    "allow_redirects",
    "proxies",
    "hooks",
    "stream",
    "verify",
    "cert",
    "json",
)
CHUNK_BYTES = 64 * 1024


class RateLimiter:
    """At most `limit` requests in any sliding `period` seconds (0 = no limit).

    A sliding window, not a token bucket, because Decidim's Rack::Attack counts requests per
    fixed minute: a small sync may go at full speed, a large one settles at the limit. No
    sliding minute holding more than `limit` requests, no fixed minute does either: under
    Decidim's 100 a minute our 90 never meet a 429 in steady state. A 429 all the same (the
    limit is shared, or lower) makes the limiter slower for the rest of the run.
    """

    def __init__(self, limit: int, period: float = 60.0, clock=time.monotonic, sleep=time.sleep):
        self.limit, self.period = limit, period
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def slow_down(self) -> None:
        """A 429 came although we kept to our limit: the server's is lower, or shared. A fifth
        less from now on (at least one request a period)."""
        with self._lock:
            if self.limit > 0:
                self.limit = max(1, self.limit * 4 // 5)
                log.warning("429 from Decidim: at most %d requests a minute from now", self.limit)

    def wait(self) -> float:
        """Block until a request may go; return the seconds waited."""
        if self.limit <= 0:
            return 0.0
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return waited
                pause = self.period - (now - self._sent[0])
                self._sleep(pause)
                waited += pause


@dataclass
class Credentials:
    """Decidim >= 0.31 API user: a key and secret made by a system admin."""

    key: str
    secret: str


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    largest: int = 0  # bytes of the largest answer body (bench)


class DecidimSession(requests.Session):
    def __init__(
        self,
        base_url: str,
        *,
        rate_limit: int = 90,
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
        timeout: float = 30.0,
        credentials: Credentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall: Callable[[], float] = time.time,
    ):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.limiter = RateLimiter(rate_limit, sleep=sleep)
        self.max_retries, self.backoff, self.max_backoff = retries, backoff, max_backoff
        self.timeout = timeout
        self.credentials = credentials
        self.counters = Counters()
        self.last_had_nul = False
        self._sleep, self._wall = sleep, wall
        self._token: str | None = None
        self._environment: dict[tuple[Any, ...], _Settings] = {}
        self.headers.update(
            {
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
                "User-Agent": "civic-bridge/0.1 (+https://github.com/civic-bridge)",
            }
        )

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        """The environment's proxies and certificate bundle for `url`, read once per session
        (one run): requests reads them again for every request, walking the whole environment
        twice, which was a twentieth of a no-change sync's CPU."""
        if proxies:  # a caller's own proxies: not ours to remember
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (url, stream, verify, cert)
        if key not in self._environment:
            self._environment[key] = super().merge_environment_settings(
                url, proxies, stream, verify, cert
            )
        return self._environment[key].copy()

    # gql calls this for every query.
    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.update(zip(REQUEST_PARAMETERS, args, strict=False))
        method = method.decode() if isinstance(method, bytes) else method
        url = url.decode() if isinstance(url, bytes) else url
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False
        signing_in = url.endswith("/api/sign_in")
        signing = signing_in or url.endswith("/api/sign_out")
        if self.credentials and self._token is None and not signing:
            self.sign_in()
        attempt, signed_in_again = 0, False
        while True:
            waited = self.limiter.wait()
            if waited:
                log.info("rate limit: waited %.1fs before the next request", waited)
            self.counters.requests += 1
            if self._token and not signing_in:
                kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": self._token}
            try:
                response = self._within_deadline(method, url, kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.max_retries:
                    raise UnreachableError(
                        f"cannot reach {url}: {_short(exc)}", unreachable_reason(exc)
                    ) from exc
                self._pause(attempt, None)
                attempt += 1
                continue
            if response.status_code == 401 and signing_in:
                raise AuthenticationError("Decidim refused the API credentials (HTTP 401)")
            if response.status_code == 401 and self.credentials and not signed_in_again:
                signed_in_again = True
                self.sign_in()
                continue
            if response.status_code == 429:
                # Someone else counts against the same limit (another client behind the same
                # address, a lower limit than ours): go slower for the rest of the run.
                self.limiter.slow_down()
            if response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                retry_after = response.headers.get("Retry-After")
                if response.status_code == 429 and retry_after is None:
                    self._wait_for_next_window()
                    attempt += 1
                    continue
                self._pause(attempt, retry_after)
                attempt += 1
                continue
            _raise_for_status(response)
            return response

    def _within_deadline(self, method: str, url: str, kwargs: dict) -> requests.Response:
        """Send and read the whole body within `timeout` seconds.

        requests' timeout bounds each socket read, not the request: a body trickled a few bytes
        at a time would never time out. So the body is read here, chunk by chunk, against one
        deadline (a stalled read still ends after `timeout`)."""
        deadline = time.monotonic() + self.timeout
        response = super().request(method, url, stream=True, **kwargs)
        chunks = []
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise requests.Timeout(f"no complete answer within {self.timeout:g} s")
        finally:
            response.close()
        response._content = b"".join(chunks)  # what `response.content` returns from now on
        self.counters.largest = max(self.counters.largest, len(response._content))
        # JSON can carry a NUL only escaped: the client cleans the answer only when it has one.
        self.last_had_nul = b"\\u0000" in response._content
        return response

    def _pause(self, attempt: int, retry_after: str | None) -> None:
        self.counters.retries += 1
        delay = _retry_after_seconds(retry_after)
        if delay is None:
            delay = min(self.max_backoff, self.backoff * 2**attempt) * (0.5 + random.random() / 2)
        log.info("retrying in %.1fs (attempt %d)", delay, attempt + 1)
        self._sleep(min(delay, self.max_backoff))

    def _wait_for_next_window(self) -> None:
        """A 429 without Retry-After: Decidim's Rack::Attack (its default answer, "Retry later",
        names no delay) counts per fixed period of epoch time, so nothing passes before the
        period ends; wait until then, and a second more for the clocks' difference."""
        self.counters.retries += 1
        period = self.limiter.period
        delay = period - self._wall() % period + 1.0
        log.info("429 without Retry-After: waiting %.1fs for the throttle's next minute", delay)
        self._sleep(delay)

    def sign_in(self) -> None:
        """POST /api/sign_in with the API user's key and secret; keep the bearer token."""
        assert self.credentials is not None
        self._token = None
        response = self.post(
            f"{self.base_url}/api/sign_in",
            data={
                "api_user[key]": self.credentials.key,
                "api_user[secret]": self.credentials.secret,
            },
        )
        token = response.headers.get("Authorization")
        if not token:
            body = _json_or_none(response) or {}
            token = f"Bearer {body['jwt_token']}" if body.get("jwt_token") else None
        if not token:
            raise AuthenticationError("Decidim accepted the sign-in but returned no token")
        self._token = token if token.lower().startswith("bearer ") else f"Bearer {token}"

    def sign_out(self) -> None:
        if self._token:
            try:
                self.delete(f"{self.base_url}/api/sign_out")
            except Exception:  # noqa: BLE001 - leaving is best effort
                log.debug("sign-out failed", exc_info=True)
            self._token = None


def _raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        if "sign_in" in location:
            raise AuthenticationError(
                f"the organization requires signing in (redirected to {location}); "
                "configure API credentials (Decidim >= 0.31)"
            )
        raise HTTPStatusError(f"unexpected redirect {status} to {location or '?'}", status)
    if status in (401, 403):
        raise AuthenticationError(
            f"HTTP {status}: access denied by Decidim"
            + ("" if status == 403 else "; the instance forces API authentication")
        )
    body = _json_or_none(response)
    detail = ""
    if isinstance(body, dict) and body.get("errors"):
        detail = f": {body['errors'][0].get('message', '')}"
    elif response.text:
        detail = f": {response.text[:120].strip()}"
    raise HTTPStatusError(f"HTTP {status} from {response.url}{detail}", status)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _json_or_none(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "..."
