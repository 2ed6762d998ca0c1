"""The liquidity pool: an ERC-4626 vault over the stablecoin, counterparty of every position. It
takes losses and fees, pays profits out of what it holds (its cash), and never pays more; it is
worth its cash less the traders' open PnL, and new LP shares wait out a cooldown."""

from synthvault.units import scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.exchange import UNIT, buy, sell, traded


def test_pool__wired_to_exchange(exchange, pool, usdc):
    assert pool.exchange() == exchange
    assert pool.asset() == usdc
    assert exchange.pool() == pool
    assert exchange.marginToken() == usdc
    assert pool.decimals() == 18
    assert pool.totalAssets() == pool.cash() == scaled(1_000_000, 6)
    assert pool.cooldown() == 24 * 3600  # set after the seed deposit (config/local.yaml)


def test_pool__lp_deposit_and_redeem(pool, usdc, lp, chain):
    usdc.mint(lp, scaled(5000, 6), sender=lp)
    usdc.approve(pool, scaled(5000, 6), sender=lp)

    tx = pool.deposit(scaled(5000, 6), lp, sender=lp)
    shares = pool.balanceOf(lp)
    assert shares == wad(5000)  # 18-decimal shares, one per dollar while nothing has moved
    opens = chain.blocks[tx.block_number].timestamp + 24 * 3600
    assert pool.lockOf(lp) == (shares, opens)

    # New shares wait out the cooldown (a redeem, or a transfer, before it fails).
    with reverts(pool.LiquidityPoolCooldown, account=lp, unlocksAt=opens):
        pool.redeem(shares, lp, lp, sender=lp)
    with reverts(pool.LiquidityPoolCooldown, account=lp, unlocksAt=opens):
        pool.transfer(lp, 1, sender=lp)
    advance(chain, opens - chain.pending_timestamp)
    pool.redeem(shares, lp, lp, sender=lp)
    assert usdc.balanceOf(lp) == scaled(5000, 6)


def test_pool__fees_and_impact_raise_share_price(exchange, pool, owner, open_account, trader, btc):
    shares = pool.balanceOf(owner)
    before = pool.convertToAssets(shares)
    account = open_account(margin=10_000)

    buy(exchange, account, btc, wad(1), trader)

    # The fee, and the trader's open loss of the impact (filled at 60,003.6: 3.6 down), marked
    # in; less ERC-4626's virtual share.
    assert pool.convertToAssets(shares) - before == scaled("30.0018", 6) + scaled("3.6", 6) - 1


def test_pool__pay__only_exchange(pool, attacker):
    with reverts(pool.LiquidityPoolOnlyExchange, caller=attacker):
        pool.pay(attacker, 1, sender=attacker)


def test_pool__profit_beyond_pool__cut_to_what_it_holds(exchange, usdc, pool, feeds, owner, open_account, trader, btc):
    """A profit the pool cannot pay is not created: the trader gets what the pool holds, the rest
    is reported (`PoolShortfall`) and lost, and the position still closes."""
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    # All the pool's cash (its value also counts the trader's open loss, which it does not hold).
    pool.redeem(pool.maxRedeem(owner), owner, owner, sender=owner)
    left = usdc.balanceOf(pool)
    margin = exchange.marginOf(account)
    set_price(feeds["BTC"], 70000, owner)

    tx = sell(exchange, account, btc, wad(1), trader)

    event = traded(tx, exchange)
    owed = event.realizedPnlWad - event.feeWad
    shortfall = tx.events.filter(exchange.PoolShortfall)[0]
    assert (shortfall.accountId, shortfall.owedWad, shortfall.paidWad) == (account, owed, left * UNIT)
    assert left * UNIT < owed
    assert exchange.marginOf(account) == margin + left * UNIT
    assert usdc.balanceOf(pool) == 0
    assert exchange.positions(account) == []
    assert usdc.balanceOf(exchange) * UNIT == exchange.totalMarginWad()


def test_pool__losses_and_fees_flow_in(exchange, usdc, pool, feeds, owner, open_account, trader, eth):
    account = open_account(margin=10_000)
    before = usdc.balanceOf(pool)
    sell(exchange, account, eth, wad(2), trader)
    set_price(feeds["ETH"], 3100, owner)
    event = traded(buy(exchange, account, eth, wad(2), trader), exchange)

    assert (usdc.balanceOf(pool) - before) * UNIT == wad(10_000) - exchange.marginOf(account)
    assert wad(10_000) - exchange.marginOf(account) == wad("2.999964") + event.feeWad - event.realizedPnlWad
