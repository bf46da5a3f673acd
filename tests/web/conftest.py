"""Signed-in test clients for the admin pages: the test kit's, beside an instance "ivry"."""

from __future__ import annotations

import pytest

from bridge.store.models import Instance
from bridge.testing import csrf_of
from bridge.timeutil import utcnow

__all__ = ["csrf_of"]


@pytest.fixture
def client_for(client_for, sessions):
    """`client_for(role)` of `bridge.testing`, with an instance "ivry" the pages can show."""
    with sessions() as session:
        now = utcnow()
        session.add(
            Instance(
                name="ivry",
                base_url="http://127.0.0.1:9",
                created_at=now,
                updated_at=now,
                rate_limit_per_minute=0,
            )
        )
        session.commit()
    return client_for
