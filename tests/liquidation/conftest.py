"""Fixtures of the liquidation tests: a vault of their own wired to the liquidation engine, the
insurance fund and the global settlement (as `deploy_system` wires them), the vault's position
factories (shared with its tests), a keeper holding synth, fees switched off so that amounts stay whole across blocks,
and the books a batch must leave as they were for the positions it passes over.

The vault here is not the one the other suites share: session fixtures outlive the test that
first asks for them, and wiring an engine into the shared vault would change what the vault's own
tests see (`liquidationEngine()`, the synths' roles). The root's vault and liquidation fixtures,
assigned below, register again for this folder, with a cache of their own: the same deployment, a
second instance. (The vault's factories are assigned the same way, so they build on this vault.)"""

from collections.abc import Callable
from typing import Any

import pytest

from synthvault.units import wad
from tests import conftest as _root
from tests.utils.books import books_of
from tests.utils.exchange import fee, fill_price, params_of
from tests.vault import conftest as _vault

# Registered again here (assigned, not imported: fixture parameters then shadow no import).
vault_layer, vault, lens, synths = _root.vault_layer, _root.vault, _root.lens, _root.synths
liquidation_layer, engine, insurance_fund, settlement, stability_pools = (
    _root.liquidation_layer, _root.engine, _root.insurance_fund, _root.settlement, _root.stability_pools)
fund_wbtc, open_position, futures_position, set_params, no_shock = (
    _vault.fund_wbtc, _vault.open_position, _vault.futures_position, _vault.set_params, _vault.no_shock)


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
    """Everything a liquidation can move around `position_ids` (`tests/utils/books.py`): the
    positions and their accounts, every synth's debt book and supply, and the balances of the
    roles, the vault, the engine and the fund."""
    holders = (trader, trader2, keeper, vault, engine, insurance_fund)
    return books_of(vault, synths.values(), (wbtc, usdc), holders, exchange)


@pytest.fixture(scope="session")
def long_btc(vault, exchange, markets, futures_position, keeper, give):
    """A position owing sXAU whose collateral is a long BTC perpetual of `size` on `margin`
    USDC, opened at $60,000 with impact; the keeper holds the sXAU. Returns the ids, the entry
    price and the margin after the opening fee."""

    def build(size: Any, margin: int, mint: Any, spot_btc: Any = 0) -> tuple[int, int, int, int]:
        position_id, account_id = futures_position("sXAU", margin=margin, btc_size=size, spot_btc=spot_btc, mint=mint)
        give(keeper, "sXAU", wad(mint))
        params = params_of(exchange, markets["BTC-PERP"])
        entry = fill_price(wad(60_000), wad(size), params.impactWad)
        assert exchange.position(account_id, markets["BTC-PERP"]) == (wad(size), entry)
        assert exchange.signedMarginOf(account_id) == wad(margin) - fee(wad(size), entry, params.takerFeeWad)
        return position_id, account_id, entry, exchange.signedMarginOf(account_id)

    return build
