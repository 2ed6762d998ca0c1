"""Gas of liquidation: one position with its futures on one market and on three, and batches of
10 and 50 through `liquidateMany`. Every position owes sXAU against a long futures account and is
liquidated partially, back to the minting ratio (its futures closed in proportion, the freed
margin withdrawn, the fund paid its cut). The keeper already holds some USDC, as a working keeper
does (a first-ever USDC balance would add 17,100 gas once)."""

from typing import Any

from synthvault.gas import BenchContext, Measurement, bench
from synthvault.units import scaled, wad

MAX_UINT = 2**256 - 1
# (market, size): one BTC long; or BTC and ETH long beside an index short.
ONE_MARKET = (("BTC-PERP", "1"),)
THREE_MARKETS = (("BTC-PERP", "1"), ("ETH-PERP", "10"), ("IDX-PERP", "-20"))


def _position(ctx: BenchContext, legs: tuple[tuple[str, str], ...], margin: int, mint: str) -> int:
    """A position of the trader owing `mint` sXAU against a futures account of `margin` USDC
    holding `legs`; the sXAU goes to the keeper."""
    c, trader, owner = ctx.system.contracts, ctx.accounts["trader"], ctx.accounts["owner"]
    exchange, vault, usdc, sxau = c["exchange"], c["vault"], c["usdc"], ctx.system.synths["sXAU"]
    amount = scaled(margin, usdc.decimals())
    usdc.mint(trader, amount, sender=owner)
    usdc.approve(exchange, amount, sender=trader)
    account = exchange.openAccount(sender=trader).return_value
    exchange.depositMargin(account, amount, sender=trader)
    for market, size in legs:
        delta = wad(size)
        exchange.trade(account, ctx.system.markets[market], delta, MAX_UINT if delta > 0 else 0, sender=trader)
    position = vault.open(sxau, sender=trader).return_value
    c["futures_accounts"].approve(vault, account, sender=trader)
    vault.lock(position, account, sender=trader)
    vault.mint(position, wad(mint), sender=trader)
    sxau.transfer(ctx.accounts["keeper"], wad(mint), sender=trader)
    return position


def _crash(ctx: BenchContext, btc: int, eth: int) -> None:
    """BTC and ETH fall: every position built here goes under its liquidation ratio."""
    owner = ctx.accounts["owner"]
    ctx.system.feeds["BTC"].submit(scaled(btc, 8), sender=owner)
    ctx.system.feeds["ETH"].submit(scaled(eth, 8), sender=owner)


def _working_keeper(ctx: BenchContext) -> Any:
    keeper, usdc = ctx.accounts["keeper"], ctx.system.contracts["usdc"]
    usdc.mint(keeper, 1, sender=ctx.accounts["owner"])
    return keeper


@bench
def liquidate_one(ctx: BenchContext) -> list[Measurement]:
    engine, keeper = ctx.system.contracts["engine"], _working_keeper(ctx)
    one = _position(ctx, ONE_MARKET, 20_000, "4.3")
    three = _position(ctx, THREE_MARKETS, 30_000, "6.8")
    _crash(ctx, 52_000, 2_700)
    tx_one = engine.liquidate(one, MAX_UINT, 0, sender=keeper)
    tx_three = engine.liquidate(three, MAX_UINT, 0, sender=keeper)
    return [
        Measurement("LiquidationEngine.liquidate (1 market)", tx_one.gas_used,
                    "partial: 1 futures market closed in part, margin withdrawn, fund paid"),
        Measurement("LiquidationEngine.liquidate (3 markets)", tx_three.gas_used,
                    "partial: 3 futures markets closed in part"),
    ]


@bench
def liquidate_many(ctx: BenchContext) -> list[Measurement]:
    engine, keeper = ctx.system.contracts["engine"], _working_keeper(ctx)
    batches = {10: [_position(ctx, ONE_MARKET, 20_000, "4.3") for _ in range(10)]}
    batches[50] = [_position(ctx, ONE_MARKET, 20_000, "4.3") for _ in range(50)]
    _crash(ctx, 52_000, 2_700)
    gas = {size: engine.liquidateMany(positions, 0, sender=keeper).gas_used for size, positions in batches.items()}
    # The first position of a batch pays the cold reads of everything the others share.
    further = (gas[50] - gas[10]) // 40
    return [
        Measurement("LiquidationEngine.liquidateMany (10 positions)", gas[10],
                    f"1 market each; {gas[10] // 10:,} a position on average"),
        Measurement("LiquidationEngine.liquidateMany (50 positions)", gas[50],
                    f"{gas[50] // 50:,} a position on average, {further:,} for each one past the tenth"),
    ]
