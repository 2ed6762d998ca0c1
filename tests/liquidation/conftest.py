"""Fixtures of the liquidation tests: the vault's position factories (shared with its tests), a
keeper holding synth, fees switched off so that amounts stay whole across blocks, and the books
a failed liquidation must leave as they were."""

from collections.abc import Callable
from typing import Any

import pytest

# The vault's factories, shared rather than copied: funded positions built in one call.
# The liquidation tests wire an engine into their vault; importing the root's vault fixtures here
# registers them again for this folder with a cache of their own (the same deployment, a second
# instance), so the vault the other suites share stays unwired.
from tests.conftest import liquidation_layer, synths, vault, vault_layer  # noqa: F401
from tests.vault.conftest import fund_wbtc, futures_position, open_position, set_params  # noqa: F401


@pytest.fixture
def no_fee(set_params):
    """No stability fee on any synth: set before any debt exists, every rate index stays exactly 1."""
    for symbol in ("sUSD", "sXAU", "sETH", "sSPX", "sRE"):
        set_params(symbol, stabilityFeeWad=0)


@pytest.fixture(scope="session")
def give(synths, trader) -> Callable[..., int]:
    """Moves `amount` (WAD) of `symbol` from `source` (the trader) to `to`, as a keeper buys synth."""

    def give_(to: Any, symbol: str, amount: int, source: Any = None) -> int:
        synths[symbol].transfer(to, amount, sender=source or trader)
        return amount

    return give_


@pytest.fixture(scope="session")
def books(vault, synths, wbtc, usdc, exchange, engine, insurance_fund, trader, trader2, keeper) -> Callable[..., tuple]:
    """Everything a liquidation can move around `position_ids`: the positions (stored state),
    their accounts' margin and sizes, every synth's debt book and supply, and the balances of
    the roles, the vault, the engine and the fund."""

    def read(*position_ids: int) -> tuple:
        positions = []
        for position_id in position_ids:
            p = vault.position(position_id)
            account = (exchange.signedMarginOf(p.accountId), tuple(exchange.positions(p.accountId))) if p.hasAccount else ()
            positions.append((tuple(p)[:-1], account))
        debt_books = tuple((tuple(vault.synthDebt(s))[:3], s.totalSupply(), vault.badDebt(s)) for s in synths.values())
        holders = (trader, trader2, keeper, vault, engine, insurance_fund)
        balances = tuple((wbtc.balanceOf(h), usdc.balanceOf(h), tuple(s.balanceOf(h) for s in synths.values()))
                         for h in holders)
        return tuple(positions), debt_books, balances

    return read
