"""Exchange-level liquidation: anyone may close every position of an account under its
maintenance margin, at mark with impact, for a reward out of what margin is left."""

import pytest

from synthvault.units import WAD, asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import (
    UNIT,
    buy,
    fee,
    fill_price,
    floor_unit,
    mul_wad_up,
    params_of,
    pnl,
    realized_pnl,
    sell,
)

ETH = asset_id("ETH")


def _long_015(exchange, open_account, trader, btc):
    """1,000 of margin, long 0.15 BTC at 60,000.54 after a fee of 4.500041."""
    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.15"), trader)
    assert exchange.position(account, btc)[1] == wad("60000.54")
    assert exchange.marginOf(account) == wad("995.499959")
    return account


def test_liquidate__healthy__reverts(exchange, feeds, owner, open_account, trader, keeper, btc):
    account = _long_015(exchange, open_account, trader, btc)
    set_price(feeds["BTC"], 57000, owner)
    # 995.499959 + 0.15 × (57,000 − 60,000.54) = 545.418959 against 0.15 × 57,000 × 5% = 427.5.
    with reverts(
        exchange.ExchangeAccountHealthy, accountId=account, equityWad=wad("545.418959"), maintenanceWad=wad("427.5")
    ):
        exchange.liquidate(account, sender=keeper)


def test_liquidate__no_positions__reverts(exchange, open_account, keeper):
    account = open_account(margin=10)
    with reverts(exchange.ExchangeAccountHealthy, equityWad=wad(10), maintenanceWad=0):
        exchange.liquidate(account, sender=keeper)


def test_liquidate__under_maintenance__closes_and_pays_reward(
    exchange, usdc, pool, feeds, owner, open_account, trader, keeper, btc
):
    account = _long_015(exchange, open_account, trader, btc)
    set_price(feeds["BTC"], 56000, owner)
    pool_before = usdc.balanceOf(pool)

    tx = exchange.liquidate(account, sender=keeper)

    # Equity 995.499959 − 0.15 × 4,000.54 = 395.418959 under 0.15 × 56,000 × 5% = 420.
    liquidated = tx.events.filter(exchange.Liquidated)[0]
    assert (liquidated.accountId, liquidated.liquidator) == (account, keeper)
    assert (liquidated.equityWad, liquidated.maintenanceWad) == (wad("395.418959"), wad(420))
    # Closed at 56,000 × (1 − 0.00084%) = 55,999.5296: −600.15156 realised, fee 4.199965.
    closed = tx.events.filter(exchange.Traded)[0]
    assert (closed.sizeDeltaWad, closed.newSizeWad, closed.fillPriceWad) == (-wad("0.15"), 0, wad("55999.5296"))
    assert (closed.realizedPnlWad, closed.feeWad) == (-wad("600.15156"), wad("4.199965"))
    # Reward: 0.5% of the 8,400 closed; the rest stays with the account.
    assert liquidated.rewardWad == wad(42)
    assert usdc.balanceOf(keeper) == scaled(42, 6)
    assert exchange.marginOf(account) == wad("995.499959") - wad("600.15156") - wad("4.199965") - wad(42)
    assert exchange.positions(account) == []
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == wad("600.15156") + wad("4.199965")
    assert usdc.balanceOf(exchange) * UNIT == exchange.totalMarginWad() == exchange.marginOf(account)


def test_liquidate__under_water__minimum_reward_from_pool_and_debt_written_off(
    exchange, usdc, pool, feeds, owner, open_account, trader, keeper, btc
):
    """No margin is left to reward the closer: the pool pays the minimum reward (5 USD in
    config/local.yaml), so an account under water still finds one."""
    account = _long_015(exchange, open_account, trader, btc)
    set_price(feeds["BTC"], 50000, owner)
    pool_before = usdc.balanceOf(pool)

    tx = exchange.liquidate(account, sender=keeper)

    params = params_of(exchange, btc)
    fill = fill_price(wad(50000), -wad("0.15"), params.impactWad)
    loss = -realized_pnl(wad("0.15"), wad("60000.54"), fill) + fee(-wad("0.15"), fill, params.takerFeeWad)
    assert tx.events.filter(exchange.BadDebtWrittenOff)[0].amountWad == loss - wad("995.499959")
    assert exchange.minLiquidationRewardWad() == wad(5)
    assert tx.events.filter(exchange.Liquidated)[0].rewardWad == wad(5)
    from_pool = tx.events.filter(exchange.LiquidationRewardFromPool)[0]
    assert (from_pool.accountId, from_pool.amountWad) == (account, wad(5))
    assert exchange.signedMarginOf(account) == 0
    assert usdc.balanceOf(keeper) == scaled(5, 6)
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == wad("995.499959") - wad(5)  # the margin, less the reward


def test_liquidate__every_market__reward_on_total_notional(
    exchange, feeds, owner, open_account, trader, keeper, btc, eth
):
    account = open_account(margin=2000)
    buy(exchange, account, btc, wad("0.1"), trader)
    buy(exchange, account, eth, wad(2), trader)
    set_price(feeds["BTC"], 50000, owner)
    set_price(feeds["ETH"], 2600, owner)

    tx = exchange.liquidate(account, sender=keeper)

    assert [e.marketId for e in tx.events.filter(exchange.Traded)] == [btc, eth]
    # 0.5% of 0.1 × 50,000 + 2 × 2,600 = 10,200.
    assert tx.events.filter(exchange.Liquidated)[0].rewardWad == wad(51)
    assert exchange.positions(account) == []


def test_liquidate__account_held_elsewhere__exchange_still_protects_itself(
    exchange, futures_accounts, feeds, owner, open_account, trader, trader2, keeper, btc
):
    """Whoever holds the account token (the vault, say), the exchange liquidates it; what margin
    is left stays on the account, for its holder."""
    account = _long_015(exchange, open_account, trader, btc)
    futures_accounts.transferFrom(trader, trader2, account, sender=trader)
    set_price(feeds["BTC"], 56000, owner)

    exchange.liquidate(account, sender=keeper)

    assert futures_accounts.ownerOf(account) == trader2
    left = exchange.marginOf(account)
    assert left > 0
    exchange.withdrawMargin(account, left // UNIT, trader2, sender=trader2)


def test_liquidate__by_the_owner_itself__gains_nothing_over_closing(
    exchange, usdc, feeds, owner, open_account, trader, btc
):
    """Self-liquidation pays the reward out of the liquidated margin: the owner ends where a plain
    close would leave it."""
    account = _long_015(exchange, open_account, trader, btc)
    set_price(feeds["BTC"], 56000, owner)
    before = usdc.balanceOf(trader) * UNIT + exchange.marginOf(account)

    exchange.liquidate(account, sender=trader)

    after = usdc.balanceOf(trader) * UNIT + exchange.marginOf(account)
    params = params_of(exchange, btc)
    fill = fill_price(wad(56000), -wad("0.15"), params.impactWad)
    close = realized_pnl(wad("0.15"), wad("60000.54"), fill) - fee(-wad("0.15"), fill, params.takerFeeWad)
    assert after - before == close


def test_liquidate__account_reusable_afterwards(exchange, feeds, owner, open_account, trader, keeper, btc, fund):
    account = _long_015(exchange, open_account, trader, btc)
    set_price(feeds["BTC"], 56000, owner)
    exchange.liquidate(account, sender=keeper)
    fund(trader, 1000)
    exchange.depositMargin(account, scaled(1000, 6), sender=trader)

    sell(exchange, account, btc, wad("0.1"), trader)

    assert exchange.position(account, btc)[0] == -wad("0.1")


@pytest.mark.usefixtures("no_min_position")  # the review's dust, from before a minimum was set
def test_liquidate__a_market_without_a_trusted_price__closed_at_the_rule_price(
    exchange, usdc, pool, oracle, feeds, owner, open_account, trader, keeper, btc, eth, chain
):
    """Issue 12 (second review, point 3): a dust ETH short beside the BTC long, ETH's feed quiet
    past its heartbeat. Liquidation marks ETH at its last trusted $3,000 moved against the short by
    the 5% maintenance fraction, $3,150, and closes it there (one-fill impact and fee on that
    mark); everything else still refuses the stale price."""
    account = _long_015(exchange, open_account, trader, btc)
    dust = wad("0.0001")
    eth_params = params_of(exchange, eth)
    eth_entry = fill_price(wad(3000), -dust, eth_params.impactWad)
    sell(exchange, account, eth, dust, trader)
    margin = wad("995.499959") - fee(-dust, eth_entry, eth_params.takerFeeWad)
    assert exchange.signedMarginOf(account) == margin
    advance(chain, 3601)
    set_price(feeds["BTC"], 56000, owner)  # ETH stays stale
    with reverts(oracle.OracleStalePrice, asset=ETH):
        exchange.equity(account)
    with reverts(oracle.OracleStalePrice, asset=ETH):
        buy(exchange, account, eth, dust, trader)
    pool_before = usdc.balanceOf(pool)

    tx = exchange.liquidate(account, sender=keeper)

    rule = mul_wad_up(wad(3000), WAD + eth_params.maintenanceMarginWad)
    assert rule == wad(3150)
    # Equity at the marks: BTC at 56,000, the ETH short at the rule's 3,150 (each PnL floored).
    equity = margin + pnl(wad("0.15"), wad("60000.54"), wad(56000)) + pnl(-dust, eth_entry, rule)
    maintenance = wad(420) + mul_wad_up(mul_wad_up(dust, rule), eth_params.maintenanceMarginWad)
    liquidated = tx.events.filter(exchange.Liquidated)[0]
    assert (liquidated.equityWad, liquidated.maintenanceWad) == (equity, maintenance)
    # BTC closes as before; the ETH short is bought back at 3,150 with its impact and fee.
    eth_fill = fill_price(rule, dust, eth_params.impactWad)
    eth_realized, eth_fee = realized_pnl(-dust, eth_entry, eth_fill), fee(dust, eth_fill, eth_params.takerFeeWad)
    closes = [(e.marketId, e.sizeDeltaWad, e.markPriceWad, e.fillPriceWad, e.realizedPnlWad, e.feeWad)
              for e in tx.events.filter(exchange.Traded)]
    assert closes == [(btc, -wad("0.15"), wad(56000), wad("55999.5296"), -wad("600.15156"), wad("4.199965")),
                      (eth, dust, rule, eth_fill, eth_realized, eth_fee)]
    # Reward: 0.5% of the notional closed at those marks, 8,400 + 0.315, in whole units.
    reward = floor_unit((wad(8400) + mul_wad_up(dust, rule)) * 5 // 1000)
    assert liquidated.rewardWad == reward == wad("42.001575")
    assert usdc.balanceOf(keeper) * UNIT == reward
    losses = wad("600.15156") + wad("4.199965") - eth_realized + eth_fee
    assert exchange.signedMarginOf(account) == margin - losses - reward
    assert exchange.positions(account) == []
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == losses


def test_liquidate__own_dust_account__pays_no_more_than_its_margin(
    exchange, usdc, pool, feeds, owner, open_account, trader, btc
):
    """Farming the minimum reward (issue 12, point 4): an account of 1 USDC and a 0.0001 BTC long
    ($6) goes under water on a 1/6 fall, and its owner liquidates it itself. Without a minimum
    position size the pool paid the 5 USD minimum reward for a dollar of margin: 4 USD a dust
    account, as often as the farmer opens one. The opening trade is now refused for its size
    (`ExchangePositionTooSmall`, config/local.yaml's `min_position_usd`)."""
    account = open_account(margin=1)
    notional = mul_wad_up(wad("0.0001"), wad(60000))
    with reverts(
        exchange.ExchangePositionTooSmall,
        marketId=btc,
        notionalWad=notional,
        minNotionalWad=exchange.minPositionNotionalWad(btc),
    ):
        buy(exchange, account, btc, wad("0.0001"), trader)
