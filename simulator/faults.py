"""Faults the stand-in can inject, set at start or at run time (`/_simulator/faults`)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, fields


@dataclass
class Faults:
    latency_ms: int = 0  # added to every /api request
    error_rate: float = 0.0  # fraction of /api requests answered HTTP 500
    throttle_every: int = 0  # every Nth /api request answers 429 with Retry-After
    retry_after: int = 1  # seconds announced by those 429 answers
    fail_next: int = 0  # the next N /api requests answer HTTP 500
    html: bool = False  # answer an HTML page instead of JSON
    truncated: bool = False  # cut the JSON body in the middle
    graphql_errors: bool = False  # answer HTTP 200 with a "field doesn't exist" error
    slow_body_ms: int = 0  # trickle the body out over this long
    seed: int = 7
    _rng: random.Random = field(default_factory=lambda: random.Random(7), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set(self, **values) -> None:
        known = {f.name for f in fields(self) if not f.name.startswith("_")}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, type(getattr(self, name))(value))
            if "seed" in values:
                self._rng = random.Random(self.seed)

    def clear(self) -> None:
        self.set(**{f.name: f.default for f in fields(self) if not f.name.startswith("_")})

    def server_error(self, request_number: int) -> bool:
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return True
            return self.error_rate > 0 and self._rng.random() < self.error_rate

    def throttled(self, request_number: int) -> bool:
        return self.throttle_every > 0 and request_number % self.throttle_every == 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
