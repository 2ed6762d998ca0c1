"""The liquidation engine's sizing in exact integers, for expected values in tests (mirrors
`LiquidationEngine._repayTarget` and `_size`: USD and ratios WAD, synth amounts 18 decimals)."""

from synthvault.units import WAD
from tests.utils.wadmath import div_wad_up, mul_wad_down, mul_wad_up

UNIT = 10**12  # one unit of the 6-decimal stablecoin, in WAD


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def repay_target(debt: int, debt_usd: int, collateral_usd: int, price: int, minting_ratio: int, penalty: int,
                 min_debt: int, close_factor: int = WAD) -> tuple[int, bool]:
    """R in synth units, and whether it is the whole debt."""
    if collateral_usd < mul_wad_up(debt_usd, WAD + penalty):
        return debt, True
    repay_usd = ceil_div((mul_wad_up(debt_usd, minting_ratio) - collateral_usd) * WAD, minting_ratio - WAD - penalty)
    repay = min(div_wad_up(repay_usd, price), mul_wad_down(debt, close_factor))
    if repay == 0 or repay >= debt or debt - repay < min_debt:
        return debt, True
    return repay, False


def dues(repay: int, price: int, penalty: int, keeper_share: int, has_account: bool) -> tuple[int, int, int]:
    """The repaid value, the keeper's due and the fund's due, USD WAD."""
    repaid_usd = mul_wad_up(repay, price)
    penalty_usd = mul_wad_down(repaid_usd, penalty)
    bonus = mul_wad_down(penalty_usd, keeper_share)
    return repaid_usd, repaid_usd + bonus, (penalty_usd - bonus) if has_account else 0


def spot_for(usd: int, price: int, decimals: int = 8) -> int:
    """Spot units worth at most `usd` at `price`, rounded down."""
    return usd * 10**decimals // price


def spot_usd(amount: int, price: int, decimals: int = 8) -> int:
    """`amount` spot units valued at `price`, rounded down."""
    return amount * price // 10**decimals


def closed_fraction(size: int, margin: int, entry: int, mark: int, fraction: int, impact: int, taker_fee: int
                    ) -> dict[str, int]:
    """What `Vault.closeFutures(fraction)` does to one position of `size` at `entry` on `margin`
    (no funding), by the exchange's rules: the size reduced (rounded up), the fill with impact,
    the fee, the realised PnL, and the margin and equity (at `mark`) after."""
    from tests.utils.exchange import fee, fill_price, pnl, realized_pnl

    reduce = ceil_div(abs(size) * fraction, WAD) * (1 if size > 0 else -1)
    fill = fill_price(mark, -reduce, impact)
    fee_ = fee(-reduce, fill, taker_fee)
    realized = realized_pnl(reduce, entry, fill)
    margin_after = margin - fee_ + realized
    return {"reduce": reduce, "fill": fill, "fee": fee_, "realized": realized, "margin": margin_after,
            "equity": margin_after + pnl(size - reduce, entry, mark)}


def unaccounted(vault, synth, position_ids) -> int:
    """Σ position debts + bad debt − supply, for the invariant "synth supply = sum of debts +
    accounted bad debt": 0 but for the rounding a redistribution leaves, each debt rounded up and
    the rate index's step rounded up (at most one wei a position + total shares / 1e18)."""
    debts = sum(vault.position(p).debt for p in position_ids)
    return debts + vault.badDebt(synth) - synth.totalSupply()
