"""The engine's owner settings (keeper share, close factor) and its construction: every
refusal with its numbers."""

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs


def test_deploy__configured__wired_to_vault_and_fund(engine, vault, insurance_fund, usdc, synths, config):
    assert engine.vault() == vault.address
    assert engine.fund() == insurance_fund.address
    assert engine.marginToken() == usdc.address
    assert engine.keeperShareWad() == wad("0.5") and engine.closeFactorWad() == wad(1)
    assert vault.liquidationEngine() == engine.address
    assert insurance_fund.engine() == engine.address
    assert insurance_fund.reserves() == config["liquidation"]["insurance_fund_deposit_usd"] * 10**6
    for synth in synths.values():
        # Only redemptions burn outside the vault: the engine repays through `Vault.repayFor`.
        assert not synth.hasRole(synth.BURNER_ROLE(), engine)


@pytest.mark.parametrize("setter, field, value", [
    ("setKeeperShare", "keeperShareWad", wad("0.3")),
    ("setCloseFactor", "closeFactorWad", wad("0.5")),
])
def test_set__owner__changes_and_emits(engine, owner, setter, field, value):
    tx = getattr(engine, setter)(value, sender=owner)

    assert getattr(engine, field)() == value
    assert [dict(log.event_arguments) for log in tx.events] == [{field: value}]


def test_set_keeper_share__whole_penalty__allowed_over__reverts(engine, owner):
    engine.setKeeperShare(wad(1), sender=owner)
    assert engine.keeperShareWad() == wad(1)
    with reverts(engine.LiquidationEngineInvalidKeeperShare, keeperShareWad=wad(1) + 1, maxWad=wad(1)):
        engine.setKeeperShare(wad(1) + 1, sender=owner)


@pytest.mark.parametrize("value", [0, wad(1) + 1])
def test_set_close_factor__zero_or_over_one__reverts(engine, owner, value):
    with reverts(engine.LiquidationEngineInvalidCloseFactor, closeFactorWad=value, maxWad=wad(1)):
        engine.setCloseFactor(value, sender=owner)


def test_set__unchanged__reverts(engine, owner):
    with reverts(engine.LiquidationEngineAlreadySet):
        engine.setKeeperShare(wad("0.5"), sender=owner)
    with reverts(engine.LiquidationEngineAlreadySet):
        engine.setCloseFactor(wad(1), sender=owner)


@pytest.mark.parametrize("setter", ["setKeeperShare", "setCloseFactor"])
def test_owner_functions__not_owner__revert(engine, attacker, setter):
    with reverts(engine.OwnableUnauthorizedAccount, account=attacker):
        getattr(engine, setter)(wad("0.1"), sender=attacker)


def test_constructor__bad_arguments__revert(project, owner, feeder, vault, insurance_fund, wbtc):
    # From an account no other test deploys from (see tests/vault/test_params.py: Ape caches types by address).
    engine_type = project.LiquidationEngine
    with reverts(engine_type.LiquidationEngineZeroAddress):
        feeder.deploy(engine_type, owner, ZERO_ADDRESS, insurance_fund, 0, wad(1))
    with reverts(engine_type.LiquidationEngineZeroAddress):
        feeder.deploy(engine_type, owner, vault, ZERO_ADDRESS, 0, wad(1))
    btc_fund = owner.deploy(project.InsuranceFund, wbtc, owner)
    with reverts(engine_type.LiquidationEngineFundAssetMismatch, fundAsset=wbtc.address):
        feeder.deploy(engine_type, owner, vault, btc_fund, 0, wad(1))
    with reverts(engine_type.LiquidationEngineInvalidKeeperShare, keeperShareWad=wad(2)):
        feeder.deploy(engine_type, owner, vault, insurance_fund, wad(2), wad(1))
    with reverts(engine_type.LiquidationEngineInvalidCloseFactor, closeFactorWad=0):
        feeder.deploy(engine_type, owner, vault, insurance_fund, 0, 0)


def test_keeper_share__whole_penalty__fund_gets_nothing(engine, owner, feeds, keeper, long_btc, insurance_fund, no_fee):
    engine.setKeeperShare(wad(1), sender=owner)
    position_id = long_btc(size=1, margin=20_000, mint="4.3")[0]
    set_price(feeds["BTC"], 52_000, owner)
    reserves = insurance_fund.reserves()

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    assert logs(tx, engine.Liquidated)[0]["penaltyToFund"] == 0
    assert insurance_fund.reserves() == reserves
    assert logs(tx, insurance_fund.PenaltyReceived) == []
