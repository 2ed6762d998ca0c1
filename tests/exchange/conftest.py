"""Fixtures of the exchange's tests: market ids by name, a funding keeper. (Funded margin
accounts, `fund` and `open_account`, are shared with the vault's tests in `tests/conftest.py`.)"""

import pytest

from tests.utils.deployments import stateless


@stateless("module")
def btc(markets) -> int:
    return markets["BTC-PERP"]


@stateless("module")
def eth(markets) -> int:
    return markets["ETH-PERP"]


@stateless("module")
def idx(markets) -> int:
    return markets["IDX-PERP"]


@stateless("module")
def btc_dated(markets) -> int:
    return markets["BTC-DATED"]


@pytest.fixture
def funding_keeper(exchange, owner, keeper):
    """`keeper`, allowed to set funding rates (for one test: the permission must not leak)."""
    exchange.setFundingKeeper(keeper, True, sender=owner)
    return keeper
