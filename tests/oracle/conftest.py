"""Fixtures of the oracle tests. (The spare mock feeds, `spare_feeds`, are the root's.)"""

import pytest


@pytest.fixture
def btc_feed(feeds):
    """The configured BTC feed: 8 decimals, round 1 answering 60,000 USD, owned by `owner`."""
    return feeds["BTC"]
