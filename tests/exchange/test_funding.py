"""Funding: a signed rate per market, accrued per second into a cumulative index (USD per unit of
size), settled on every touch; longs pay shorts when the rate is positive."""

import pytest

from synthvault.units import wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import UNIT, buy, funding_owed, funding_paid, hold, index_increment, sell, traded

RATE = 10**10  # 1e-8 of notional per second: 2.16 USD per BTC-hour at 60,000


def _timestamp(chain, tx=None) -> int:
    return chain.blocks[tx.block_number].timestamp if tx else chain.blocks.head.timestamp


@pytest.fixture
def btc_funded(exchange, funding_keeper, btc):
    """BTC-PERP with a positive funding rate."""
    exchange.setFundingRate(btc, RATE, sender=funding_keeper)
    return btc


def test_set_funding_rate__keeper__sets_and_emits(exchange, funding_keeper, btc):
    tx = exchange.setFundingRate(btc, RATE, sender=funding_keeper)

    event = tx.events.filter(exchange.FundingRateSet)[0]
    assert (event.marketId, event.ratePerSecondWad, event.fundingIndexWad) == (btc, RATE, 0)
    assert exchange.market(btc).fundingRatePerSecondWad == RATE


def test_set_funding_rate__owner__allowed(exchange, owner, btc):
    exchange.setFundingRate(btc, -RATE, sender=owner)
    assert exchange.market(btc).fundingRatePerSecondWad == -RATE


def test_set_funding_rate__stranger__reverts(exchange, attacker, btc):
    with reverts(exchange.ExchangeUnauthorizedKeeper, caller=attacker):
        exchange.setFundingRate(btc, RATE, sender=attacker)


def test_set_funding_rate__removed_keeper__reverts(exchange, owner, funding_keeper, btc):
    exchange.setFundingKeeper(funding_keeper, False, sender=owner)
    with reverts(exchange.ExchangeUnauthorizedKeeper, caller=funding_keeper):
        exchange.setFundingRate(btc, RATE, sender=funding_keeper)


def test_set_funding_rate__too_high__reverts(exchange, funding_keeper, btc):
    with reverts(exchange.ExchangeFundingRateTooHigh, ratePerSecondWad=-(10**13 + 1), maxRatePerSecondWad=10**13):
        exchange.setFundingRate(btc, -(10**13 + 1), sender=funding_keeper)


def test_set_funding_rate__unchanged__reverts(exchange, funding_keeper, btc_funded):
    with reverts(exchange.ExchangeAlreadySet):
        exchange.setFundingRate(btc_funded, RATE, sender=funding_keeper)


def test_set_funding_rate__accrues_old_rate_first(exchange, chain, funding_keeper, btc_funded):
    since = exchange.market(btc_funded).lastFundingUpdate
    advance(chain, 1000)

    tx = exchange.setFundingRate(btc_funded, 2 * RATE, sender=funding_keeper)

    elapsed = _timestamp(chain, tx) - since
    expected = index_increment(wad(60000), RATE, elapsed)
    assert tx.events.filter(exchange.FundingRateSet)[0].fundingIndexWad == expected
    assert exchange.market(btc_funded).fundingIndexWad == expected
    assert exchange.market(btc_funded).lastFundingUpdate == _timestamp(chain, tx)


def test_funding__long_owes_over_time(exchange, chain, feeds, owner, open_account, trader, btc_funded):
    account = open_account(margin=10_000)
    opened = buy(exchange, account, btc_funded, wad(1), trader)
    hold(chain, 3600, feeds["BTC"], owner)

    elapsed = _timestamp(chain) - _timestamp(chain, opened)
    owed = exchange.fundingOwed(account, btc_funded)

    assert owed == funding_owed(wad(1), index_increment(wad(60000), RATE, elapsed))
    assert owed == wad("0.0006") * elapsed  # 60,000 × 1e-8 per second per BTC
    assert exchange.positions(account)[0].fundingOwedWad == owed
    assert exchange.equity(account) == exchange.signedMarginOf(account) - wad("3.6") - owed


def test_funding__short_is_owed_over_time(exchange, chain, feeds, owner, open_account, trader, btc_funded):
    account = open_account(margin=20_000)
    opened = sell(exchange, account, btc_funded, wad(2), trader)
    hold(chain, 7200, feeds["BTC"], owner)

    elapsed = _timestamp(chain) - _timestamp(chain, opened)
    assert exchange.fundingOwed(account, btc_funded) == -wad("0.0012") * elapsed


def test_funding__negative_rate__shorts_pay_longs(exchange, chain, owner, open_account, trader, trader2, btc):
    exchange.setFundingRate(btc, -RATE, sender=owner)
    long_account = open_account(owner=trader)
    short_account = open_account(owner=trader2)
    buy(exchange, long_account, btc, wad(1), trader)
    sell(exchange, short_account, btc, wad(1), trader2)
    advance(chain, 600)

    assert exchange.fundingOwed(long_account, btc) < 0 < exchange.fundingOwed(short_account, btc)


def test_funding__settled_on_touch__long_pays_pool(
    exchange, usdc, pool, chain, feeds, owner, open_account, trader, btc_funded
):
    account = open_account(margin=10_000)
    opened = buy(exchange, account, btc_funded, wad(1), trader)
    hold(chain, 3600, feeds["BTC"], owner)
    margin = exchange.signedMarginOf(account)
    pool_before = usdc.balanceOf(pool)

    tx = sell(exchange, account, btc_funded, wad("0.5"), trader)

    elapsed = _timestamp(chain, tx) - _timestamp(chain, opened)
    event = traded(tx, exchange)
    assert event.fundingPaidWad == funding_paid(wad(1), index_increment(wad(60000), RATE, elapsed))
    assert event.fundingPaidWad == wad("0.0006") * elapsed
    assert exchange.signedMarginOf(account) == margin + event.realizedPnlWad - event.feeWad - event.fundingPaidWad
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == event.feeWad + event.fundingPaidWad - event.realizedPnlWad
    # Settled: nothing more is owed until time passes again.
    assert exchange.fundingOwed(account, btc_funded) == 0


def test_funding__settled_on_touch__short_receives(exchange, chain, feeds, owner, open_account, trader, btc_funded):
    account = open_account(margin=10_000)
    opened = sell(exchange, account, btc_funded, wad(1), trader)
    hold(chain, 3600, feeds["BTC"], owner)

    tx = buy(exchange, account, btc_funded, wad(1), trader)

    elapsed = _timestamp(chain, tx) - _timestamp(chain, opened)
    assert traded(tx, exchange).fundingPaidWad == -wad("0.0006") * elapsed


def test_funding__rounds_against_the_trader(exchange, chain, owner, open_account, trader, trader2, idx):
    """A fraction of a micro-dollar of funding is charged in full to a payer, dropped for a receiver."""
    exchange.setFundingRate(idx, 7, sender=owner)  # 1,000 × 7e-18 = 7e-15 USD per unit-second
    payer = open_account(owner=trader)
    receiver = open_account(owner=trader2)
    buy(exchange, payer, idx, wad(1), trader)
    sell(exchange, receiver, idx, wad(1), trader2)
    advance(chain, 100)

    assert traded(sell(exchange, payer, idx, wad(1), trader), exchange).fundingPaidWad == UNIT
    assert traded(buy(exchange, receiver, idx, wad(1), trader2), exchange).fundingPaidWad == 0


def test_funding__accrues_each_stretch_at_the_price_read_when_it_closes(
    exchange, chain, feeds, owner, open_account, trader, btc_funded
):
    """The index grows by the mark read at each touch × rate × the seconds since the last touch."""
    account = open_account(margin=10_000)
    opened = buy(exchange, account, btc_funded, wad(1), trader)
    advance(chain, 1800)
    touched = buy(exchange, open_account(owner=owner), btc_funded, wad("0.01"), owner)  # accrues at 60,000
    set_price(feeds["BTC"], 50000, owner)
    advance(chain, 1800)

    first = index_increment(wad(60000), RATE, _timestamp(chain, touched) - _timestamp(chain, opened))
    second = index_increment(wad(50000), RATE, _timestamp(chain) - _timestamp(chain, touched))
    assert exchange.fundingOwed(account, btc_funded) == funding_owed(wad(1), first + second)
