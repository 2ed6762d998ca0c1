"""Liquidating positions that hold a futures account: spot first, then the futures closed on the
exchange in proportion, at the market's real fill price, and the freed margin withdrawn; the
closing costs come off what the keeper receives (a big position gets less for its size); an
account that could not keep its initial margin after a partial close is closed whole.
(BTC $60,000 at minting, XAU $2,400, USD $1; BTC-PERP: 10% initial margin, 5 bps taker fee,
10 bps of impact per $1M; penalty 10%, keeper share 50%, no stability fee, no funding.)"""

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.exchange import UNIT, close_pnl, params_of, pnl
from tests.utils.liquidation import WAD, closed_fraction, dues, repay_target, spot_for, spot_usd
from tests.utils.wadmath import div_wad_up

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = 10**8
XAU = wad(2_400)
MIN_DEBT = wad("1.25")  # sXAU's, config/local.yaml: a partial liquidation leaves at least this


def expected(vault, lens, engine, exchange, markets, position_id, account_id, entry, margin, size, mark):
    """The liquidation the engine should make of a long-BTC position at `mark`, from the
    exchange's arithmetic: the repayment, the fraction closed, the margin seized and its split."""
    params = params_of(exchange, markets["BTC-PERP"])
    health = lens.health(position_id)
    snap = vault.liquidationSnapshot(position_id)
    repay, whole = repay_target(snap.debt, health[1], health[0], XAU, wad("1.5"), wad("0.1"), MIN_DEBT)
    repaid_usd, keeper_due, fund_due = dues(repay, XAU, wad("0.1"), engine.keeperShareWad(), True)
    equity = margin + pnl(size, entry, mark)
    need = keeper_due + fund_due
    fraction = min(WAD, div_wad_up(need, equity))
    close = closed_fraction(size, margin, entry, mark, fraction, params.impactWad, params.takerFeeWad)
    costs = equity - close["equity"]
    taken = min(need - costs, close["margin"]) // UNIT
    to_fund = fund_due * taken * UNIT // need // UNIT
    return {"repay": repay, "whole": whole, "repaid_usd": repaid_usd, "keeper_due": keeper_due, "fund_due": fund_due,
            "equity": equity, "need": need, "fraction": fraction, "close": close, "costs": costs, "taken": taken,
            "to_fund": to_fund, "keeper": taken - to_fund}


def test_liquidate__long_futures__closes_in_proportion_and_pays_from_margin(
    vault, lens, engine, exchange, markets, usdc, insurance_fund, feeds, owner, keeper, long_btc
):
    position_id, account_id, entry, margin = long_btc(size=2, margin=40_000, mint=10)
    set_price(feeds["BTC"], 54_000, owner)
    # 39,939.9928 of margin − 12,014.4 of loss at mark = 27,925.5928 of equity; closing it in one
    # fill at 53,994.168 (0.0108% impact) for 53.994168 of fee: 27,859.934632 against 10 XAU =
    # $24,000, CR 116.1%. The vault counts the close value.
    params = params_of(exchange, markets["BTC-PERP"])
    assert exchange.equity(account_id) == wad("27925.5928")
    assert lens.health(position_id)[0] == margin + close_pnl(wad(2), entry, wad(54_000), params.impactWad,
                                                             params.takerFeeWad) == wad("27859.934632")
    e = expected(vault, lens, engine, exchange, markets, position_id, account_id, entry, margin, wad(2), wad(54_000))
    # ceil(20,350.16342 / 2,400), leaving 1.52 XAU: over the minimum debt, so a partial liquidation.
    assert e["repay"] == 8_479_234_758_333_333_334 and not e["whole"]
    reserves = insurance_fund.reserves()

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    assert logs(tx, vault.FuturesClosed) == [
        {"positionId": position_id, "accountId": account_id, "fractionWad": e["fraction"]}]
    closed = tx.events.filter(exchange.Traded)[0]
    assert (closed.sizeDeltaWad, closed.fillPriceWad, closed.feeWad) == (
        -e["close"]["reduce"], e["close"]["fill"], e["close"]["fee"])
    assert exchange.position(account_id, markets["BTC-PERP"])[0] == wad(2) - e["close"]["reduce"]
    # The closing costs (~$51) are shared in proportion to the dues: 100 : 5 keeper to fund.
    assert usdc.balanceOf(keeper) == e["keeper"]
    assert insurance_fund.reserves() == reserves + e["to_fund"]
    assert tx.return_value == (e["repay"], e["keeper"] * UNIT)
    assert wad(45) < e["costs"] < wad(55)
    assert e["taken"] * UNIT == e["need"] - e["costs"] - (e["need"] - e["costs"]) % UNIT
    assert e["fund_due"] - e["to_fund"] * UNIT < e["costs"] * 5 // 105 + UNIT
    assert logs(tx, insurance_fund.PenaltyReceived) == [
        {"positionId": position_id, "amount": e["to_fund"], "balanceAfter": reserves + e["to_fund"]}]
    # The position gave up exactly what was due at mark (to a whole stablecoin unit).
    left = lens.health(position_id)
    assert 0 <= exchange.equity(account_id) - (e["equity"] - e["need"]) < UNIT
    assert vault.position(position_id).debt == wad(10) - e["repay"]
    assert left[2] >= wad("1.5") - wad("0.0001")


def test_liquidate__big_position__impact_makes_the_proceeds_smaller(vault, lens, engine, exchange, markets, usdc,
                                                                     insurance_fund, feeds, owner, keeper, long_btc):
    small = long_btc(size=2, margin=40_000, mint=10)
    big = long_btc(size=100, margin=2_000_000, mint=500)
    set_price(feeds["BTC"], 54_000, owner)
    e_small = expected(vault, lens, engine, exchange, markets, *small, wad(2), wad(54_000))
    e_big = expected(vault, lens, engine, exchange, markets, *big, wad(100), wad(54_000))

    engine.liquidate(small[0], MAX_UINT, 0, sender=keeper)
    paid_small = usdc.balanceOf(keeper)
    tx = engine.liquidate(big[0], MAX_UINT, 0, sender=keeper)
    paid_big = usdc.balanceOf(keeper) - paid_small

    assert (paid_small, paid_big) == (e_small["keeper"], e_big["keeper"])
    # ~95 BTC sold at once moves the price 0.51%: the fill is well under the mark.
    fill = tx.events.filter(exchange.Traded)[0].fillPriceWad
    assert fill == e_big["close"]["fill"] < wad(54_000) * 9_960 // 10_000
    # Per dollar due, the big position's keeper receives less.
    assert paid_big * UNIT * e_small["keeper_due"] < paid_small * UNIT * e_big["keeper_due"]
    # Fifty times the size, more than fifty times the costs (the fill moves further).
    assert e_big["costs"] > 50 * e_small["costs"]


def test_liquidate__spot_covers_the_keeper__futures_only_pay_the_fund(vault, lens, engine, futures_accounts, usdc, wbtc,
                                                                       insurance_fund, feeds, owner, trader, keeper,
                                                                       open_account, open_position, give):
    # 1 BTC of spot and an account holding 10,000 USDC of margin, owing 46,000 sUSD.
    account_id = open_account(trader, 10_000)
    position_id = open_position("sUSD", spot_btc=1)
    futures_accounts.approve(vault, account_id, sender=trader)
    vault.lock(position_id, account_id, sender=trader)
    vault.mint(position_id, wad(46_000), sender=trader)
    give(keeper, "sUSD", wad(46_000))
    set_price(feeds["BTC"], 45_000, owner)
    assert lens.health(position_id)[2] < wad("1.2")
    reserves = insurance_fund.reserves()

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # R = (1.5 × 46,000 − 55,000) / 0.4 = 35,000. The keeper's 36,750 comes from spot first:
    # 0.81666666 BTC = $36,749.9997; the futures then pay the fund's 1,750 and the keeper's last
    # 0.0003 (f = 1,750.0003 / 10,000, rounded up).
    spot = 81_666_666
    assert wbtc.balanceOf(keeper) == spot
    assert usdc.balanceOf(keeper) == 300
    assert insurance_fund.reserves() == reserves + 1_750 * 10**6
    assert tx.return_value == (wad(35_000), wad(36_750))
    assert logs(tx, vault.FuturesClosed) == [
        {"positionId": position_id, "accountId": account_id, "fractionWad": wad("0.17500003")}]
    assert logs(tx, vault.MarginSeized) == [
        {"positionId": position_id, "to": engine.address, "amount": 1_750_000_300}]
    # Spot is taken before the futures are touched.
    names = [log.event_name for log in tx.events if log.event_name in ("SpotSeized", "FuturesClosed", "MarginSeized")]
    assert names == ["SpotSeized", "FuturesClosed", "MarginSeized"]
    # Seized exactly R × 1.1: back at the minting ratio to the wei.
    assert lens.health(position_id) == (wad(16_500), wad(11_000), wad("1.5"))
    assert logs(tx, engine.Liquidated) == [{
        "positionId": position_id, "keeper": keeper.address, "repaid": wad(35_000), "repaidUsdWad": wad(35_000),
        "spotToKeeper": spot, "marginToKeeper": 300, "penaltyToFund": 1_750 * 10**6}]


def test_liquidate__account_under_initial_margin__closed_whole(vault, lens, engine, exchange, markets, usdc,
                                                                insurance_fund, feeds, owner, trader, keeper,
                                                                futures_position, give):
    # Long 1 BTC on 10,000 USDC beside 0.5 BTC of spot, owing 26,000 sUSD.
    position_id, account_id = futures_position("sUSD", margin=10_000, btc_size=1, spot_btc="0.5", mint=26_000)
    give(keeper, "sUSD", wad(26_000))
    set_price(feeds["BTC"], 54_000, owner)
    # Equity 3,966.3982 is under the 5,400 initial margin: a partial close could not release margin.
    assert exchange.equity(account_id) < exchange.requirements(account_id)[0]
    assert lens.health(position_id)[2] < wad("1.2")
    reserves = insurance_fund.reserves()

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    assert logs(tx, vault.FuturesClosed)[0]["fractionWad"] == WAD
    assert exchange.positions(account_id) == []
    # The spot paid the keeper its due; the futures, closed for the fund's cut, cost the fund
    # their closing costs (fee and impact on the whole 1 BTC).
    repay = tx.return_value.repaid
    repaid_usd, keeper_due, fund_due = dues(repay, WAD, wad("0.1"), wad("0.5"), True)
    spot = spot_for(keeper_due, wad(54_000))
    assert wbtc_paid(tx, vault) == spot
    need = keeper_due + fund_due - spot_usd(spot, wad(54_000))
    closed = tx.events.filter(exchange.Traded)[0]
    costs = wad("3966.3982") - (wad("9969.9982") - closed.feeWad + closed.realizedPnlWad)
    taken = (need - costs) // UNIT
    assert logs(tx, vault.MarginSeized)[0]["amount"] == taken
    assert insurance_fund.reserves() - reserves == fund_due * taken * UNIT // need // UNIT
    assert usdc.balanceOf(keeper) == taken - (insurance_fund.reserves() - reserves)
    assert wad(25) < costs < wad(35)


def wbtc_paid(tx, vault) -> int:
    return sum(log.amount for log in tx.events.filter(vault.SpotSeized))


def test_liquidate__three_markets__each_reduced_by_the_same_fraction(vault, lens, engine, exchange, futures_accounts,
                                                                      markets, feeds, owner, trader, keeper,
                                                                      open_account, open_position, give, no_shock):
    # 3.7x over three assets, owing more than what survives their shocks: minted with none.
    account_id = open_account(trader, 60_000)
    exchange.trade(account_id, markets["BTC-PERP"], wad(2), MAX_UINT, sender=trader)
    exchange.trade(account_id, markets["ETH-PERP"], wad(20), MAX_UINT, sender=trader)
    exchange.trade(account_id, markets["IDX-PERP"], -wad(40), 0, sender=trader)
    position_id = open_position("sXAU")
    futures_accounts.approve(vault, account_id, sender=trader)
    vault.lock(position_id, account_id, sender=trader)
    vault.mint(position_id, wad("13.6"), sender=trader)
    give(keeper, "sXAU", wad("13.6"))
    set_price(feeds["BTC"], 52_000, owner)
    set_price(feeds["ETH"], 2_700, owner)
    assert lens.health(position_id)[2] < wad("1.2")

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    fraction = logs(tx, vault.FuturesClosed)[0]["fractionWad"]
    assert 0 < fraction < WAD
    sizes = {log.marketId: log.sizeDeltaWad for log in tx.events.filter(exchange.Traded)}

    def ceil(size):
        return -(-size * fraction // WAD)

    assert sizes == {markets["BTC-PERP"]: -ceil(wad(2)), markets["ETH-PERP"]: -ceil(wad(20)),
                     markets["IDX-PERP"]: ceil(wad(40))}
    assert lens.health(position_id)[2] > wad("1.45")


def test_liquidate__views_a_wei_under_the_exchange__its_own_equity_decides(
    vault, lens, engine, exchange, markets, chain, feeds, owner, keeper, futures_position, give
):
    # 1 BTC of spot beside a long 0.123456789 BTC paying funding, owing sUSD. The views round PnL
    # and funding apart; find a second where their sum is a wei under the exchange's equity.
    position_id, account_id = futures_position("sUSD", margin=20_000, btc_size="0.123456789", spot_btc=1,
                                               mint=53_000)
    give(keeper, "sUSD", wad(53_000))
    exchange.setFundingRate(markets["BTC-PERP"], 10**9 + 7, sender=owner)
    set_price(feeds["BTC"], 45_000, owner)

    def views_gap() -> int:
        views = exchange.positions(account_id)
        summed = exchange.signedMarginOf(account_id) + sum(v.unrealizedPnlWad - v.fundingOwedWad for v in views)
        return exchange.equity(account_id) - summed

    def debt_at_the_ratio() -> int | None:
        """A debt that puts the exchange's CR at exactly 120% and the views' one wei lower:
        1.2 × debt in (collateral − 1, collateral], when such a whole number exists."""
        collateral = lens.health(position_id)[0]
        debt = (5 * collateral - 5) // 6 + 1
        return debt if 6 * debt <= 5 * collateral else None

    for _ in range(60):
        if views_gap() == 1 and debt_at_the_ratio():
            break
        chain.mine(timestamp=chain.blocks.head.timestamp + 1)
    assert views_gap() == 1
    now = chain.blocks.head.timestamp
    collateral, debt = lens.health(position_id)[0], debt_at_the_ratio()
    assert collateral * WAD // debt == wad("1.2") > (collateral - 1) * WAD // debt
    # Repay down to that debt in the same second (no funding moves in between).
    chain.pending_timestamp = now
    vault.burn(position_id, wad(53_000) - debt, sender=keeper)
    assert lens.health(position_id)[2] == wad("1.2")

    chain.pending_timestamp = now
    with reverts(engine.LiquidationEngineHealthyPosition, positionId=position_id, crWad=wad("1.2"),
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)
