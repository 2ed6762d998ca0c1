"""Fixtures of the exchange's tests: market ids by name, funded margin accounts, a funding keeper."""

from collections.abc import Callable
from typing import Any

import pytest

from synthvault.units import scaled


@pytest.fixture(scope="session")
def btc(markets) -> int:
    return markets["BTC-PERP"]


@pytest.fixture(scope="session")
def eth(markets) -> int:
    return markets["ETH-PERP"]


@pytest.fixture(scope="session")
def idx(markets) -> int:
    return markets["IDX-PERP"]


@pytest.fixture(scope="session")
def btc_dated(markets) -> int:
    return markets["BTC-DATED"]


@pytest.fixture(scope="session")
def fund(usdc, exchange) -> Callable[..., int]:
    """Mints `usd` whole stablecoins to `holder` and approves the exchange for them."""

    def _fund(holder: Any, usd: Any) -> int:
        amount = scaled(usd, usdc.decimals())
        usdc.mint(holder, amount, sender=holder)
        usdc.approve(exchange, amount, sender=holder)
        return amount

    return _fund


@pytest.fixture(scope="session")
def open_account(exchange, trader, fund) -> Callable[..., int]:
    """Opens an account for `owner` with `margin` whole stablecoins deposited; returns its id."""

    def _open(owner: Any = trader, margin: Any = 10_000) -> int:
        amount = fund(owner, margin)
        tx = exchange.openAccount(sender=owner)
        account_id = tx.events.filter(exchange.AccountOpened)[0].accountId
        if amount:
            exchange.depositMargin(account_id, amount, sender=owner)
        return account_id

    return _open


@pytest.fixture
def funding_keeper(exchange, owner, keeper):
    """`keeper`, allowed to set funding rates (for one test: the permission must not leak)."""
    exchange.setFundingKeeper(keeper, True, sender=owner)
    return keeper
