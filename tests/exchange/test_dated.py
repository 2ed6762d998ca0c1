"""The dated BTC future: trades like a perpetual until expiry, then only settles, every position
at one price fixed by rule: the hub's first trusted round at or after expiry, whoever settles and
whenever. Before that round exists, an expired position settles alone at the live mark."""

import pytest

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import UNIT, buy, funding_paid, index_increment, realized_pnl, sell, traded


@pytest.fixture
def past_expiry(exchange, chain, btc_dated):
    """Moves the clock a day past the dated market's expiry (every feed is stale then)."""

    def _go(seconds_after: int = 86_400) -> int:
        expiry = exchange.market(btc_dated).expiry
        advance(chain, expiry - chain.pending_timestamp + seconds_after)
        return expiry

    return _go


def test_dated__listed_with_expiry(exchange, chain, btc_dated):
    expiry = exchange.market(btc_dated).expiry
    assert exchange.market(btc_dated).asset == asset_id("BTC")
    assert 29 * 86_400 < expiry - chain.blocks.head.timestamp <= 30 * 86_400


def test_dated__trades_before_expiry(exchange, open_account, trader, btc_dated):
    account = open_account(margin=10_000)

    event = traded(buy(exchange, account, btc_dated, wad(1), trader), exchange)

    assert event.fillPriceWad == wad("60003.6")
    assert event.feeWad == wad("18.00108")  # 3 bps


def test_dated__trade_after_expiry__reverts(exchange, feeds, owner, open_account, trader, btc_dated, past_expiry):
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    expiry = past_expiry()
    set_price(feeds["BTC"], 61000, owner)

    with reverts(exchange.ExchangeMarketExpired, marketId=btc_dated, expiry=expiry):
        sell(exchange, account, btc_dated, wad(1), trader)
    with reverts(exchange.ExchangeMarketExpired, marketId=btc_dated, expiry=expiry):
        exchange.setFundingRate(btc_dated, 1, sender=owner)


def test_settle__before_expiry__reverts(exchange, open_account, trader, btc_dated):
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    with reverts(exchange.ExchangeMarketNotExpired, marketId=btc_dated, expiry=exchange.market(btc_dated).expiry):
        exchange.settle(account, btc_dated, sender=trader)


def test_settle__perpetual__reverts(exchange, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    with reverts(exchange.ExchangeMarketNotExpired, marketId=btc, expiry=0):
        exchange.settle(account, btc, sender=trader)


def test_settle__no_position__reverts(exchange, open_account, trader, btc_dated, past_expiry):
    account = open_account(margin=10_000)
    past_expiry()
    with reverts(exchange.ExchangeNoPosition, accountId=account, marketId=btc_dated):
        exchange.settle(account, btc_dated, sender=trader)


def test_settle__stale_price__reverts(exchange, oracle, open_account, trader, btc_dated, past_expiry):
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    past_expiry()
    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC"), heartbeat=3600):
        exchange.settle(account, btc_dated, sender=trader)


def test_settle__round_from_before_expiry__closes_at_the_live_mark_fixing_nothing(
    exchange, chain, feeds, owner, open_account, trader, btc_dated
):
    # Was: reverted ExchangeSettlementPriceNotReady until a round since expiry came, so nothing
    # holding the market could be liquidated meanwhile. Now the one position settles at the live mark.
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    entry = exchange.position(account, btc_dated)[1]
    margin = exchange.marginOf(account)
    expiry = exchange.market(btc_dated).expiry
    feed = feeds["BTC"]
    advance(chain, expiry - chain.pending_timestamp + 5)
    round_id = feed.latestRound() + 1
    feed.setRoundData(round_id, scaled(65000, 8), expiry - 10, expiry - 10, round_id, sender=owner)

    tx = exchange.settle(account, btc_dated, sender=trader)

    assert not tx.events.filter(exchange.SettlementPriceFixed)
    settled = tx.events.filter(exchange.PositionSettled)[0]
    assert (settled.settlementPriceWad, settled.realizedPnlWad) == (wad(65000), realized_pnl(wad(1), entry, wad(65000)))
    assert exchange.marginOf(account) == margin + settled.realizedPnlWad
    assert exchange.market(btc_dated).settlementPriceWad == 0


def test_settle__days_and_many_rounds_after_expiry__at_the_first_round_since(
    exchange, chain, feeds, owner, open_account, trader, keeper, btc_dated, past_expiry
):
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    entry = exchange.position(account, btc_dated)[1]
    past_expiry(seconds_after=300)
    set_price(feeds["BTC"], 54000, owner)  # the first round since expiry
    for step in range(1, 49):  # two days of hourly rounds up to 66,000; nobody settles
        advance(chain, 3600)
        set_price(feeds["BTC"], 54000 + 250 * step, owner)

    tx = exchange.settle(account, btc_dated, sender=keeper)

    fixed = tx.events.filter(exchange.SettlementPriceFixed)[0]
    assert fixed.priceWad == wad(54000)
    assert tx.events.filter(exchange.PositionSettled)[0].realizedPnlWad == realized_pnl(wad(1), entry, wad(54000))


def test_settle__closes_at_settlement_price_without_fee(
    exchange, usdc, pool, feeds, owner, open_account, trader, keeper, btc_dated, past_expiry
):
    account = open_account(margin=10_000)
    buy(exchange, account, btc_dated, wad(1), trader)
    margin = exchange.marginOf(account)
    past_expiry()
    set_price(feeds["BTC"], 65000, owner)
    pool_before = usdc.balanceOf(pool)

    tx = exchange.settle(account, btc_dated, sender=keeper)  # anyone may settle

    fixed = tx.events.filter(exchange.SettlementPriceFixed)[0]
    assert (fixed.marketId, fixed.priceWad) == (btc_dated, wad(65000))
    settled = tx.events.filter(exchange.PositionSettled)[0]
    assert (settled.accountId, settled.marketId, settled.sizeWad) == (account, btc_dated, wad(1))
    assert (settled.settlementPriceWad, settled.realizedPnlWad) == (wad(65000), wad("4996.4"))
    assert not tx.events.filter(exchange.Traded)
    assert exchange.marginOf(account) == margin + wad("4996.4")
    assert (pool_before - usdc.balanceOf(pool)) * UNIT == wad("4996.4")
    assert exchange.positions(account) == []
    assert exchange.market(btc_dated).settlementPriceWad == wad(65000)


def test_settle__one_price_for_every_position(
    exchange, feeds, owner, open_account, trader, trader2, keeper, btc_dated, past_expiry
):
    long_account = open_account(owner=trader, margin=10_000)
    short_account = open_account(owner=trader2, margin=10_000)
    buy(exchange, long_account, btc_dated, wad(1), trader)
    sell(exchange, short_account, btc_dated, wad(1), trader2)
    short_entry = exchange.position(short_account, btc_dated)[1]
    past_expiry()
    set_price(feeds["BTC"], 65000, owner)
    exchange.settle(long_account, btc_dated, sender=keeper)
    set_price(feeds["BTC"], 66000, owner)

    tx = exchange.settle(short_account, btc_dated, sender=keeper)

    assert not tx.events.filter(exchange.SettlementPriceFixed)
    settled = tx.events.filter(exchange.PositionSettled)[0]
    assert settled.realizedPnlWad == realized_pnl(-wad(1), short_entry, wad(65000))
    assert exchange.markPrice(btc_dated) == wad(65000)


def test_settle__equity_uses_settlement_price_once_fixed(
    exchange, chain, feeds, owner, open_account, trader, trader2, keeper, btc_dated, past_expiry
):
    first = open_account(owner=trader, margin=10_000)
    second = open_account(owner=trader2, margin=10_000)
    buy(exchange, first, btc_dated, wad(1), trader)
    buy(exchange, second, btc_dated, wad(1), trader2)
    past_expiry()
    set_price(feeds["BTC"], 65000, owner)
    exchange.settle(first, btc_dated, sender=keeper)
    advance(chain, 7200)  # BTC stale again: the fixed price needs no oracle

    assert exchange.equity(second) == exchange.marginOf(second) + wad(65000) - wad("60003.6")


def test_settle__funding_stops_at_expiry(exchange, chain, feeds, owner, open_account, trader, btc_dated, past_expiry):
    exchange.setFundingRate(btc_dated, 10**10, sender=owner)
    account = open_account(margin=10_000)
    opened = buy(exchange, account, btc_dated, wad(1), trader)
    expiry = past_expiry(seconds_after=5 * 86_400)
    set_price(feeds["BTC"], 65000, owner)

    tx = exchange.settle(account, btc_dated, sender=trader)

    elapsed = expiry - chain.blocks[opened.block_number].timestamp
    expected = funding_paid(wad(1), index_increment(wad(65000), 10**10, elapsed))
    assert tx.events.filter(exchange.PositionSettled)[0].fundingPaidWad == expected


def test_liquidate__expired_position__settled_not_traded(
    exchange, feeds, owner, open_account, trader, keeper, btc_dated, past_expiry
):
    account = open_account(margin=1000)
    buy(exchange, account, btc_dated, wad("0.15"), trader)
    past_expiry()
    set_price(feeds["BTC"], 56000, owner)

    tx = exchange.liquidate(account, sender=keeper)

    assert tx.events.filter(exchange.PositionSettled)[0].settlementPriceWad == wad(56000)
    assert not tx.events.filter(exchange.Traded)
    # 0.5% of 0.15 × 56,000.
    assert tx.events.filter(exchange.Liquidated)[0].rewardWad == wad(42)
