"""The owner's levers: listing synths, their risk parameters, the fee recipient, the liquidation
engine. Every rejection is checked by its error."""

import pytest

from synthvault.deploy import synth_params
from synthvault.units import asset_id, wad
from tests.utils.constants import PARAM_NAMES
from tests.utils.constants import ZERO_ADDRESS as ZERO
from tests.utils.custom_errors import reverts
from tests.utils.events import logs

MAX_DEBT = 2**96 - 1
LAUNCH = (wad("1.5"), wad("1.2"), wad("0.1"), wad("0.02"), wad(1000), wad(1))


def params_of(vault, synth) -> tuple:
    return tuple(vault.synthParams(synth))


@pytest.fixture(scope="module")
def new_synth(project, owner):
    return owner.deploy(project.SyntheticToken, "Synthvault Silver", "sXAG", asset_id("XAG"), owner)


def test_deploy__configured_synths__listed_with_their_parameters(vault, synths, config, owner):
    assert vault.synths() == [s.address for s in synths.values()]
    for symbol, cfg in config["synths"].items():
        assert params_of(vault, synths[symbol]) == synth_params(config["vault"], cfg)
    assert params_of(vault, synths["sXAU"]) == (
        wad("1.5"), wad("1.2"), wad("0.1"), wad("0.02"), wad(20000), wad("1.25"))
    assert vault.feeRecipient() == owner.address
    assert vault.liquidationEngine() == ZERO
    assert vault.nextPositionId() == 1


def test_constructor__zero_address__reverts(project, owner, feeder, oracle, wbtc):
    # Deployed by an account no other test deploys from: Ape caches contract types by address,
    # and an address reused after a snapshot revert would decode the error with a stale ABI.
    with reverts(project.Vault.VaultZeroAddress):
        feeder.deploy(project.Vault, owner, oracle, ZERO, wbtc, asset_id("BTC"), owner)


def test_list_synth__new_synth__listed_with_events(vault, new_synth, owner):
    tx = vault.listSynth(new_synth, LAUNCH, sender=owner)

    assert vault.synths()[-1] == new_synth.address
    assert params_of(vault, new_synth) == LAUNCH
    rate_index, last_accrual, shares, total_debt = vault.synthDebt(new_synth)
    assert (rate_index, last_accrual, shares, total_debt) == (wad(1), tx.timestamp, 0, 0)
    assert logs(tx, vault.SynthListed) == [{"synth": new_synth.address, "asset": asset_id("XAG")}]
    assert logs(tx, vault.SynthParamsSet) == [
        {"synth": new_synth.address, **dict(zip(PARAM_NAMES, LAUNCH, strict=True))}]


def test_list_synth__already_listed__reverts(vault, synths, owner):
    with reverts(vault.VaultSynthAlreadyListed, synth=synths["sXAU"].address):
        vault.listSynth(synths["sXAU"], LAUNCH, sender=owner)


def test_list_synth__not_owner__reverts(vault, new_synth, attacker):
    with reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        vault.listSynth(new_synth, LAUNCH, sender=attacker)


def test_set_synth_params__valid__stored_with_event(vault, synths, owner):
    params = (wad("2"), wad("1.3"), wad("0.05"), wad("0.1"), wad(500), wad(2))

    tx = vault.setSynthParams(synths["sETH"], params, sender=owner)

    assert params_of(vault, synths["sETH"]) == params
    assert logs(tx, vault.SynthParamsSet) == [
        {"synth": synths["sETH"].address, **dict(zip(PARAM_NAMES, params, strict=True))}]


# Each case changes the launch parameters into nonsense; the error names the numbers.
INVALID = {
    "liquidation ratio equals minting ratio": (
        {"liquidationRatioWad": wad("1.5")}, "VaultInvalidMintingRatio",
        {"mintingRatioWad": wad("1.5"), "liquidationRatioWad": wad("1.5"), "maxWad": wad(10)},
    ),
    "liquidation ratio above minting ratio": (
        {"liquidationRatioWad": wad("1.6")}, "VaultInvalidMintingRatio",
        {"mintingRatioWad": wad("1.5"), "liquidationRatioWad": wad("1.6")},
    ),
    "minting ratio over 1000%": (
        {"mintingRatioWad": wad(10) + 1}, "VaultInvalidMintingRatio", {"mintingRatioWad": wad(10) + 1},
    ),
    "liquidation ratio under 100%": (
        {"liquidationRatioWad": wad("0.9"), "liquidationPenaltyWad": 0}, "VaultInvalidLiquidationRatio",
        {"liquidationRatioWad": wad("0.9"), "minWad": wad(1)},
    ),
    "liquidation ratio cannot pay the penalty": (
        {"liquidationRatioWad": wad("1.05")}, "VaultInvalidLiquidationRatio",
        {"liquidationRatioWad": wad("1.05"), "minWad": wad("1.1")},
    ),
    "penalty over 50%": (
        {"liquidationPenaltyWad": wad("0.5") + 1}, "VaultInvalidLiquidationPenalty",
        {"liquidationPenaltyWad": wad("0.5") + 1, "maxWad": wad("0.5")},
    ),
    "fee over 100% a year": (
        {"stabilityFeeWad": wad(1) + 1}, "VaultInvalidStabilityFee",
        {"stabilityFeeWad": wad(1) + 1, "maxWad": wad(1)},
    ),
    "minimum debt over the ceiling": (
        {"minDebt": wad(1001)}, "VaultInvalidDebtLimits",
        {"minDebt": wad(1001), "debtCeiling": wad(1000), "maxDebt": MAX_DEBT},
    ),
    "ceiling past 96 bits": (
        {"debtCeiling": MAX_DEBT + 1}, "VaultInvalidDebtLimits", {"debtCeiling": MAX_DEBT + 1},
    ),
}


@pytest.mark.parametrize("changes, error, inputs", INVALID.values(), ids=INVALID.keys())
def test_set_synth_params__nonsense__reverts(vault, synths, owner, changes, error, inputs):
    params = dict(zip(PARAM_NAMES, LAUNCH, strict=True)) | changes

    with reverts(getattr(vault, error), **inputs):
        vault.setSynthParams(synths["sXAU"], tuple(params.values()), sender=owner)


def test_set_synth_params__unchanged__reverts(vault, synths, owner):
    with reverts(vault.VaultAlreadySet):
        vault.setSynthParams(synths["sXAU"], params_of(vault, synths["sXAU"]), sender=owner)


def test_set_synth_params__unknown_synth__reverts(vault, new_synth, owner):
    with reverts(vault.VaultUnknownSynth, synth=new_synth.address):
        vault.setSynthParams(new_synth, LAUNCH, sender=owner)


def test_set_synth_params__not_owner__reverts(vault, synths, attacker):
    with reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        vault.setSynthParams(synths["sXAU"], LAUNCH, sender=attacker)


def test_set_synth_params__zero_ceiling__allowed_to_stop_minting(vault, synths, owner):
    params = LAUNCH[:4] + (0, wad(1))

    vault.setSynthParams(synths["sXAU"], params, sender=owner)

    assert params_of(vault, synths["sXAU"]) == params


def test_set_fee_recipient__new__set_with_event(vault, owner, keeper):
    tx = vault.setFeeRecipient(keeper, sender=owner)

    assert vault.feeRecipient() == keeper.address
    assert logs(tx, vault.FeeRecipientSet) == [{"recipient": keeper.address}]


@pytest.mark.parametrize("recipient, error", [(ZERO, "VaultZeroAddress"), ("owner", "VaultAlreadySet")])
def test_set_fee_recipient__zero_or_unchanged__reverts(vault, owner, recipient, error):
    with reverts(getattr(vault, error)):
        vault.setFeeRecipient(owner if recipient == "owner" else recipient, sender=owner)


def test_set_fee_recipient__not_owner__reverts(vault, attacker):
    with reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        vault.setFeeRecipient(attacker, sender=attacker)


# The two addresses the vault trusts with its hooks: the liquidation engine and the global settlement.
TRUSTED = pytest.mark.parametrize("setter, getter, event, argument", [
    ("setLiquidationEngine", "liquidationEngine", "LiquidationEngineSet", "engine"),
    ("setGlobalSettlement", "globalSettlement", "GlobalSettlementSet", "settlement"),
])


@TRUSTED
def test_set_trusted_address__set_then_cleared__events(vault, owner, keeper, setter, getter, event, argument):
    tx = getattr(vault, setter)(keeper, sender=owner)
    assert getattr(vault, getter)() == keeper.address
    assert logs(tx, getattr(vault, event)) == [{argument: keeper.address}]

    tx = getattr(vault, setter)(ZERO, sender=owner)
    assert getattr(vault, getter)() == ZERO
    assert logs(tx, getattr(vault, event)) == [{argument: ZERO}]


@TRUSTED
def test_set_trusted_address__unchanged__reverts(vault, owner, keeper, setter, getter, event, argument):
    with reverts(vault.VaultAlreadySet):
        getattr(vault, setter)(ZERO, sender=owner)
    getattr(vault, setter)(keeper, sender=owner)
    with reverts(vault.VaultAlreadySet):
        getattr(vault, setter)(keeper, sender=owner)


@TRUSTED
def test_set_trusted_address__not_owner__reverts(vault, attacker, setter, getter, event, argument):
    with reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        getattr(vault, setter)(attacker, sender=attacker)
