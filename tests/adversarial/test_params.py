"""Parameters set to nonsense, beyond what the vault's and the engine's own suites try: every
refused `setSynthParams` set is refused by `listSynth` too (nothing listed), a minting ratio under
100%, every field at `type(uint256).max`, and the engine's settings at the maximum. Each names the
rule it breaks and its numbers; nothing is set."""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.constants import MAX_UINT, PARAM_NAMES, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.vault.test_params import INVALID, LAUNCH

MORE_INVALID = {
    "minting ratio under 100%": (
        {"mintingRatioWad": wad("0.5")}, "VaultInvalidMintingRatio",
        {"mintingRatioWad": wad("0.5"), "liquidationRatioWad": wad("1.2"), "maxWad": wad(10)},
    ),
    "every field max": (
        dict.fromkeys(PARAM_NAMES, MAX_UINT), "VaultInvalidLiquidationPenalty",
        {"liquidationPenaltyWad": MAX_UINT, "maxWad": wad("0.5")},
    ),
    "ratios max, penalty zero": (
        {"mintingRatioWad": MAX_UINT, "liquidationRatioWad": MAX_UINT, "liquidationPenaltyWad": 0},
        "VaultInvalidMintingRatio", {"mintingRatioWad": MAX_UINT, "liquidationRatioWad": MAX_UINT},
    ),
}
ALL_INVALID = INVALID | MORE_INVALID


@pytest.fixture(scope="module")
def unlisted(project, owner, vault, synths, engine):
    return owner.deploy(project.SyntheticToken, "Synthvault Silver", "sXAG", asset_id("XAG"), owner)


def _params(changes: dict) -> tuple:
    return tuple((dict(zip(PARAM_NAMES, LAUNCH, strict=True)) | changes).values())


@pytest.mark.parametrize("changes, error, inputs", ALL_INVALID.values(), ids=ALL_INVALID.keys())
def test_list_synth__nonsense__reverts_and_lists_nothing(vault, owner, unlisted, changes, error, inputs):
    with reverts(getattr(vault, error), **inputs):
        vault.listSynth(unlisted, _params(changes), sender=owner)

    with reverts(vault.VaultUnknownSynth, synth=unlisted):
        vault.synthParams(unlisted)


def test_list_synth__zero_address__reverts(vault, owner):
    with reverts(vault.VaultZeroAddress):
        vault.listSynth(ZERO_ADDRESS, LAUNCH, sender=owner)


@pytest.mark.parametrize("changes, error, inputs", MORE_INVALID.values(), ids=MORE_INVALID.keys())
def test_set_synth_params__more_nonsense__reverts(vault, synths, owner, changes, error, inputs):
    with reverts(getattr(vault, error), **inputs):
        vault.setSynthParams(synths["sXAU"], _params(changes), sender=owner)


@pytest.mark.parametrize("setter, error, field", [
    ("setKeeperShare", "LiquidationEngineInvalidKeeperShare", "keeperShareWad"),
    ("setCloseFactor", "LiquidationEngineInvalidCloseFactor", "closeFactorWad"),
])
def test_engine_settings__max_uint__reverts(engine, owner, setter, error, field):
    with reverts(getattr(engine, error), **{field: MAX_UINT, "maxWad": wad(1)}):
        getattr(engine, setter)(MAX_UINT, sender=owner)
