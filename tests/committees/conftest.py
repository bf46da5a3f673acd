"""The committees' tests run through the test kit's fixtures with the budget enabled beside
them, so that the budget's references and money reach the committees as in production."""

from __future__ import annotations

import pytest


@pytest.fixture
def bridge_plugins():
    return ["budget", "committees"]
