"""The budget's tests use the test kit (`bridge.testing`); this adds one shorthand over its
`api_for`, shared by the API, paging and overrun tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def api(api_for):
    """`api(method, path, role="editor", ...)`: a call with an API token of that role (the test
    kit's `api_for`), or with none (`role=None`)."""
    clients = {}

    def call(method, path, role="editor", **kwargs):
        if role not in clients:
            clients[role] = api_for(role)
        return clients[role].open(path, method=method, **kwargs)

    return call
