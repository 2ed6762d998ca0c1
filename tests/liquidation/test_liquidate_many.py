"""`liquidateMany`: one transaction for many positions, skipping the healthy and the unknown
without reverting, paying the keeper once and the fund once (with each position's penalty in its
history), each liquidation standing alone (one that reverts is undone and reported with
`LiquidationFailed`, the others go through), and refusing as a whole only when the keeper's
minimum is not met. (BTC $60,000 at minting, $52,000 at liquidation; XAU $2,400; penalty 10%,
keeper share 50%.)"""

from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs


def revert_data(error: Any, *args: Any) -> bytes:
    """The revert data of the custom error `error` (e.g. `oracle.OracleStalePrice`) with `args`."""
    types = [item.type for item in error.abi.inputs]
    return keccak(text=error.abi.selector)[:4] + encode(types, list(args))

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


def test_liquidate_many__min_out_over_the_total__reverts(engine, feeds, owner, keeper, batch):
    set_price(feeds["BTC"], 52_000, owner)
    total = engine.liquidateMany.call(list(batch), 0, sender=keeper).keeperUsdWad

    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=total, minOutUsdWad=total + 1):
        engine.liquidateMany(list(batch), total + 1, sender=keeper)


def test_liquidate_many__stale_price__spot_fails_alone_futures_at_the_rule_price(
    vault, engine, exchange, oracle, chain, feeds, owner, keeper, batch
):
    """BTC stale: the spot position needs BTC's price and fails alone; the long-BTC accounts are
    marked at the liquidation rule's 52,000 × 95% = 49,400 and liquidated (changed with issue 12:
    they failed on the stale price before)."""
    set_price(feeds["BTC"], 52_000, owner)
    advance(chain, 3_601)
    set_price(feeds["XAU"], 2_400, owner)
    btc_updated_at = feeds["BTC"].latestRoundData()[3]
    first, healthy, unknown, second = batch
    before = vault.position(healthy)

    tx = engine.liquidateMany(list(batch), 0, sender=keeper)

    stale = revert_data(oracle.OracleStalePrice, asset_id("BTC"), btc_updated_at, 3_600, tx.timestamp)
    assert logs(tx, engine.LiquidationFailed) == [{"positionId": healthy, "reason": stale}]
    assert logs(tx, engine.LiquidationSkipped) == [{"positionId": unknown, "crWad": 0, "liquidationRatioWad": 0}]
    assert [event["positionId"] for event in logs(tx, engine.Liquidated)] == [first, second]
    assert {event.markPriceWad for event in tx.events.filter(exchange.Traded)} == {wad(49_400)}
    assert tx.return_value.liquidated == 2
    after = vault.position(healthy)
    assert (after.spotAmount, after.debtShares) == (before.spotAmount, before.debtShares)


def test_liquidate_many__one_synth_price_stale__liquidates_the_others(
    vault, engine, oracle, chain, usdc, insurance_fund, feeds, owner, keeper, batch, futures_position, give
):
    # An sUSD position beside the sXAU ones; then XAU alone goes stale (its heartbeat is a day).
    first, healthy, unknown, second = batch
    usd_position = futures_position("sUSD", margin=20_000, btc_size=1, mint=10_320)[0]
    give(keeper, "sUSD", wad(10_320))
    set_price(feeds["BTC"], 52_000, owner)
    advance(chain, 86_401)
    set_price(feeds["BTC"], 52_000, owner)
    set_price(feeds["USD"], 1, owner)
    xau_updated_at = feeds["XAU"].latestRoundData()[3]
    alone = engine.liquidate.call(usd_position, MAX_UINT, 0, sender=keeper)
    sxau_positions = [tuple(vault.position(position_id)) for position_id in (first, second)]
    reserves = insurance_fund.reserves()
    keeper_usdc = usdc.balanceOf(keeper)

    tx = engine.liquidateMany([first, usd_position, second], 0, sender=keeper)

    stale = revert_data(oracle.OracleStalePrice, asset_id("XAU"), xau_updated_at, 86_400, tx.timestamp)
    assert logs(tx, engine.LiquidationFailed) == [
        {"positionId": first, "reason": stale}, {"positionId": second, "reason": stale}]
    [liquidated] = logs(tx, engine.Liquidated)
    assert liquidated["positionId"] == usd_position
    assert liquidated["repaid"] == alone.repaid
    assert tx.return_value == (1, alone.keeperUsdWad)
    assert usdc.balanceOf(keeper) - keeper_usdc == liquidated["marginToKeeper"]
    assert insurance_fund.reserves() - reserves == liquidated["penaltyToFund"]
    assert [tuple(vault.position(position_id)) for position_id in (first, second)] == sxau_positions


def test_liquidate_many__keeper_short_of_synth__skips_that_position(
    vault, engine, synths, usdc, insurance_fund, feeds, owner, keeper, trader, batch
):
    first, healthy, unknown, second = batch
    set_price(feeds["BTC"], 52_000, owner)
    sxau = synths["sXAU"]
    # The keeper keeps exactly what the first position takes: none is left for the second.
    first_repay = engine.repayQuote(first).repay
    second_repay = engine.repayQuote(second).repay
    alone = engine.liquidate.call(first, MAX_UINT, 0, sender=keeper)
    sxau.transfer(trader, sxau.balanceOf(keeper) - first_repay, sender=keeper)
    second_before = tuple(vault.position(second))
    reserves = insurance_fund.reserves()
    keeper_usdc = usdc.balanceOf(keeper)

    tx = engine.liquidateMany(list(batch), 0, sender=keeper)

    short = revert_data(sxau.ERC20InsufficientBalance, keeper.address, 0, second_repay)
    assert logs(tx, engine.LiquidationFailed) == [{"positionId": second, "reason": short}]
    [liquidated] = logs(tx, engine.Liquidated)
    assert (liquidated["positionId"], liquidated["repaid"]) == (first, first_repay)
    assert [event["positionId"] for event in logs(tx, engine.LiquidationSkipped)] == [healthy, unknown]
    assert tx.return_value == (1, alone.keeperUsdWad)
    assert sxau.balanceOf(keeper) == 0
    assert usdc.balanceOf(keeper) - keeper_usdc == liquidated["marginToKeeper"]
    assert insurance_fund.reserves() - reserves == liquidated["penaltyToFund"]
    assert logs(tx, insurance_fund.PenaltyReceived) == [
        {"positionId": first, "amount": liquidated["penaltyToFund"],
         "balanceAfter": reserves + liquidated["penaltyToFund"]}]
    assert tuple(vault.position(second)) == second_before


def test_liquidate_in_batch__outside_caller__reverts(engine, keeper, batch):
    with reverts(engine.LiquidationEngineNotSelf, caller=keeper.address):
        engine.liquidateInBatch(batch[0], keeper, ZERO_ADDRESS, 0, sender=keeper)


def test_liquidate_many__empty_list__pays_nothing(engine, keeper):
    assert engine.liquidateMany([], 0, sender=keeper).return_value == (0, 0)
