"""Gas of the futures venue: what a trader pays, and what the vault pays to value an account."""

from typing import Any

from synthvault.gas import BenchContext, Measurement, bench, view_gas
from synthvault.units import scaled, wad


def _funded_account(ctx: BenchContext, who: Any, usd: int) -> tuple[Any, int, Any]:
    exchange, usdc = ctx.system.contracts["exchange"], ctx.system.contracts["usdc"]
    usdc.mint(who, 2 * scaled(usd, usdc.decimals()), sender=ctx.accounts["owner"])  # enough to deposit again
    usdc.approve(exchange, 2**256 - 1, sender=who)
    opened = exchange.openAccount(sender=who)
    account = opened.return_value
    deposit = exchange.depositMargin(account, scaled(usd, usdc.decimals()), sender=who)
    return opened, account, deposit


@bench
def trading(ctx: BenchContext) -> list[Measurement]:
    exchange, trader = ctx.system.contracts["exchange"], ctx.accounts["trader"]
    m = ctx.system.markets
    opened, account, deposit = _funded_account(ctx, trader, 100_000)
    second_deposit = exchange.depositMargin(account, scaled(1_000, 6), sender=trader)
    open_long = exchange.trade(account, m["BTC-PERP"], wad(1), 2**256 - 1, sender=trader)
    equity_1 = view_gas(exchange.equity, account, sender=trader)
    increase = exchange.trade(account, m["BTC-PERP"], wad("0.5"), 2**256 - 1, sender=trader)
    exchange.trade(account, m["ETH-PERP"], wad(-10), 0, sender=trader)
    exchange.trade(account, m["IDX-PERP"], wad(20), 2**256 - 1, sender=trader)
    equity_3 = view_gas(exchange.equity, account, sender=trader)
    reduce = exchange.trade(account, m["BTC-PERP"], wad("-0.5"), 0, sender=trader)
    close = exchange.trade(account, m["ETH-PERP"], wad(10), 2**256 - 1, sender=trader)
    withdraw = exchange.withdrawMargin(account, scaled(1_000, 6), trader, sender=trader)
    return [
        Measurement("FuturesExchange.openAccount", opened.gas_used, "mints the account token"),
        Measurement("FuturesExchange.depositMargin", deposit.gas_used, "first deposit"),
        Measurement("FuturesExchange.depositMargin (again)", second_deposit.gas_used, "a later deposit"),
        Measurement("FuturesExchange.trade (open)", open_long.gas_used, "new position, 1 market"),
        Measurement("FuturesExchange.trade (increase)", increase.gas_used, "same side"),
        Measurement("FuturesExchange.trade (reduce)", reduce.gas_used, "realises PnL with the pool"),
        Measurement("FuturesExchange.trade (close)", close.gas_used, "last of a market"),
        Measurement("FuturesExchange.withdrawMargin", withdraw.gas_used, "3 markets open"),
        Measurement("FuturesExchange.equity (1 market)", equity_1, "view"),
        Measurement("FuturesExchange.equity (3 markets)", equity_3, "view"),
    ]


@bench
def liquidation(ctx: BenchContext) -> list[Measurement]:
    exchange, trader, keeper = ctx.system.contracts["exchange"], ctx.accounts["trader"], ctx.accounts["keeper"]
    m = ctx.system.markets
    _, account, _ = _funded_account(ctx, trader, 2_000)
    exchange.trade(account, m["BTC-PERP"], wad("0.15"), 2**256 - 1, sender=trader)
    exchange.trade(account, m["ETH-PERP"], wad(2), 2**256 - 1, sender=trader)
    for asset, price in (("BTC", 52_000), ("ETH", 2_600)):
        ctx.system.feeds[asset].submit(scaled(price, 8), sender=ctx.accounts["owner"])
    liquidated = exchange.liquidate(account, sender=keeper)
    return [Measurement("FuturesExchange.liquidate (2 markets)", liquidated.gas_used,
                        "closes both, pays the keeper (under water: the minimum reward, from the pool)")]
