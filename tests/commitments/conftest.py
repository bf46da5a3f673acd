import pytest


@pytest.fixture
def bridge_plugins():
    return ["budget", "committees", "commitments"]
