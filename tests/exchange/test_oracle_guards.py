"""Untrusted prices: a stale or frozen oracle price stops every trade (adding risk above all),
withdrawals against open positions and the valuation views; margin can still be added. Reductions
need only the price of the market they trade. A liquidation alone prices such a market, by the
liquidation rule (tests/liquidation/test_stale_market.py, tests/exchange/test_liquidation.py)."""

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import buy, sell

BTC = asset_id("BTC")
ETH = asset_id("ETH")


def test_stale_price__stops_trades_withdrawals_and_views(
    exchange, oracle, chain, open_account, trader, keeper, btc, fund
):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    assert exchange.position(account, btc) == (wad(1), wad("60003.6"))
    margin = exchange.marginOf(account)
    advance(chain, 3601)

    with reverts(oracle.OracleStalePrice, asset=BTC, heartbeat=3600):
        buy(exchange, account, btc, wad("0.1"), trader)
    # A reduction too: a fill at an untrusted price would itself be a risk to the pool.
    with reverts(oracle.OracleStalePrice, asset=BTC):
        sell(exchange, account, btc, wad("0.1"), trader)
    with reverts(oracle.OracleStalePrice, asset=BTC):
        exchange.withdrawMargin(account, scaled(1, 6), trader, sender=trader)
    # A liquidation marks the long at the rule's 60,000 × 95% = 57,000: still healthy (changed
    # from OracleStalePrice with issue 12's liquidation rule).
    with reverts(exchange.ExchangeAccountHealthy, accountId=account, equityWad=margin + wad(57_000) - wad("60003.6"),
                 maintenanceWad=wad(2_850)):
        exchange.liquidate(account, sender=keeper)
    with reverts(oracle.OracleStalePrice, asset=BTC):
        exchange.equity(account)
    with reverts(oracle.OracleStalePrice, asset=BTC):
        exchange.requirements(account)
    with reverts(oracle.OracleStalePrice, asset=BTC):
        exchange.markPrice(btc)

    # Adding margin needs no price.
    fund(trader, 100)
    exchange.depositMargin(account, scaled(100, 6), sender=trader)
    assert exchange.marginOf(account) == margin + wad(100)


def test_stale_price__fresh_round__trading_resumes(exchange, chain, feeds, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    advance(chain, 3601)
    set_price(feeds["BTC"], 60000, owner)

    buy(exchange, account, btc, wad(1), trader)
    assert exchange.position(account, btc)[0] == wad(1)


def test_stale_price__no_positions__withdrawal_needs_no_price(exchange, usdc, chain, open_account, trader):
    account = open_account(margin=1000)
    advance(chain, 3601)

    exchange.withdrawMargin(account, scaled(1000, 6), trader, sender=trader)
    assert usdc.balanceOf(trader) == scaled(1000, 6)


def test_frozen_price__stops_trades_until_accepted(exchange, oracle, feeds, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    set_price(feeds["BTC"], 100000, owner)  # +66.7%, past the 50% bound
    round_id = feeds["BTC"].latestRound()

    with reverts(oracle.OracleFrozen, asset=BTC, roundId=round_id, deviationBps=6667, maxDeviationBps=5000):
        buy(exchange, account, btc, wad("0.01"), trader)
    with reverts(oracle.OracleFrozen, asset=BTC):
        exchange.quote(btc, wad("0.01"))

    oracle.acceptRound(BTC, round_id, sender=owner)
    buy(exchange, account, btc, wad("0.01"), trader)
    assert exchange.position(account, btc)[1] > wad(100000)


def test_stale_other_market__blocks_new_risk_not_reductions(
    exchange, oracle, chain, feeds, owner, open_account, trader, btc, eth
):
    """Adding risk checks the whole account, so every market's price must be trusted; a reduction
    is never margin-checked and needs only the price of its own market."""
    account = open_account(margin=20_000)
    buy(exchange, account, btc, wad(1), trader)
    buy(exchange, account, eth, wad(1), trader)
    advance(chain, 3601)
    set_price(feeds["BTC"], 60000, owner)  # ETH stays stale

    with reverts(oracle.OracleStalePrice, asset=ETH):
        buy(exchange, account, btc, wad("0.1"), trader)

    sell(exchange, account, btc, wad("0.5"), trader)
    assert exchange.position(account, btc)[0] == wad("0.5")
