"""A liquidation sandwiched by a price update: the keeper quotes at one price and the chain moves
before the liquidation lands. Back up, the position is healthy again and the liquidation reverts
with its CR; further down, it liquidates at the new price (never the quoted one); down past what
the collateral can pay with the penalty, `minOut` keeps the keeper from a liquidation that pays
less than it asked. A position one wei of CR above the liquidation ratio is
healthy to liquidate and to liquidateMany alike. (1 BTC owing 40,000 sUSD, minted at $60,000; the keeper
holds the sUSD; minting ratio 150%, liquidation ratio 120%, penalty 10%, keeper share 50%.)"""

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.liquidation import dues, repay_target, spot_for, spot_usd

pytestmark = pytest.mark.usefixtures("no_fee")  # the debts stay put from block to block

PENALTY, KEEPER_SHARE, MINTING = wad("0.1"), wad("0.5"), wad("1.5")
MIN_DEBT = wad(3_000)  # sUSD's, config/local.yaml
BTC = 10**8


def quote(engine, feeds, owner, position_id):
    """At $47,000 (CR 117.5%) the keeper quotes R = 32,500 and expects R × 1.05 = $34,125."""
    set_price(feeds["BTC"], 47_000, owner)
    repay, whole = engine.repayQuote(position_id)
    assert (repay, whole) == (wad(32_500), False)
    return repay, dues(repay, wad(1), PENALTY, KEEPER_SHARE, False)[1]


def test_sandwich__price_back_up__reverts_as_healthy(engine, feeds, owner, keeper, susd_position):
    repay, expected = quote(engine, feeds, owner, susd_position)
    set_price(feeds["BTC"], 49_000, owner)

    with reverts(engine.LiquidationEngineHealthyPosition, positionId=susd_position, crWad=wad("1.225"),
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(susd_position, repay, expected * 999 // 1000, sender=keeper)


def test_sandwich__price_further_down__liquidates_at_the_new_price(vault, engine, wbtc, feeds, owner, keeper,
                                                                   susd_position):
    repay, expected = quote(engine, feeds, owner, susd_position)
    set_price(feeds["BTC"], 46_000, owner)
    price = wad(46_000)
    # At $46,000 the target would be 35,000 (leaving more than the 3,000 minimum); the keeper's cap
    # of 32,500 holds, paid at $46,000.
    assert repay_target(wad(40_000), wad(40_000), price, wad(1), MINTING, PENALTY, MIN_DEBT) == (wad(35_000), False)
    spot = spot_for(expected, price)

    tx = engine.liquidate(susd_position, repay, expected * 999 // 1000, sender=keeper)

    assert tx.return_value == (repay, spot_usd(spot, price))
    assert wbtc.balanceOf(keeper) == spot
    assert vault.position(susd_position).spotAmount == BTC - spot
    assert vault.position(susd_position).debt == wad(40_000) - repay


def test_sandwich__price_gaps_under_the_penalty__min_out_protects_the_keeper(engine, feeds, owner, keeper,
                                                                             susd_position):
    repay, _ = quote(engine, feeds, owner, susd_position)
    set_price(feeds["BTC"], 41_000, owner)

    # The whole debt is now due: the keeper's quoted repayment is too small...
    with reverts(engine.LiquidationEngineRepayTooSmall, positionId=susd_position, repayAmount=repay,
                 debt=wad(40_000)):
        engine.liquidate(susd_position, repay, 0, sender=keeper)
    # ...and repaying it all buys the whole BTC, $41,000, short of the 40,000 × 1.05 it asked for.
    whole_due = dues(wad(40_000), wad(1), PENALTY, KEEPER_SHARE, False)[1]
    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=wad(41_000), minOutUsdWad=whole_due):
        engine.liquidate(susd_position, MAX_UINT, whole_due, sender=keeper)


def test_liquidate__one_wei_of_cr_above_the_ratio__healthy(vault, lens, engine, feeds, owner, trader, keeper,
                                                         open_position, give):
    # Minted at $80,000; at $60,000 this debt leaves CR 120% + 1 wei (at exactly 120% too:
    # tests/liquidation/test_liquidate.py).
    set_price(feeds["BTC"], 80_000, owner)
    position_id = open_position("sUSD", spot_btc=1)
    vault.mint(position_id, 49_999_999_999_999_999_958_333, sender=trader)
    give(keeper, "sUSD", 49_999_999_999_999_999_958_333)
    set_price(feeds["BTC"], 60_000, owner)
    assert lens.health(position_id)[2] == wad("1.2") + 1

    with reverts(engine.LiquidationEngineHealthyPosition, positionId=position_id, crWad=wad("1.2") + 1,
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)
    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=0, minOutUsdWad=1):
        engine.liquidateMany([position_id], 1, sender=keeper)  # skipped: nothing paid

    assert engine.repayQuote(position_id) == (0, False)
