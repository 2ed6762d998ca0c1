"""The vault's fixed-point arithmetic in exact integers, for expected values in tests."""

from synthvault.units import WAD

YEAR = 365 * 24 * 3600


def mul_wad_down(x: int, y: int) -> int:
    return x * y // WAD


def mul_wad_up(x: int, y: int) -> int:
    return -(-x * y // WAD)


def div_wad_down(x: int, y: int) -> int:
    return x * WAD // y


def div_wad_up(x: int, y: int) -> int:
    return -(-x * WAD // y)


def grow(index: int, fee_wad: int, elapsed: int) -> int:
    """`Vault._grow`: the rate index after `elapsed` seconds at a yearly fee, rounded up."""
    return index + -(-index * fee_wad * elapsed // (WAD * YEAR))


def cr(collateral_usd: int, debt_usd: int) -> int:
    """`Vault._cr`: collateral / debt in WAD, rounded down; max uint without debt."""
    return 2**256 - 1 if debt_usd == 0 else div_wad_down(collateral_usd, debt_usd)
