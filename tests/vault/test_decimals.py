"""Spot tokens of 6, 8 and 18 decimals: converted to WAD once, at the edge, rounding the
collateral down. (BTC $60,000, XAU $2,400.)"""

import pytest

from synthvault.deploy import deploy_token, deploy_vault
from synthvault.units import scaled, wad
from tests.utils.custom_errors import reverts
from tests.utils.wadmath import div_wad_down


@pytest.fixture(scope="module", params=[6, 8, 18], ids=lambda d: f"{d}-decimals")
def spot_vault(request, project, accounts, owner, oracle, exchange, config):
    """A vault whose spot BTC token has the parametrised decimals, and that token. Deployed by
    an account of its own: Ape caches contract types by address, and addresses another module
    used before a snapshot revert would decode this vault's errors with a stale ABI."""
    decimals, deployer = request.param, accounts[8]
    token = deploy_token(project, deployer, {"name": f"BTC ({decimals} decimals)", "symbol": "XBTC",
                                             "decimals": decimals})
    layer = deploy_vault(project, deployer, oracle, exchange, token, config, exchange_owner=owner)
    # No stability fee: the debts stay whole whatever the tests before left of the index.
    params = list(layer.vault.synthParams(layer.synths["sXAU"]))
    params[3] = 0
    layer.vault.setSynthParams(layer.synths["sXAU"], params, sender=deployer)
    return layer, token


def test_add_spot__any_decimals__valued_exactly(spot_vault, trader):
    layer, token = spot_vault
    vault = layer.vault
    amount = scaled("1.5", token.decimals())
    token.mint(trader, amount, sender=trader)
    token.approve(vault, amount, sender=trader)
    position_id = vault.nextPositionId()
    vault.open(layer.synths["sXAU"], sender=trader)

    vault.addSpot(position_id, amount, sender=trader)
    vault.mint(position_id, wad(25), sender=trader)  # $60,000 against $90,000: CR 1.5

    assert layer.lens.health(position_id) == (wad(90_000), wad(60_000), wad("1.5"))


def test_remove_spot__one_smallest_unit_past_the_ratio__reverts(spot_vault, trader):
    layer, token = spot_vault
    vault, decimals = layer.vault, token.decimals()
    amount = scaled(2, decimals)
    token.mint(trader, amount, sender=trader)
    token.approve(vault, amount, sender=trader)
    position_id = vault.nextPositionId()
    vault.open(layer.synths["sXAU"], sender=trader)
    vault.addSpot(position_id, amount, sender=trader)
    vault.mint(position_id, wad(25), sender=trader)

    vault.removeSpot(position_id, scaled("0.5", decimals), trader, sender=trader)  # exactly 1.5 left
    assert vault.position(position_id).spotAmount == scaled("1.5", decimals)
    assert token.balanceOf(trader) == scaled("0.5", decimals)
    left = scaled("1.5", decimals) - 1
    with reverts(vault.VaultUndercollateralized, positionId=position_id,
                 crWad=div_wad_down(left * 10 ** (18 - decimals) * 60_000, wad(60_000))):
        vault.removeSpot(position_id, 1, trader, sender=trader)
