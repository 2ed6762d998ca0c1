"""Gas of the operations the vault and keepers lean on, with ceilings that catch regressions.
Ceilings are on receipts' `gas_used` (intrinsic 21,000 and calldata included); a view is measured
by sending it as a transaction. `make gas TESTS=tests/exchange/test_gas.py` prints Ape's table. (Whole-suite `--gas` runs
trip over an Ape 0.8.51 bug with Anvil traces: a view that returns a struct, or reverts, breaks
its gas report; these tests avoid both.)"""

from tests.utils.exchange import buy, sell
from synthvault.units import scaled, wad

INTRINSIC = 21_000


def test_gas__deposit_margin(exchange, trader, fund):
    account = exchange.openAccount(sender=trader).events.filter(exchange.AccountOpened)[0].accountId
    fund(trader, 2000)
    first = exchange.depositMargin(account, scaled(1000, 6), sender=trader)
    again = exchange.depositMargin(account, scaled(1000, 6), sender=trader)
    print(f"\ndepositMargin: first {first.gas_used}, again {again.gas_used}")
    assert first.gas_used < 115_000 and again.gas_used < 80_000


def test_gas__trade(exchange, feeds, owner, open_account, trader, btc, eth):
    account = open_account(margin=50_000)
    opened = buy(exchange, account, btc, wad(1), trader)
    increased = buy(exchange, account, btc, wad(1), trader)
    second_market = sell(exchange, account, eth, wad(5), trader)
    reduced = sell(exchange, account, btc, wad("0.5"), trader)
    closed = sell(exchange, account, btc, wad("1.5"), trader)
    gas = [tx.gas_used for tx in (opened, increased, second_market, reduced, closed)]
    print(f"\ntrade: open {gas[0]}, increase {gas[1]}, open 2nd market {gas[2]}, reduce {gas[3]}, close {gas[4]}")
    assert max(gas) < 200_000


def test_gas__equity(exchange, open_account, trader, btc, eth, idx):
    account = open_account(margin=50_000)
    buy(exchange, account, btc, wad(1), trader)
    one_market = exchange.equity.transact(account, sender=trader).gas_used - INTRINSIC
    buy(exchange, account, eth, wad(1), trader)
    buy(exchange, account, idx, wad(1), trader)
    three_markets = exchange.equity.transact(account, sender=trader).gas_used - INTRINSIC
    print(f"\nequity beyond intrinsic: one market {one_market}, three markets {three_markets}")
    assert one_market < 30_000
    assert three_markets < 80_000


def test_gas__views_and_withdraw(exchange, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad("0.1"), trader)
    exchange.requirements(account)
    exchange.positions(account)
    exchange.markPrice(btc)
    withdrawn = exchange.withdrawMargin(account, scaled(100, 6), trader, sender=trader)
    print(f"\nwithdrawMargin with one position {withdrawn.gas_used}")
    assert withdrawn.gas_used < 120_000


def test_gas__liquidate(exchange, feeds, owner, open_account, trader, keeper, btc):
    from tests.utils.chain import set_price

    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.15"), trader)
    set_price(feeds["BTC"], 56000, owner)
    liquidated = exchange.liquidate(account, sender=keeper)
    print(f"\nliquidate one market {liquidated.gas_used}")
    assert liquidated.gas_used < 200_000
