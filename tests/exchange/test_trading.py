"""Trading: fills at mark moved by size-dependent impact, taker fee to the pool, PnL realised on
every reduction, increases, partial and full closes, flips, the slippage limit."""

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import MAX_PRICE, UNIT, WAD, buy, fee, fill_price, params_of, realized_pnl, sell, traded


def test_trade__open_long__fills_above_mark_and_pays_fee(exchange, usdc, pool, open_account, trader, btc):
    account = open_account(margin=10_000)
    pool_before = usdc.balanceOf(pool)

    tx = buy(exchange, account, btc, wad(1), trader)

    # $60,000 of notional moves the price 10 bps × 0.06 = 0.006%: 60,000 × 1.00006.
    event = traded(tx, exchange)
    assert event.fillPriceWad == wad("60003.6")
    assert event.markPriceWad == wad(60000)
    assert event.feeWad == wad("30.0018")  # 60,003.6 × 5 bps
    assert (event.sizeDeltaWad, event.newSizeWad, event.realizedPnlWad, event.fundingPaidWad) == (wad(1), wad(1), 0, 0)
    assert exchange.position(account, btc) == (wad(1), wad("60003.6"))
    assert exchange.marginOf(account) == wad("9969.9982")
    assert usdc.balanceOf(pool) - pool_before == scaled("30.0018", 6)
    assert usdc.balanceOf(exchange) == scaled("9969.9982", 6)
    # Marked at 60,000, the impact paid shows as an unrealised loss of 3.6.
    assert exchange.equity(account) == wad("9966.3982")


def test_trade__open_short__fills_below_mark(exchange, open_account, trader, eth):
    account = open_account(margin=10_000)

    tx = sell(exchange, account, eth, wad(2), trader)

    # $6,000 of ETH at 20 bps per million moves 0.0012%: 3,000 × (1 − 0.000012).
    event = traded(tx, exchange)
    assert event.fillPriceWad == wad("2999.964")
    assert event.feeWad == wad("2.999964")
    assert exchange.position(account, eth) == (-wad(2), wad("2999.964"))
    assert exchange.marginOf(account) == wad("9997.000036")


def test_trade__close_long_in_profit__realises_pnl(exchange, usdc, pool, feeds, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    set_price(feeds["BTC"], 61000, owner)
    pool_before = usdc.balanceOf(pool)

    tx = sell(exchange, account, btc, wad(1), trader)

    event = traded(tx, exchange)
    assert event.fillPriceWad == wad("60996.279")  # 61,000 × (1 − 0.0061%)
    assert event.realizedPnlWad == wad("992.679")  # 60,996.279 − 60,003.6
    assert event.feeWad == wad("30.49814")  # 30.4981395 rounded up to a whole micro-dollar
    assert event.newSizeWad == 0
    assert exchange.position(account, btc) == (0, 0)
    assert exchange.positions(account) == []
    assert exchange.marginOf(account) == wad("9969.9982") + wad("992.679") - wad("30.49814")
    assert pool_before - usdc.balanceOf(pool) == scaled("962.18086", 6)  # profit less fee


def test_trade__close_short_in_profit__realises_pnl(exchange, feeds, owner, open_account, trader, eth):
    account = open_account(margin=10_000)
    sell(exchange, account, eth, wad(2), trader)
    set_price(feeds["ETH"], 2800, owner)

    event = traded(buy(exchange, account, eth, wad(2), trader), exchange)

    assert event.fillPriceWad == wad("2800.03136")  # 2,800 × (1 + 0.00112%)
    assert event.realizedPnlWad == wad("399.86528")  # 2 × (2,999.964 − 2,800.03136)
    assert event.feeWad == wad("2.800032")  # 2.80003136 rounded up
    assert exchange.marginOf(account) == wad("9997.000036") + wad("399.86528") - wad("2.800032")


def test_trade__realised_profit__rounds_down(exchange, feeds, owner, open_account, trader, eth):
    account = open_account(margin=10_000)
    assert traded(buy(exchange, account, eth, wad("0.3"), trader), exchange).fillPriceWad == wad("3000.0054")
    set_price(feeds["ETH"], 3100, owner)

    event = traded(sell(exchange, account, eth, wad("0.3"), trader), exchange)

    assert event.fillPriceWad == wad("3099.994234")
    # 0.3 × (3,099.994234 − 3,000.0054) = 29.9966502, paid as 29.996650.
    assert event.realizedPnlWad == wad("29.99665")


def test_trade__realised_loss__rounds_up(exchange, feeds, owner, open_account, trader, eth):
    account = open_account(margin=10_000)
    opened = traded(sell(exchange, account, eth, wad("0.3"), trader), exchange)
    assert (opened.fillPriceWad, opened.feeWad) == (wad("2999.9946"), wad("0.45"))  # fee 0.44999919 rounded up
    set_price(feeds["ETH"], 3100, owner)

    event = traded(buy(exchange, account, eth, wad("0.3"), trader), exchange)

    assert event.fillPriceWad == wad("3100.005766")
    # −0.3 × (3,100.005766 − 2,999.9946) = −30.0033498, charged as −30.003350.
    assert event.realizedPnlWad == -wad("30.00335")


def test_trade__close_long_at_loss__pool_receives_loss(exchange, usdc, pool, feeds, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad("0.5"), trader)
    set_price(feeds["BTC"], 58000, owner)
    _, entry = exchange.position(account, btc)
    margin_before = exchange.marginOf(account)
    pool_before = usdc.balanceOf(pool)

    event = traded(sell(exchange, account, btc, wad("0.5"), trader), exchange)

    fill = fill_price(wad(58000), -wad("0.5"), params_of(exchange, btc).impactWad)
    assert event.fillPriceWad == fill
    assert event.realizedPnlWad == realized_pnl(wad("0.5"), entry, fill) < 0
    assert event.feeWad == fee(-wad("0.5"), fill, params_of(exchange, btc).takerFeeWad)
    loss = -event.realizedPnlWad + event.feeWad
    assert exchange.marginOf(account) == margin_before - loss
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == loss


def test_trade__partial_close__realises_part_keeps_entry(exchange, feeds, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    set_price(feeds["BTC"], 62000, owner)

    event = traded(sell(exchange, account, btc, wad("0.4"), trader), exchange)

    fill = fill_price(wad(62000), -wad("0.4"), params_of(exchange, btc).impactWad)
    assert event.realizedPnlWad == realized_pnl(wad("0.4"), wad("60003.6"), fill)
    assert event.newSizeWad == wad("0.6")
    assert exchange.position(account, btc) == (wad("0.6"), wad("60003.6"))


def test_trade__increase_long__averages_entry_rounding_up(exchange, feeds, owner, open_account, trader, btc):
    account = open_account(margin=20_000)
    buy(exchange, account, btc, wad(1), trader)
    set_price(feeds["BTC"], 61000, owner)

    event = traded(buy(exchange, account, btc, wad(2), trader), exchange)

    fill = event.fillPriceWad
    assert fill == wad("61007.442")  # 61,000 × (1 + 0.0122%)
    cost = wad(1) * wad("60003.6") + wad(2) * fill
    assert exchange.position(account, btc) == (wad(3), -(-cost // wad(3)))
    assert event.realizedPnlWad == 0


def test_trade__increase_short__averages_entry_rounding_down(exchange, feeds, owner, open_account, trader, eth):
    account = open_account(margin=20_000)
    sell(exchange, account, eth, wad(1), trader)
    set_price(feeds["ETH"], 2900, owner)

    event = traded(sell(exchange, account, eth, wad(2), trader), exchange)

    first = fill_price(wad(3000), -wad(1), params_of(exchange, eth).impactWad)
    assert exchange.position(account, eth) == (-wad(3), (wad(1) * first + wad(2) * event.fillPriceWad) // wad(3))


def test_trade__flip_long_to_short__closes_then_opens_at_fill(exchange, feeds, owner, open_account, trader, btc):
    account = open_account(margin=20_000)
    buy(exchange, account, btc, wad(1), trader)
    set_price(feeds["BTC"], 59000, owner)

    event = traded(sell(exchange, account, btc, wad(3), trader), exchange)

    params = params_of(exchange, btc)
    fill = fill_price(wad(59000), -wad(3), params.impactWad)
    assert event.fillPriceWad == fill
    assert event.newSizeWad == -wad(2)
    assert event.realizedPnlWad == realized_pnl(wad(1), wad("60003.6"), fill)  # on the 1 BTC closed
    assert event.feeWad == fee(-wad(3), fill, params.takerFeeWad)  # on all 3 BTC traded
    assert exchange.position(account, btc) == (-wad(2), fill)


def test_trade__flip_short_to_long(exchange, open_account, trader, eth):
    account = open_account(margin=20_000)
    sell(exchange, account, eth, wad(1), trader)

    event = traded(buy(exchange, account, eth, wad("1.5"), trader), exchange)

    assert exchange.position(account, eth) == (wad("0.5"), event.fillPriceWad)


def test_trade__impact_grows_with_size(exchange, btc):
    small, mark = exchange.quote(btc, wad(1))
    large, _ = exchange.quote(btc, wad(10))

    assert mark == wad(60000)
    assert small == wad("60003.6")  # 0.006% for $60k
    assert large == wad(60036)  # 0.06% for $600k
    assert exchange.quote(btc, -wad(10))[0] == wad(59964)


def test_trade__impact_capped_at_ten_percent(exchange, btc):
    # 10 bps per million reaches the 10% cap at $100M; $120M of BTC fills 10% away, not 12%.
    assert exchange.quote(btc, wad(2000))[0] == wad(66000)
    assert exchange.quote(btc, -wad(2000))[0] == wad(54000)


def test_trade__buy_above_price_limit__reverts(exchange, open_account, trader, btc):
    account = open_account(margin=10_000)

    with reverts(exchange.ExchangePriceLimitExceeded, fillPriceWad=wad("60003.6"), priceLimitWad=wad("60003.5")):
        buy(exchange, account, btc, wad(1), trader, limit=wad("60003.5"))

    buy(exchange, account, btc, wad(1), trader, limit=wad("60003.6"))
    assert exchange.position(account, btc)[0] == wad(1)


def test_trade__sell_below_price_limit__reverts(exchange, open_account, trader, btc):
    account = open_account(margin=10_000)

    with reverts(exchange.ExchangePriceLimitExceeded, fillPriceWad=wad("59996.4"), priceLimitWad=wad(59997)):
        sell(exchange, account, btc, wad(1), trader, limit=wad(59997))

    sell(exchange, account, btc, wad(1), trader, limit=wad("59996.4"))
    assert exchange.position(account, btc)[0] == -wad(1)


def test_trade__zero_size__reverts(exchange, open_account, trader, btc):
    account = open_account()
    with reverts(exchange.ExchangeZeroAmount):
        exchange.trade(account, btc, 0, MAX_PRICE, sender=trader)


def test_trade__unknown_market__reverts(exchange, open_account, trader):
    account = open_account()
    with reverts(exchange.ExchangeUnknownMarket, marketId=99):
        buy(exchange, account, 99, wad(1), trader)


def test_trade__not_controller__reverts(exchange, open_account, attacker, btc):
    account = open_account()
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=attacker):
        buy(exchange, account, btc, wad("0.01"), attacker)


def test_positions__lists_each_market_with_pnl(exchange, feeds, owner, open_account, trader, btc, eth, idx):
    account = open_account(margin=50_000)
    buy(exchange, account, btc, wad(1), trader)
    sell(exchange, account, eth, wad(4), trader)
    buy(exchange, account, idx, wad(10), trader)
    set_price(feeds["BTC"], 60500, owner)
    set_price(feeds["ETH"], 2950, owner)

    views = exchange.positions(account)

    assert [v.marketId for v in views] == [btc, eth, idx]
    by_market = {v.marketId: v for v in views}
    eth_entry = exchange.position(account, eth)[1]
    idx_entry = exchange.position(account, idx)[1]
    assert by_market[btc].unrealizedPnlWad == wad(60500) - wad("60003.6")
    assert by_market[eth].unrealizedPnlWad == -wad(4) * (wad(2950) - eth_entry) // WAD
    assert by_market[idx].unrealizedPnlWad == wad(10) * (wad(1000) - idx_entry) // WAD
    assert by_market[eth].markPriceWad == wad(2950)
    assert all(v.fundingOwedWad == 0 for v in views)
    assert exchange.equity(account) == exchange.signedMarginOf(account) + sum(v.unrealizedPnlWad for v in views)


def test_positions__closing_a_middle_market_keeps_the_rest(exchange, open_account, trader, btc, eth, idx):
    account = open_account(margin=50_000)
    buy(exchange, account, btc, wad(1), trader)
    buy(exchange, account, eth, wad(1), trader)
    buy(exchange, account, idx, wad(1), trader)

    sell(exchange, account, eth, wad(1), trader)

    assert sorted(v.marketId for v in exchange.positions(account)) == [btc, idx]
    buy(exchange, account, eth, wad(2), trader)
    assert sorted(v.marketId for v in exchange.positions(account)) == [btc, eth, idx]


def test_trade__ninth_market__reverts(exchange, oracle, owner, open_account, trader):
    """An account holds at most eight markets (one storage slot lists them)."""
    params = exchange.market(1).params
    for asset in ["XAU", "SPX", "RE", "USD", "BTC"]:
        exchange.addMarket(asset_id(asset), 0, params, sender=owner)
    account = open_account(margin=100_000)
    # One unit of each: over the deployed markets' minimum positions (the new ones have none).
    for market_id in range(1, 9):
        buy(exchange, account, market_id, wad(1), trader)
    assert len(exchange.positions(account)) == 8

    with reverts(exchange.ExchangeTooManyPositions, accountId=account, maxPositions=8):
        buy(exchange, account, 9, wad(1), trader)
