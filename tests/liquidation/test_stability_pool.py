"""Liquidating through a synth's stability pool (issue 16): depositors' sUSD repays the debt, so a
keeper holding no synth liquidates and is paid its gas compensation; the depositors share the
seized collateral pro rata and withdraw it; a pool short of the repayment burns what it holds and
the keeper repays the rest, the two sharing the collateral by what each repaid; a depositor who
joins after the crash gets no more than its pro-rata share.
(BTC $60,000 at minting, USD $1; minting ratio 150%, liquidation ratio 120%, penalty 10%, keeper
share 50%, gas compensation $150 (`config/local.yaml`), no stability fee.)"""

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.liquidation import dues, repay_target, spot_for, spot_usd

pytestmark = pytest.mark.usefixtures("no_fee")

P_PRECISION = 10**36
GAS_COMPENSATION = wad(150)


@pytest.fixture
def susd_pool(stability_pools):
    return stability_pools["sUSD"]


@pytest.fixture
def deposit(susd_pool, synths):
    """`who` deposits `amount` whole sUSD into the pool."""

    def deposit_(who, amount) -> None:
        synths["sUSD"].approve(susd_pool, wad(amount), sender=who)
        susd_pool.deposit(wad(amount), sender=who)

    return deposit_


@pytest.fixture
def crashed(open_position, feeds, owner, trader2):
    """trader2 holds 60,000 sUSD (2 BTC behind it, healthy after the crash); the trader's 1 BTC
    owes 40,000 sUSD (the trader keeps it). Returns a function that crashes BTC to $47,000 and
    returns the trader's position id."""
    open_position("sUSD", spot_btc=2, mint=60_000, owner=trader2)
    position_id = open_position("sUSD", spot_btc=1, mint=40_000)

    def crash() -> int:
        set_price(feeds["BTC"], 47_000, owner)
        return position_id

    return crash


def expected_pool_liquidation(price_btc: int = wad(47_000), pool_repaid: int | None = None) -> dict[str, int]:
    """The engine's rule for the 1 BTC / 40,000 sUSD position at `price_btc`, from the sizing mirror:
    R, the spot seized for the repayers, the keeper's spot (its compensation, then its share of
    the rest by what it repaid when the pool repaid only `pool_repaid`, rounded down) and the
    pool's spot."""
    collateral = spot_usd(10**8, price_btc)
    repay, whole = repay_target(wad(40_000), wad(40_000), collateral, wad(1), wad("1.5"), wad("0.1"), wad(3_000))
    assert not whole
    repaid_usd, keeper_due, _ = dues(repay, wad(1), wad("0.1"), wad("0.5"), False)
    seized = spot_for(keeper_due, price_btc)
    compensation = min(GAS_COMPENSATION, spot_usd(seized, price_btc) - repaid_usd)
    keeper_spot = spot_for(compensation, price_btc)
    if pool_repaid is not None and pool_repaid < repay:
        keeper_spot += (seized - keeper_spot) * (repay - pool_repaid) // repay
    return {"repaid": repay, "seized": seized, "keeper_spot": keeper_spot, "pool_spot": seized - keeper_spot}


def share(deposit_wad: int, total_wad: int, gain: int) -> int:
    """A depositor's gain by the pool's rule: gain × P / total (rounded down), times the deposit
    over P (rounded down)."""
    return deposit_wad * (gain * P_PRECISION // total_wad) // P_PRECISION


def test_liquidate__pool_covers_the_repayment__keeper_without_synth_is_paid_its_compensation(
    vault, engine, synths, wbtc, susd_pool, deposit, crashed, trader2, attacker
):
    deposit(trader2, 50_000)
    position_id = crashed()
    assert synths["sUSD"].balanceOf(attacker) == 0

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=attacker)

    # R = (1.5 × 40,000 − 47,000) / 0.4 = 32,500; due 34,125 in spot at $47,000: 72,606,382 sats;
    # of it the keeper gets $150 (319,148 sats, $149.99956), the pool the rest.
    want = expected_pool_liquidation()
    assert (want["repaid"], want["seized"], want["keeper_spot"]) == (wad(32_500), 72_606_382, 319_148)
    assert tx.return_value == (wad(32_500), spot_usd(319_148, wad(47_000)))
    assert wbtc.balanceOf(attacker) == 319_148
    assert wbtc.balanceOf(susd_pool) == want["pool_spot"]
    assert wbtc.balanceOf(engine) == 0
    assert susd_pool.totalDeposits() == wad(50_000 - 32_500)
    assert synths["sUSD"].balanceOf(susd_pool) == wad(17_500)
    assert vault.position(position_id).debt == wad(7_500)
    assert logs(tx, vault.Burned) == [
        {"positionId": position_id, "from": susd_pool.address, "amount": wad(32_500), "shares": wad(32_500)}]
    assert logs(tx, susd_pool.Offset) == [{"burned": wad(32_500), "spotGain": want["pool_spot"], "stableGain": 0,
                                      "pAfter": P_PRECISION * 17_500 // 50_000, "scale": 0, "epoch": 0}]
    # A lone depositor owns every gain (5e22 divides 72,287,234e36 exactly).
    assert susd_pool.depositOf(trader2) == wad(17_500)
    assert susd_pool.gainsOf(trader2) == (want["pool_spot"], 0)


def test_withdraw__after_a_liquidation__each_depositor_takes_its_pro_rata_share(
    engine, synths, wbtc, susd_pool, deposit, crashed, trader, trader2, attacker
):
    deposit(trader2, 30_000)
    deposit(trader, 20_000)
    position_id = crashed()
    engine.liquidate(position_id, MAX_UINT, 0, sender=attacker)
    gain = expected_pool_liquidation()["pool_spot"]
    sats_before = {who: wbtc.balanceOf(who) for who in (trader, trader2)}
    susd_before = {who: synths["sUSD"].balanceOf(who) for who in (trader, trader2)}

    for who in (trader, trader2):
        susd_pool.withdraw(MAX_UINT, sender=who)

    # P = 17,500 / 50,000: each keeps 35% of its deposit and earns its share of the spot.
    for who, deposited in ((trader2, 30_000), (trader, 20_000)):
        assert synths["sUSD"].balanceOf(who) - susd_before[who] == wad(deposited) * 35 // 100
        assert wbtc.balanceOf(who) - sats_before[who] == share(wad(deposited), wad(50_000), gain)
    assert share(wad(30_000), wad(50_000), gain) + share(wad(20_000), wad(50_000), gain) == gain - 1
    assert wbtc.balanceOf(susd_pool) == 1  # the rounding's dust stays in the pool
    assert susd_pool.totalDeposits() == synths["sUSD"].balanceOf(susd_pool) == 0


def test_withdraw__deposit_after_the_crash__gets_no_more_than_its_pro_rata_share(
    engine, synths, wbtc, susd_pool, deposit, crashed, trader, trader2, attacker
):
    deposit(trader2, 30_000)
    position_id = crashed()
    # The sandwich: deposit once the price has moved, withdraw right after the liquidation.
    deposit(trader, 20_000)
    engine.liquidate(position_id, MAX_UINT, 0, sender=attacker)
    sats_before, susd_before = wbtc.balanceOf(trader), synths["sUSD"].balanceOf(trader)

    susd_pool.withdraw(MAX_UINT, sender=trader)

    gain = expected_pool_liquidation()["pool_spot"]
    got_susd = synths["sUSD"].balanceOf(trader) - susd_before
    got_sats = wbtc.balanceOf(trader) - sats_before
    assert (got_susd, got_sats) == (wad(7_000), share(wad(20_000), wad(50_000), gain))
    # At most 2/5 of what the pool held after the liquidation, valued at the oracle.
    pool_value = wad(17_500) + spot_usd(gain, wad(47_000))
    assert (got_susd + spot_usd(got_sats, wad(47_000))) * 5 <= pool_value * 2
    # The depositor who was there before keeps its 3/5.
    assert susd_pool.depositOf(trader2) == wad(10_500)
    assert susd_pool.gainsOf(trader2) == (share(wad(30_000), wad(50_000), gain), 0)


def test_liquidate__pool_covers_part__pool_burns_first_and_the_keeper_repays_the_rest(
    vault, engine, synths, wbtc, susd_pool, deposit, crashed, trader, trader2, keeper, give
):
    # The user story: the pool holds 30,000 sUSD, one keeper 10,000; R is 32,500. The pool burns
    # its 30,000, the keeper only 2,500, and the seized spot is shared by what each repaid, after
    # the keeper's compensation. (Before partial cover the keeper repaid it all and the pool nothing.)
    deposit(trader2, 30_000)
    position_id = crashed()
    give(keeper, "sUSD", wad(10_000), source=trader)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    want = expected_pool_liquidation(pool_repaid=wad(30_000))
    # Of the 72,606,382 sats, $150 (319,148 sats) to the keeper, then of the other 72,287,234 the
    # keeper's 2,500 / 32,500 (5,560,556, rounded down); the pool the rest.
    assert (want["repaid"], want["seized"], want["keeper_spot"]) == (wad(32_500), 72_606_382, 319_148 + 5_560_556)
    assert tx.return_value == (wad(32_500), spot_usd(want["keeper_spot"], wad(47_000)))
    assert wbtc.balanceOf(keeper) == want["keeper_spot"]
    assert wbtc.balanceOf(susd_pool) == want["pool_spot"] == 72_606_382 - 319_148 - 5_560_556
    assert synths["sUSD"].balanceOf(keeper) == wad(7_500)
    assert susd_pool.totalDeposits() == synths["sUSD"].balanceOf(susd_pool) == 0
    assert vault.position(position_id).debt == wad(7_500)
    assert [(e["from"], e["amount"]) for e in logs(tx, vault.Burned)] == [
        (susd_pool.address, wad(30_000)), (keeper.address, wad(2_500))]
    assert logs(tx, susd_pool.Offset) == [{"burned": wad(30_000), "spotGain": want["pool_spot"], "stableGain": 0,
                                      "pAfter": P_PRECISION, "scale": 0, "epoch": 1}]
    # The depositor withdraws its gain: the pool's spot, rounded down by the pool's rule.
    sats_before = wbtc.balanceOf(trader2)
    susd_pool.withdraw(MAX_UINT, sender=trader2)
    assert wbtc.balanceOf(trader2) - sats_before == share(wad(30_000), wad(30_000), want["pool_spot"])


def test_liquidate__pool_covers_part_and_keeper_without_synth__reverts(engine, synths, susd_pool, deposit, crashed,
                                                                        trader2, attacker):
    deposit(trader2, 32_499)
    position_id = crashed()

    # The pool burns its 32,499; the keeper's 1 sUSD is missing.
    with reverts(synths["sUSD"].ERC20InsufficientBalance, sender=attacker, balance=0, needed=wad(1)):
        engine.liquidate(position_id, MAX_UINT, 0, sender=attacker)


def test_liquidate_many__pool_covers_one__keeper_without_synth_is_paid_for_it(
    engine, wbtc, susd_pool, deposit, crashed, trader2, attacker
):
    deposit(trader2, 50_000)
    position_id = crashed()

    tx = engine.liquidateMany([position_id, position_id + 100], 0, sender=attacker)

    assert tx.return_value == (1, spot_usd(319_148, wad(47_000)))
    assert wbtc.balanceOf(attacker) == 319_148
    assert wbtc.balanceOf(susd_pool) == expected_pool_liquidation()["pool_spot"]
    assert [e["positionId"] for e in logs(tx, engine.LiquidationSkipped)] == [position_id + 100]


def test_liquidate__min_out_over_the_compensation__reverts(engine, susd_pool, deposit, crashed, trader2, attacker):
    deposit(trader2, 50_000)
    position_id = crashed()
    paid = spot_usd(319_148, wad(47_000))

    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=paid, minOutUsdWad=paid + 1):
        engine.liquidate(position_id, MAX_UINT, paid + 1, sender=attacker)


def test_set_stability_pool__another_synths_pool__reverts(engine, synths, stability_pools, owner):
    with reverts(engine.LiquidationEngineInvalidStabilityPool, synth=synths["sXAU"].address,
                 pool=stability_pools["sUSD"].address):
        engine.setStabilityPool(synths["sXAU"], stability_pools["sUSD"], sender=owner)


def test_set_stability_pool__same_pool__reverts(engine, synths, stability_pools, owner):
    with reverts(engine.LiquidationEngineAlreadySet):
        engine.setStabilityPool(synths["sUSD"], stability_pools["sUSD"], sender=owner)


def test_set_gas_compensation__over_the_cap__reverts(engine, owner):
    with reverts(engine.LiquidationEngineInvalidGasCompensation, usdWad=wad(1_000) + 1, maxUsdWad=wad(1_000)):
        engine.setGasCompensation(wad(1_000) + 1, sender=owner)


def test_offset__by_anyone_but_the_engine__reverts(susd_pool, attacker):
    with reverts(susd_pool.StabilityPoolNotEngine, caller=attacker.address):
        susd_pool.offset(1, 0, 0, sender=attacker)


def test_withdraw__more_than_the_deposit__reverts(susd_pool, deposit, open_position, trader):
    open_position("sUSD", spot_btc=1, mint=10_000)
    deposit(trader, 5_000)

    with reverts(susd_pool.StabilityPoolInsufficientDeposit, depositor=trader.address, deposit=wad(5_000),
                 amount=wad(5_000) + 1):
        susd_pool.withdraw(wad(5_000) + 1, sender=trader)


def test_liquidate__futures_position_through_the_pool__stablecoin_shared_and_keeper_paid_from_it(
    engine, usdc, feeds, owner, keeper, synths, stability_pools, long_btc
):
    # Regression: the pool's path priced the keeper's spot at the snapshot's spot price, which is 0
    # for a position without spot (a division by zero, so no futures-only position could be
    # liquidated through a pool).
    position_id, *_ = long_btc(size=2, margin=40_000, mint=10)
    xau_pool = stability_pools["sXAU"]
    synths["sXAU"].approve(xau_pool, wad(10), sender=keeper)
    xau_pool.deposit(wad(10), sender=keeper)
    set_price(feeds["BTC"], 54_000, owner)
    stable_before = usdc.balanceOf(keeper)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    [liquidated] = logs(tx, engine.Liquidated)
    [offset] = logs(tx, xau_pool.Offset)
    # What was seized for the repayer (the stablecoin only): the keeper gets min($150, what it
    # exceeds the repaid value), in whole units rounded down; the pool the rest.
    unit = 10**12
    surplus = liquidated["marginToKeeper"] * unit - liquidated["repaidUsdWad"]
    keeper_stable = min(GAS_COMPENSATION, surplus) // unit
    assert usdc.balanceOf(keeper) - stable_before == keeper_stable
    assert offset["stableGain"] == liquidated["marginToKeeper"] - keeper_stable == usdc.balanceOf(xau_pool)
    assert (offset["burned"], offset["spotGain"]) == (liquidated["repaid"], 0)
    assert tx.return_value == (liquidated["repaid"], keeper_stable * unit)
    assert xau_pool.gainsOf(keeper) == (0, offset["stableGain"])
