"""`liquidateMany`: one transaction for many positions, skipping the healthy and the unknown
without reverting, paying the keeper once and the fund once (with each position's penalty in its
history), and refusing as a whole when a price cannot be trusted or the keeper's minimum is not met.
(BTC $60,000 at minting, $52,000 at liquidation; XAU $2,400; penalty 10%, keeper share 50%.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs

pytestmark = pytest.mark.usefixtures("no_fee")


@pytest.fixture
def batch(long_btc, open_position, trader, keeper, give):
    """Two long-BTC positions owing 4.3 sXAU each, a spot position owing 2 sXAU that BTC's fall
    leaves healthy, and an id no position has."""
    first = long_btc(size=1, margin=20_000, mint="4.3")[0]
    second = long_btc(size=1, margin=20_000, mint="4.3")[0]
    healthy = open_position("sXAU", spot_btc=1, mint=2)
    give(keeper, "sXAU", wad(2))
    return first, healthy, 999, second


def test_liquidate_many__mixed_batch__liquidates_the_unhealthy_and_skips_the_rest(
    vault, lens, engine, usdc, insurance_fund, feeds, owner, keeper, batch, books
):
    first, healthy, unknown, second = batch
    set_price(feeds["BTC"], 52_000, owner)
    reserves = insurance_fund.reserves()
    keeper_usdc = usdc.balanceOf(keeper)

    tx = engine.liquidateMany(list(batch), 0, sender=keeper)

    liquidated = logs(tx, engine.Liquidated)
    assert [event["positionId"] for event in liquidated] == [first, second]
    assert logs(tx, engine.LiquidationSkipped) == [
        {"positionId": healthy, "crWad": lens.health(healthy)[2], "liquidationRatioWad": wad("1.2")},
        {"positionId": unknown, "crWad": 0, "liquidationRatioWad": 0},
    ]
    to_keeper = sum(event["marginToKeeper"] for event in liquidated)
    to_fund = sum(event["penaltyToFund"] for event in liquidated)
    assert tx.return_value == (2, to_keeper * 10**12)
    # One payment each: the keeper's stablecoin, and the fund's with each position's share in its history.
    assert usdc.balanceOf(keeper) - keeper_usdc == to_keeper
    assert insurance_fund.reserves() - reserves == to_fund
    assert [(t["to"], t["value"]) for t in logs(tx, usdc.Transfer) if t["from"] == engine.address] == [
        (insurance_fund.address, to_fund), (keeper.address, to_keeper)]
    assert logs(tx, insurance_fund.PenaltyReceived) == [
        {"positionId": first, "amount": liquidated[0]["penaltyToFund"],
         "balanceAfter": reserves + liquidated[0]["penaltyToFund"]},
        {"positionId": second, "amount": liquidated[1]["penaltyToFund"], "balanceAfter": reserves + to_fund},
    ]
    for position_id in (first, second):
        assert lens.health(position_id)[2] > wad("1.49")


def test_liquidate_many__all_healthy__changes_nothing_but_logs(engine, keeper, batch, books):
    before = books(*batch[:2])

    tx = engine.liquidateMany(list(batch), 0, sender=keeper)

    assert tx.return_value == (0, 0)
    assert len(logs(tx, engine.LiquidationSkipped)) == 4
    assert books(*batch[:2]) == before


def test_liquidate_many__min_out_over_the_total__reverts(engine, feeds, owner, keeper, batch, books):
    set_price(feeds["BTC"], 52_000, owner)
    total = engine.liquidateMany.call(list(batch), 0, sender=keeper).keeperUsdWad
    before = books(*batch[:2])

    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=total, minOutUsdWad=total + 1):
        engine.liquidateMany(list(batch), total + 1, sender=keeper)

    assert books(*batch[:2]) == before


def test_liquidate_many__stale_price__reverts(engine, oracle, chain, feeds, owner, keeper, batch, books):
    set_price(feeds["BTC"], 52_000, owner)
    advance(chain, 3_601)
    set_price(feeds["XAU"], 2_400, owner)
    before = books(*batch[:2])

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC")):
        engine.liquidateMany(list(batch), 0, sender=keeper)

    assert books(*batch[:2]) == before


def test_liquidate_many__keeper_short_of_synth__reverts(engine, synths, feeds, owner, keeper, trader, batch, books):
    set_price(feeds["BTC"], 52_000, owner)
    # One sXAU left: the first position alone needs more than 3.
    synths["sXAU"].transfer(trader, synths["sXAU"].balanceOf(keeper) - wad(1), sender=keeper)
    before = books(*batch[:2])

    with reverts(synths["sXAU"].ERC20InsufficientBalance, sender=keeper.address):
        engine.liquidateMany(list(batch), 0, sender=keeper)

    assert books(*batch[:2]) == before


def test_liquidate_many__empty_list__pays_nothing(engine, keeper):
    assert engine.liquidateMany([], 0, sender=keeper).return_value == (0, 0)
