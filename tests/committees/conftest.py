"""The committees' tests run with the plugins a deployment enables by default (budget and
committees), so that the budget's references and money reach the committees as in production."""

from __future__ import annotations

import pytest


@pytest.fixture
def bridge_plugins():
    return ["budget", "committees"]
