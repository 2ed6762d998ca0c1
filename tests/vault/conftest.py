"""Factories for the vault's tests: funded traders and positions built in one call."""

from collections.abc import Callable
from typing import Any

import pytest

from synthvault.deploy import shocks
from synthvault.units import asset_id, scaled, wad
from tests.utils.constants import MAX_UINT, PARAM_NAMES


@pytest.fixture(scope="session")
def fund_wbtc(wbtc, vault) -> Callable[..., int]:
    """Mints `amount_btc` spot BTC to `account` and approves the vault for it; returns the
    amount in the token's decimals."""

    def fund(account: Any, amount_btc: Any) -> int:
        amount = scaled(amount_btc, wbtc.decimals())
        wbtc.mint(account, amount, sender=account)
        wbtc.approve(vault, wbtc.allowance(account, vault) + amount, sender=account)
        return amount

    return fund


@pytest.fixture(scope="session")
def open_position(vault, synths, trader, fund_wbtc) -> Callable[..., int]:
    """Opens a position of `owner` owing `synth`, adds `spot_btc` spot BTC and mints `mint`
    whole synth units; returns its id."""

    def open_(synth: str = "sXAU", spot_btc: Any = 0, mint: Any = 0, owner: Any = None) -> int:
        owner = owner or trader
        tx = vault.open(synths[synth], sender=owner)
        position_id = tx.events.filter(vault.PositionOpened)[0].positionId
        if spot_btc:
            vault.addSpot(position_id, fund_wbtc(owner, spot_btc), sender=owner)
        if mint:
            vault.mint(position_id, wad(mint), sender=owner)
        return position_id

    return open_


@pytest.fixture(scope="session")
def set_params(vault, synths, owner) -> Callable[..., Any]:
    """Changes some of a synth's parameters by their `IVault.SynthParams` names, e.g.
    `set_params("sXAU", stabilityFeeWad=0)`; returns the receipt."""

    def set_(symbol: str, **changes: int) -> Any:
        params = dict(zip(PARAM_NAMES, vault.synthParams(synths[symbol]), strict=True)) | changes
        return vault.setSynthParams(synths[symbol], tuple(params.values()), sender=owner)

    return set_


@pytest.fixture
def no_fee(set_params):
    """No stability fee on the synths these tests use, so amounts stay whole across blocks.
    Set before any debt exists, the rate index stays exactly 1."""
    for symbol in ("sXAU", "sUSD"):
        set_params(symbol, stabilityFeeWad=0)


@pytest.fixture
def no_shock(vault, owner, config):
    """The minting check's shocks off (every asset the config gives one), for the tests of rules
    older than it whose positions are more leveraged than a 10% shock lets one mint: as minted
    before the owner set a shock, which it may do at any time."""
    for asset in shocks(config["vault"]):
        vault.setShock(asset_id(asset), 0, sender=owner)


@pytest.fixture(scope="session")
def futures_position(vault, exchange, futures_accounts, markets, open_account, open_position,
                     trader) -> Callable[..., tuple[int, int]]:
    """Opens a margin account of `owner` with `margin` whole USDC, trades `btc_size` BTC
    perpetual on it (negative: short) at any price, locks it into a new position owing `synth`
    with `spot_btc` spot BTC beside it, and mints `mint` whole synth units; returns the
    position and account ids."""

    def build(synth: str, margin: Any = 10_000, btc_size: Any = 0, spot_btc: Any = 0, mint: Any = 0,
              owner: Any = None) -> tuple[int, int]:
        owner = owner or trader
        account_id = open_account(owner, margin)
        if btc_size:
            size = wad(btc_size)
            exchange.trade(account_id, markets["BTC-PERP"], size, MAX_UINT if size > 0 else 0, sender=owner)
        position_id = open_position(synth, spot_btc=spot_btc, owner=owner)
        futures_accounts.approve(vault, account_id, sender=owner)
        vault.lock(position_id, account_id, sender=owner)
        if mint:
            vault.mint(position_id, wad(mint), sender=owner)
        return position_id, account_id

    return build
