"""Constants the tests share."""

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
MAX_UINT = 2**256 - 1
YEAR = 365 * 24 * 3600

# `IVault.SynthParams`, field by field.
PARAM_NAMES = (
    "mintingRatioWad", "liquidationRatioWad", "liquidationPenaltyWad", "stabilityFeeWad", "debtCeiling", "minDebt",
)
