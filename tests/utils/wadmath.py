"""The vault's fixed-point arithmetic in exact integers, for expected values in tests."""

from synthvault.units import RAY, WAD
from synthvault.units import SECONDS_PER_YEAR as YEAR


def mul_wad_down(x: int, y: int) -> int:
    return x * y // WAD


def mul_wad_up(x: int, y: int) -> int:
    return -(-x * y // WAD)


def div_wad_down(x: int, y: int) -> int:
    return x * WAD // y


def div_wad_up(x: int, y: int) -> int:
    return -(-x * WAD // y)



def grow(index: int, fee_wad: int, elapsed: int) -> int:
    """`RateMath.grow`: the rate index after `elapsed` seconds at a nominal yearly fee compounded
    every second, index × (1 + fee / YEAR)^elapsed: the per-second rate (RAY), every product of
    the binary exponentiation and the result rounded up, as the contract rounds them."""
    if elapsed == 0 or fee_wad == 0:
        return index
    x, z, n = RAY + -(-fee_wad * 10**9 // YEAR), RAY, elapsed
    while True:
        if n & 1:
            z = -(-z * x // RAY)
        n >>= 1
        if n == 0:
            break
        x = -(-x * x // RAY)
    return -(-index * z // RAY)


def cr(collateral_usd: int, debt_usd: int) -> int:
    """`Vault._cr`: collateral / debt in WAD, rounded down; max uint without debt."""
    return 2**256 - 1 if debt_usd == 0 else div_wad_down(collateral_usd, debt_usd)
