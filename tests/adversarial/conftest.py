"""Fixtures of the adversarial suite: a vault of its own wired to a liquidation engine and an
insurance fund (the root's vault fixtures and the liquidation suite's engine fixtures imported
again, so they register here with a cache of their own: see `tests/liquidation/conftest.py`), the
books read before and after a call that goes through, and a second whole deployment whose spot BTC is
a token with a transfer hook (`HookToken`), for reentrancy.

Neither insurance fund is seeded here: these deployments outlive the suite (session scope), and
stablecoin minted for them would count in every later suite's totals (the exchange's solvency
test checks the stablecoin's whole supply). A test that needs reserves deposits them itself."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from synthvault.deploy import LiquidationLayer, VaultLayer, deploy_liquidation, deploy_vault
from synthvault.units import wad
from tests import conftest as _root
from tests.liquidation import conftest as _liquidation
from tests.utils.books import books_of
from tests.vault import conftest as _vault

# Registered again here (assigned, not imported: fixture parameters then shadow no import).
vault_layer, vault, lens, synths = _root.vault_layer, _root.vault, _root.lens, _root.synths
fund_wbtc, open_position, futures_position, set_params = (
    _vault.fund_wbtc, _vault.open_position, _vault.futures_position, _vault.set_params)
engine, insurance_fund, settlement, give, no_fee = (
    _liquidation.engine, _liquidation.insurance_fund, _liquidation.settlement, _liquidation.give, _liquidation.no_fee)


def unseeded(config: dict) -> dict:
    """The config with no stablecoin minted into the insurance fund at deployment."""
    return config | {"liquidation": config["liquidation"] | {"insurance_fund_deposit_usd": 0}}


@pytest.fixture(scope="session")
def liquidation_layer(project, owner, vault_layer, usdc, config) -> LiquidationLayer:
    return deploy_liquidation(project, owner, vault_layer, usdc, unseeded(config))


@pytest.fixture(scope="session")
def books(vault, synths, wbtc, usdc, exchange, engine, insurance_fund, trader, trader2, keeper,
          attacker) -> Callable[..., tuple]:
    """`books(*position_ids)`: the positions, the debt books of the synths the suite owes (sUSD,
    sXAU), and the wbtc, usdc and synth balances of the roles, the vault, the engine and the fund.
    (Fewer reads than every synth and role: each is a round trip.)"""
    holders = (trader, trader2, keeper, attacker, vault, engine, insurance_fund)
    return books_of(vault, (synths["sUSD"], synths["sXAU"]), (wbtc, usdc), holders, exchange)


@pytest.fixture
def susd_position(open_position, trader, keeper, give, no_fee) -> int:
    """1 BTC of spot owing 40,000 sUSD (CR 150% at $60,000); the keeper holds all of the sUSD."""
    position_id = open_position("sUSD", spot_btc=1, mint=40_000)
    give(keeper, "sUSD", wad(40_000))
    return position_id


@dataclass
class HookSystem:
    """A vault and engine whose spot token calls out on every transfer."""

    token: Any
    vault: VaultLayer
    liquidation: LiquidationLayer
    deployer: Any


@pytest.fixture(scope="session")
def hook_system(project, accounts, owner, oracle, exchange, usdc, config) -> HookSystem:
    """The whole vault layer again over a `HookToken` spot BTC (8 decimals), with its engine and
    fund, no stability fee on sUSD. Deployed by an account of its own, so that its addresses are
    never ones another suite's deployment had before a snapshot revert (Ape caches contract types
    by address)."""
    deployer = accounts[9]
    token = deployer.deploy(project.HookToken, "Hooked BTC (test)", "HBTC", 8)
    layer = deploy_vault(project, deployer, oracle, exchange, token, config, exchange_owner=owner)
    susd = layer.synths["sUSD"]
    params = list(layer.vault.synthParams(susd))
    params[3] = 0
    layer.vault.setSynthParams(susd, params, sender=deployer)
    # The exchange is the shared one (not the deployer's): its owner trusts this vault's adapter
    # as a second mark relay (`deploy_vault`), one exchange serving both vaults.
    engine = deploy_liquidation(project, deployer, layer, usdc, unseeded(config))
    return HookSystem(token, layer, engine, deployer)
