"""When the collateral cannot cover the repaid value: the insurance fund pays the keeper the
difference, and what the fund cannot pay is shared by the synth's other positions through its
rate index (or, with none left, recorded as bad debt), so that the synth's supply stays accounted:
supply = Σ debts + bad debt, before and after. (A 60% gap in one round trips BTC's 50% circuit
breaker: liquidations wait until the owner accepts the round. Fund seeded with 50,000 USDC.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.exchange import UNIT, fee, fill_price, params_of
from tests.utils.liquidation import WAD, closed_fraction, unaccounted
from tests.utils.wadmath import div_wad_down, mul_wad_up

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = 10**8
USDC = 10**6


def gap_crash(oracle, feeds, owner, price: int) -> None:
    """BTC falls to `price` in one round; the owner accepts the round the breaker froze."""
    tx = set_price(feeds["BTC"], price, owner)
    round_id = tx.events.filter(feeds["BTC"].NewRound)[0].roundId
    oracle.acceptRound(asset_id("BTC"), round_id, sender=owner)


def test_liquidate__gap_crash__insurance_fund_pays_the_shortfall(vault, engine, exchange, markets, oracle, synths,
                                                                  usdc, wbtc, insurance_fund, feeds, owner, keeper,
                                                                  futures_position, give):
    # Long 0.5 BTC on 20,000 USDC beside 0.1 BTC of spot, owing 5 sXAU ($12,000).
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size="0.5", spot_btc="0.1", mint=5)
    give(keeper, "sXAU", wad(5))
    sxau = synths["sXAU"]
    assert unaccounted(vault, sxau, [position_id]) == 0

    tx = set_price(feeds["BTC"], 24_000, owner)  # -60% in one round
    with reverts(oracle.OracleFrozen, asset=asset_id("BTC"), deviationBps=6_000):
        engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)
    oracle.acceptRound(asset_id("BTC"), tx.events.filter(feeds["BTC"].NewRound)[0].roundId, sender=owner)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # $2,400 of spot and the account, closed whole at $24,000 with impact: 1,977.955622 USDC.
    params = params_of(exchange, markets["BTC-PERP"])
    entry = fill_price(wad(60_000), wad("0.5"), params.impactWad)
    margin = wad(20_000) - fee(wad("0.5"), entry, params.takerFeeWad)
    close = closed_fraction(wad("0.5"), margin, entry, wad(24_000), WAD, params.impactWad, params.takerFeeWad)
    assert close["margin"] == wad("1977.955622")
    shortfall = wad(12_000) - wad(2_400) - close["margin"]
    assert logs(tx, engine.ShortfallCovered) == [
        {"positionId": position_id, "shortfallUsdWad": shortfall, "paid": shortfall // UNIT, "writtenOff": 0}]
    # Then the keeper's least bonus, min($150, 5% of $12,000): the cover (whole units here) left
    # it nothing over the repaid value, so the fund adds all $150.
    assert shortfall % UNIT == 0
    tip = 150 * USDC
    assert logs(tx, engine.KeeperBonusTopped) == [
        {"positionId": position_id, "earnedUsdWad": 0, "requested": tip, "paid": tip}]
    assert logs(tx, insurance_fund.ShortfallPaid) == [
        {"positionId": position_id, "to": keeper.address, "requested": shortfall // UNIT, "paid": shortfall // UNIT,
         "balanceAfter": 50_000 * USDC - shortfall // UNIT},
        {"positionId": position_id, "to": keeper.address, "requested": tip, "paid": tip,
         "balanceAfter": 50_000 * USDC - shortfall // UNIT - tip}]
    # The keeper is made whole, $12,000 for the 5 sXAU it burned, plus its least bonus.
    assert tx.return_value == (wad(5), wad(12_150))
    assert wbtc.balanceOf(keeper) == BTC // 10
    assert usdc.balanceOf(keeper) == 12_150 * USDC - 2_400 * USDC
    assert insurance_fund.reserves() == 50_000 * USDC - shortfall // UNIT - tip
    assert vault.position(position_id).debt == 0
    assert exchange.positions(account_id) == []
    assert sxau.totalSupply() == 0
    assert unaccounted(vault, sxau, [position_id]) == 0


@pytest.fixture
def three_susd(vault, open_position, trader, trader2, keeper, give):
    """X: 4 BTC owing 160,000 sUSD (the trader's); Y: 1 BTC owing 20,000 and Z: 1 BTC owing
    10,000 (trader2's). The keeper holds X's 160,000 sUSD."""
    x = open_position("sUSD", spot_btc=4, mint=160_000)
    y = open_position("sUSD", spot_btc=1, mint=20_000, owner=trader2)
    z = open_position("sUSD", spot_btc=1, mint=10_000, owner=trader2)
    give(keeper, "sUSD", wad(160_000))
    return x, y, z


def test_liquidate__shortfall_beyond_the_fund__redistributed_to_the_other_positions(
    vault, engine, oracle, synths, usdc, wbtc, insurance_fund, feeds, owner, keeper, three_susd
):
    x, y, z = three_susd
    susd = synths["sUSD"]
    assert unaccounted(vault, susd, three_susd) == 0
    gap_crash(oracle, feeds, owner, 24_000)

    tx = engine.liquidate(x, MAX_UINT, 0, sender=keeper)

    # 4 BTC = $96,000 against 160,000: the fund pays all it has, 50,000; the keeper, paid
    # $146,000, burns 146,000 sUSD and keeps 14,000; X's other 14,000 of debt is written off.
    assert wbtc.balanceOf(keeper) == 4 * BTC
    assert usdc.balanceOf(keeper) == 50_000 * USDC
    assert insurance_fund.reserves() == 0
    assert tx.return_value == (wad(146_000), wad(146_000))
    assert susd.balanceOf(keeper) == wad(14_000)
    assert logs(tx, engine.ShortfallCovered) == [
        {"positionId": x, "shortfallUsdWad": wad(64_000), "paid": 50_000 * USDC, "writtenOff": wad(14_000)}]
    # Y and Z owe it in proportion to their debt (2 : 1): the index steps by 14,000 / 30,000, up.
    index = WAD + -(-wad(14_000) * WAD // wad(30_000))
    assert index == 1_466_666_666_666_666_667
    assert logs(tx, vault.DebtRedistributed) == [
        {"synth": susd.address, "positionId": x, "debt": wad(14_000), "rateIndexWad": index}]
    assert vault.synthDebt(susd).rateIndexWad == index
    assert vault.position(y).debt == wad("29333.33333333333334")
    assert vault.position(z).debt == wad("14666.66666666666667")
    assert vault.position(x).debt == 0
    # Still accounted: 44,000 in circulation against 44,000.00000000000001 owed (the index's
    # rounding, at most total shares / 1e18 = 30,000 wei, which the fee recipient may collect).
    assert susd.totalSupply() == wad(44_000)
    assert unaccounted(vault, susd, three_susd) == 10_000
    assert vault.badDebt(susd) == 0
    # Y now owes more than its collateral: the next liquidation in the cascade.
    assert engine.repayQuote(y) == (vault.position(y).debt, True)


def test_liquidate__shortfall_with_no_other_debt__recorded_as_bad_debt(vault, engine, oracle, synths, usdc,
                                                                        insurance_fund, feeds, owner, keeper,
                                                                        open_position, give):
    # 10 BTC owing 1,000 sRE ($350,000), the only sRE debt there is.
    position_id = open_position("sRE", spot_btc=10, mint=1_000)
    give(keeper, "sRE", wad(1_000))
    sre = synths["sRE"]
    gap_crash(oracle, feeds, owner, 24_000)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # $240,000 of spot + the fund's 50,000 = $290,000: 828.571428571428571429 sRE burned (rounded up).
    burned = -(-wad(290_000) * WAD // wad(350))
    assert tx.return_value.repaid == burned == wad("828.571428571428571429")
    assert logs(tx, vault.BadDebtRecorded) == [
        {"synth": sre.address, "positionId": position_id, "debt": wad(1_000) - burned, "badDebt": wad(1_000) - burned}]
    assert vault.badDebt(sre) == wad(1_000) - burned
    assert sre.totalSupply() == wad(1_000) - burned == sre.balanceOf(keeper)
    assert unaccounted(vault, sre, [position_id]) == 0
    assert vault.uncollectedFees(sre) == 0


def test_liquidate__empty_fund__keeper_burns_what_the_collateral_paid(vault, engine, oracle, synths,
                                                                       insurance_fund, feeds, owner, trader2, keeper,
                                                                       three_susd, give):
    x, y, z = three_susd
    gap_crash(oracle, feeds, owner, 24_000)
    engine.liquidate(x, MAX_UINT, 0, sender=keeper)  # empties the fund
    assert insurance_fund.reserves() == 0
    # Y: 1 BTC = $24,000 against 29,333.33...: nothing left in the fund.
    give(keeper, "sUSD", wad(20_000), source=trader2)
    debt, shares = vault.position(y).debt, vault.position(y).debtShares
    index = vault.synthDebt(synths["sUSD"]).rateIndexWad

    tx = engine.liquidate(y, MAX_UINT, 0, sender=keeper)

    # The keeper burns only the 24,000 its BTC paid; the debt left (its shares rounded against
    # the position) is written off and falls on Z alone.
    assert tx.return_value == (wad(24_000), wad(24_000))
    left = mul_wad_up(shares - div_wad_down(wad(24_000), index), index)
    assert left == debt - wad(24_000) + 1
    assert logs(tx, engine.ShortfallCovered) == [
        {"positionId": y, "shortfallUsdWad": debt - wad(24_000), "paid": 0, "writtenOff": left}]
    assert vault.position(y).debt == 0
    assert 0 <= unaccounted(vault, synths["sUSD"], [x, y, z]) <= 3 + 30_000


def test_liquidate__bad_debt_with_uncollected_fee__supply_and_fees_match_the_bad_debt(
    vault, engine, oracle, synths, chain, feeds, owner, keeper, open_position, give, set_params
):
    # 10 BTC owing 1,000 sRE at a 50% yearly fee, a month of it accrued and not collected.
    set_params("sRE", stabilityFeeWad=wad("0.5"))
    position_id = open_position("sRE", spot_btc=10, mint=1_000)
    give(keeper, "sRE", wad(1_000))
    chain.mine(timestamp=chain.pending_timestamp + 30 * 86_400)
    set_price(feeds["RE"], 350, owner)
    gap_crash(oracle, feeds, owner, 24_000)
    sre = synths["sRE"]
    fee = vault.uncollectedFees(sre)
    assert fee > 0

    engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # The position's fee is written off with its debt: bad debt counts it, and it stays
    # collectable, as synth no position owes.
    assert vault.position(position_id).debt == 0 and vault.badDebt(sre) > 0
    assert sre.totalSupply() + vault.uncollectedFees(sre) == vault.badDebt(sre)
    vault.accrue(sre, sender=keeper)
    assert sre.totalSupply() == vault.badDebt(sre)
