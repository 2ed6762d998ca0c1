"""Initial and maintenance margin: trades and withdrawals that add risk must leave equity at or
above the initial requirement; reductions are never blocked, even for an account under water."""

from synthvault.units import scaled, wad
from tests.utils.chain import set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import UNIT, buy, fee, fill_price, params_of, realized_pnl, sell, traded


def test_trade__beyond_initial_margin__reverts(exchange, open_account, trader, btc):
    account = open_account(margin=1000)

    # 0.17 BTC needs 1,020 of initial margin; equity after the fill would be
    # 1,000 − fee 5.100053 − impact 0.17 × 0.612 = 994.795907.
    with reverts(
        exchange.ExchangeInsufficientMargin, accountId=account, equityWad=wad("994.795907"), initialWad=wad(1020)
    ):
        buy(exchange, account, btc, wad("0.17"), trader)


def test_trade__within_initial_margin__goes_through(exchange, open_account, trader, btc):
    account = open_account(margin=1000)

    buy(exchange, account, btc, wad("0.16"), trader)

    initial, maintenance = exchange.requirements(account)
    assert (initial, maintenance) == (wad(960), wad(480))
    assert exchange.equity(account) >= initial


def test_trade__flip_adds_risk__checked(exchange, open_account, trader, btc):
    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.16"), trader)

    # Flipping to a 0.17 BTC short opens 1,020 of initial margin on the other side.
    with reverts(exchange.ExchangeInsufficientMargin, accountId=account, initialWad=wad(1020)):
        sell(exchange, account, btc, wad("0.33"), trader)


def test_withdraw_margin__below_initial_margin__reverts(exchange, open_account, trader, btc):
    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.1"), trader)  # initial margin 600
    equity = exchange.equity(account)

    with reverts(
        exchange.ExchangeInsufficientMargin, accountId=account, equityWad=equity - wad(400), initialWad=wad(600)
    ):
        exchange.withdrawMargin(account, scaled(400, 6), trader, sender=trader)
    exchange.withdrawMargin(account, scaled(300, 6), trader, sender=trader)

    assert exchange.equity(account) == equity - wad(300)


def test_requirements__sum_over_markets_at_mark(exchange, feeds, owner, open_account, trader, btc, idx):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad("0.1"), trader)
    sell(exchange, account, idx, wad(10), trader)
    set_price(feeds["BTC"], 50000, owner)

    # BTC 0.1 × 50,000 × (10%, 5%) + IDX 10 × 1,000 × (20%, 10%).
    assert exchange.requirements(account) == (wad(500) + wad(2000), wad(250) + wad(1000))


def _under_water(exchange, feeds, owner, open_account, trader, btc):
    """An account of 1,000 long 0.16 BTC from 60,000, marked at 50,000: equity about −605."""
    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.16"), trader)
    set_price(feeds["BTC"], 50000, owner)
    assert exchange.equity(account) < 0
    return account


def test_trade__reduce_under_water__goes_through_and_leaves_a_debt(
    exchange, usdc, pool, feeds, owner, open_account, trader, btc
):
    account = _under_water(exchange, feeds, owner, open_account, trader, btc)
    margin = exchange.marginOf(account)
    pool_before = usdc.balanceOf(pool)

    event = traded(sell(exchange, account, btc, wad("0.15"), trader), exchange)

    # Realised −1,500.14265 and a fee of 3.749972 against a margin of 995.199953.
    assert margin == wad("995.199953")
    assert event.realizedPnlWad == -wad("1500.14265")
    assert event.feeWad == wad("3.749972")
    assert exchange.signedMarginOf(account) == wad("995.199953") - wad("1500.14265") - wad("3.749972")
    assert exchange.marginOf(account) == 0
    # The pool received only what the margin held: the rest is a debt on the account.
    assert (usdc.balanceOf(pool) - pool_before) * UNIT == margin
    assert usdc.balanceOf(exchange) == 0
    assert exchange.totalMarginWad() == 0


def test_trade__increase_under_water__reverts(exchange, feeds, owner, open_account, trader, btc):
    account = _under_water(exchange, feeds, owner, open_account, trader, btc)
    with reverts(exchange.ExchangeInsufficientMargin, accountId=account):
        buy(exchange, account, btc, wad("0.01"), trader)


def test_trade__close_last_position_in_debt__writes_debt_off(exchange, feeds, owner, open_account, trader, btc):
    account = _under_water(exchange, feeds, owner, open_account, trader, btc)
    sell(exchange, account, btc, wad("0.15"), trader)
    debt = -exchange.signedMarginOf(account)

    tx = sell(exchange, account, btc, wad("0.01"), trader)

    event = traded(tx, exchange)
    written_off = tx.events.filter(exchange.BadDebtWrittenOff)[0]
    assert written_off.accountId == account
    assert written_off.amountWad == debt - event.realizedPnlWad + event.feeWad
    assert exchange.signedMarginOf(account) == 0
    assert exchange.positions(account) == []


def test_deposit_margin__in_debt__repays_the_pool_first(exchange, usdc, pool, feeds, owner, open_account, trader, btc,
                                                        fund):
    account = _under_water(exchange, feeds, owner, open_account, trader, btc)
    sell(exchange, account, btc, wad("0.15"), trader)
    debt = -exchange.signedMarginOf(account)
    pool_before = usdc.balanceOf(pool)
    fund(trader, 1000)

    exchange.depositMargin(account, scaled(1000, 6), sender=trader)

    assert (usdc.balanceOf(pool) - pool_before) * UNIT == debt
    assert exchange.marginOf(account) == wad(1000) - debt
    assert usdc.balanceOf(exchange) * UNIT == exchange.totalMarginWad() == wad(1000) - debt


def test_trade__reduce_pays_debt_from_profit_before_margin(exchange, usdc, pool, feeds, owner, open_account, trader,
                                                           btc):
    """A debt from one reduction is recovered from the next profit before any margin is credited."""
    account = _under_water(exchange, feeds, owner, open_account, trader, btc)
    sell(exchange, account, btc, wad("0.15"), trader)
    debt = -exchange.signedMarginOf(account)
    set_price(feeds["BTC"], 70000, owner)  # the last 0.01 BTC is in profit (40%: within the breaker)
    pool_before = usdc.balanceOf(pool)

    event = traded(sell(exchange, account, btc, wad("0.01"), trader), exchange)

    params = params_of(exchange, btc)
    fill = fill_price(wad(70000), -wad("0.01"), params.impactWad)
    credit = realized_pnl(wad("0.01"), wad("60000.576"), fill) - fee(-wad("0.01"), fill, params.takerFeeWad)
    assert event.realizedPnlWad - event.feeWad == credit
    assert credit < debt
    assert exchange.signedMarginOf(account) == 0  # the rest of the debt was written off
    assert usdc.balanceOf(pool) == pool_before  # the pool paid nothing: the profit repaid the debt
