"""Fixtures of the oracle tests: spare mock feeds of every decimals the tests need."""

from typing import Any

import pytest

# 8 is Chainlink's USD feeds; 0, 6 and 18 are the edges the hub must scale; 19 it must refuse.
SPARE_FEED_DECIMALS = (0, 6, 8, 18, 19)


@pytest.fixture(scope="session")
def spare_feeds(project, owner) -> dict[int, Any]:
    """One `MockAggregator` per decimals, owned by `owner`, with no round yet and registered
    nowhere: a test registers and feeds the one it needs."""
    return {
        decimals: owner.deploy(project.MockAggregator, decimals, f"TEST{decimals} / USD", 0)
        for decimals in SPARE_FEED_DECIMALS
    }


@pytest.fixture
def btc_feed(feeds):
    """The configured BTC feed: 8 decimals, round 1 answering 60,000 USD, owned by `owner`."""
    return feeds["BTC"]
