"""Liquidating positions of spot BTC: the size (back to the minting ratio, or the whole debt), the
keeper's pay in spot at the oracle price, `minOut`, and every refusal: a healthy position (even by
one wei), stale or frozen prices, a repayment too small for a whole-debt liquidation.
(BTC $60,000 at minting, XAU $2,400, USD $1; minting ratio 150%, liquidation ratio 120%,
penalty 10%, keeper share 50%, no stability fee.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.wadmath import div_wad_down

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = 10**8  # one BTC of the 8-decimal spot token


@pytest.fixture
def susd_position(open_position, vault, trader, keeper, give):
    """1 BTC of spot owing 40,000 sUSD (CR 150% at $60,000); the keeper holds all of the sUSD."""
    position_id = open_position("sUSD", spot_btc=1, mint=40_000)
    give(keeper, "sUSD", wad(40_000))
    return position_id


def test_liquidate__spot_position_under_ratio__repays_to_the_minting_ratio(
    vault, lens, engine, synths, wbtc, feeds, owner, keeper, susd_position
):
    set_price(feeds["BTC"], 47_000, owner)
    assert lens.health(susd_position) == (wad(47_000), wad(40_000), wad("1.175"))

    tx = engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    # R = (1.5 × 40,000 − 47,000) / (1.5 − 1.1) = 32,500; the keeper is due R × 1.05 = 34,125,
    # taken in spot at $47,000: 0.72606382 BTC (rounded down), worth $34,124.99954.
    spot = 72_606_382
    assert tx.return_value == (wad(32_500), wad("34124.99954"))
    assert wbtc.balanceOf(keeper) == spot
    assert synths["sUSD"].balanceOf(keeper) == wad(7_500)
    position = vault.position(susd_position)
    assert (position.spotAmount, position.debt) == (BTC - spot, wad(7_500))
    # The fund's cut is paid in stablecoin only: a spot position's owner keeps it.
    assert lens.health(susd_position) == (wad("12875.00046"), wad(7_500), div_wad_down(wad("12875.00046"), wad(7_500)))
    assert logs(tx, engine.Liquidated) == [{
        "positionId": susd_position, "keeper": keeper.address, "repaid": wad(32_500), "repaidUsdWad": wad(32_500),
        "spotToKeeper": spot, "marginToKeeper": 0, "penaltyToFund": 0}]
    assert logs(tx, vault.SpotSeized) == [{"positionId": susd_position, "to": keeper.address, "amount": spot}]
    assert logs(tx, vault.Burned) == [
        {"positionId": susd_position, "from": keeper.address, "amount": wad(32_500), "shares": wad(32_500)}]
    assert synths["sUSD"].totalSupply() == vault.position(susd_position).debt + vault.badDebt(synths["sUSD"])


def test_liquidate__repay_amount_under_the_target__repays_only_that(vault, engine, synths, wbtc, feeds, owner,
                                                                     keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)

    tx = engine.liquidate(susd_position, wad(10_000), 0, sender=keeper)

    # 10,000 × 1.05 = 10,500 of spot at $47,000: 0.22340425 BTC.
    assert tx.return_value == (wad(10_000), wad("10499.99975"))
    assert wbtc.balanceOf(keeper) == 22_340_425
    assert vault.position(susd_position).debt == wad(30_000)


def test_liquidate__close_factor__caps_the_repayment(vault, engine, feeds, owner, keeper, susd_position):
    engine.setCloseFactor(wad("0.5"), sender=owner)
    set_price(feeds["BTC"], 47_000, owner)

    tx = engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    assert tx.return_value.repaid == wad(20_000)
    assert vault.position(susd_position).debt == wad(20_000)


def test_liquidate__rest_under_min_debt__repays_the_whole_debt(vault, engine, synths, wbtc, feeds, owner, keeper,
                                                               susd_position):
    # R = (60,000 − 45,199) / 0.4 = 37,002.5 would leave 2,997.5 sUSD, under the 3,000 minimum:
    # all 40,000.
    set_price(feeds["BTC"], 45_199, owner)
    assert engine.repayQuote(susd_position) == (wad(40_000), True)

    tx = engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    # 42,000 due at $45,199: 0.92922409 BTC.
    assert tx.return_value == (wad(40_000), 92_922_409 * wad(45_199) // BTC)
    assert wbtc.balanceOf(keeper) == 92_922_409
    assert (vault.position(susd_position).debt, vault.position(susd_position).spotAmount) == (0, BTC - 92_922_409)
    assert synths["sUSD"].totalSupply() == 0


def test_liquidate__rest_exactly_the_min_debt__repays_in_part(vault, engine, wbtc, feeds, owner, keeper,
                                                               susd_position):
    # R = (60,000 − 45,200) / 0.4 = 37,000 leaves exactly the 3,000 minimum: a partial liquidation.
    set_price(feeds["BTC"], 45_200, owner)
    assert engine.repayQuote(susd_position) == (wad(37_000), False)

    tx = engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    # 38,850 due at $45,200: 0.85951327 BTC.
    assert tx.return_value == (wad(37_000), 85_951_327 * wad(45_200) // BTC)
    assert wbtc.balanceOf(keeper) == 85_951_327
    assert vault.position(susd_position).debt == wad(3_000)


def test_liquidate__cannot_be_restored__repays_the_whole_debt_and_leaves_the_rest(
    vault, engine, synths, wbtc, feeds, owner, trader, keeper, susd_position
):
    # $43,000 of collateral < 40,000 × 1.1: no partial liquidation can restore the position.
    set_price(feeds["BTC"], 43_000, owner)
    assert engine.repayQuote(susd_position) == (wad(40_000), True)

    tx = engine.liquidate(susd_position, MAX_UINT, wad(41_999), sender=keeper)

    # 42,000 due at $43,000: 0.97674418 BTC, worth $41,999.99974; the owner keeps the rest.
    assert tx.return_value == (wad(40_000), wad("41999.99974"))
    assert wbtc.balanceOf(keeper) == 97_674_418
    assert logs(tx, engine.ShortfallCovered) == []
    vault.close(susd_position, sender=trader)
    assert wbtc.balanceOf(trader) == BTC - 97_674_418


def test_liquidate__whole_debt_needed_but_less_offered__reverts(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 43_000, owner)

    with reverts(engine.LiquidationEngineRepayTooSmall, positionId=susd_position, repayAmount=wad(39_999),
                 debt=wad(40_000)):
        engine.liquidate(susd_position, wad(39_999), 0, sender=keeper)


def test_liquidate__min_out_met_exactly__passes(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)

    tx = engine.liquidate(susd_position, MAX_UINT, wad("34124.99954"), sender=keeper)

    assert tx.return_value.keeperUsdWad == wad("34124.99954")


def test_liquidate__min_out_one_wei_more__reverts(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)

    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=wad("34124.99954"),
                 minOutUsdWad=wad("34124.99954") + 1):
        engine.liquidate(susd_position, MAX_UINT, wad("34124.99954") + 1, sender=keeper)


def test_liquidate__healthy_position__reverts_with_its_cr(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 50_000, owner)

    with reverts(engine.LiquidationEngineHealthyPosition, positionId=susd_position, crWad=wad("1.25"),
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    assert engine.repayQuote(susd_position) == (0, False)


def test_liquidate__exactly_at_the_liquidation_ratio__reverts_one_wei_under__liquidates(
    vault, lens, engine, feeds, owner, trader, keeper, open_position, give
):
    # Minted at $80,000; at $60,000 the first owes exactly CR 120%, the second 1 wei more of debt.
    set_price(feeds["BTC"], 80_000, owner)
    at_ratio = open_position("sUSD", spot_btc=1, mint=50_000)
    under = open_position("sUSD", spot_btc=1)
    vault.mint(under, wad(50_000) + 1, sender=trader)
    give(keeper, "sUSD", wad(100_000) + 1)
    set_price(feeds["BTC"], 60_000, owner)
    assert lens.health(at_ratio)[2] == wad("1.2")
    assert lens.health(under)[2] == wad("1.2") - 1

    with reverts(engine.LiquidationEngineHealthyPosition, positionId=at_ratio, crWad=wad("1.2"),
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(at_ratio, MAX_UINT, 0, sender=keeper)

    tx = engine.liquidate(under, MAX_UINT, 0, sender=keeper)
    assert tx.return_value.repaid > 0
    assert lens.health(under)[2] >= wad("1.5")


def test_liquidate__unknown_position__reverts(engine, keeper):
    with reverts(engine.LiquidationEngineUnknownPosition, positionId=999):
        engine.liquidate(999, MAX_UINT, 0, sender=keeper)


def test_liquidate__zero_repay__reverts(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)
    with reverts(engine.LiquidationEngineZeroAmount):
        engine.liquidate(susd_position, 0, 0, sender=keeper)


def test_liquidate__keeper_without_the_synth__reverts(engine, synths, feeds, owner, keeper, trader2, susd_position):
    set_price(feeds["BTC"], 47_000, owner)

    with reverts(synths["sUSD"].ERC20InsufficientBalance, sender=trader2, balance=0, needed=wad(32_500)):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=trader2)


def test_liquidate__stale_btc_price__reverts(engine, oracle, chain, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)
    updated = feeds["BTC"].latestRoundData()[3]
    set_price(feeds["USD"], 1, owner)
    advance(chain, 3_601)

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC"), updatedAt=updated, heartbeat=3_600):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)


def test_liquidate__stale_synth_price__reverts(engine, oracle, chain, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)
    advance(chain, 86_401)
    set_price(feeds["BTC"], 47_000, owner)

    with reverts(oracle.OracleStalePrice, asset=asset_id("USD"), heartbeat=86_400):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)


def test_liquidate__frozen_btc_price__reverts_until_the_round_is_accepted(engine, oracle, feeds, owner, keeper,
                                                                        susd_position):
    # A 55% fall in one round trips the 50% circuit breaker.
    tx = set_price(feeds["BTC"], 27_000, owner)
    round_id = tx.events.filter(feeds["BTC"].NewRound)[0].roundId

    with reverts(oracle.OracleFrozen, asset=asset_id("BTC"), roundId=round_id, deviationBps=5_500,
                 maxDeviationBps=5_000):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)

    oracle.acceptRound(asset_id("BTC"), round_id, sender=owner)
    assert engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper).return_value.repaid == wad(40_000)
