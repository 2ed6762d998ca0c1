"""Gas of liquidation: one position with its futures on one market, on three and on eight (the
most an exchange account holds), batches of 10 and 50 through `liquidateMany`, and one position
through sXAU's stability pool (with the pool's deposit and withdrawal). Every position owes sXAU
against a long futures account. The large ones are liquidated partially, back to the
minting ratio (their futures closed in proportion, the freed margin withdrawn, the fund paid its
cut); the ones at sXAU's minimum debt are liquidated whole (every market closed), which is what
the keeper of the smallest position pays for (`synthvault/economics.py` checks the minimum debts
against it). The keeper already holds some USDC, as a working keeper does (a first-ever USDC
balance would add 17,100 gas once)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from synthvault.deploy import add_markets
from synthvault.gas import BenchContext, Measurement, bench
from synthvault.units import asset_id, from_wad, scaled, wad

MAX_UINT = 2**256 - 1
# (market, size): one BTC long; or BTC and ETH long beside an index short.
ONE_MARKET = (("BTC-PERP", "2.5"),)
THREE_MARKETS = (("BTC-PERP", "2"), ("ETH-PERP", "20"), ("IDX-PERP", "-40"))
# The config lists four markets; an account may hold eight (`FuturesExchange.MAX_POSITIONS`). These
# four more, on the config's other feeds, are listed for the benches that need them.
MORE_MARKETS = {
    name: {"asset": asset, "initial_margin_bps": 1000, "maintenance_margin_bps": 500, "taker_fee_bps": 5,
           "impact_bps_per_million_usd": 20} | extra
    for name, asset, extra in (("XAU-PERP", "XAU", {}), ("SPX-PERP", "SPX", {}), ("RE-PERP", "RE", {}),
                               ("ETH-DATED", "ETH", {"expiry_days": 30}))
}
EIGHT_MARKETS = THREE_MARKETS + (("BTC-DATED", "1"), ("XAU-PERP", "4"), ("SPX-PERP", "-2"), ("RE-PERP", "20"),
                                 ("ETH-DATED", "-10"))
# Beside a BTC long sized to the minimum debt: a leg in each of the seven other markets, long (1)
# or short (-1) (`min_debt_shape`).
SMALL_LEGS = (("ETH-PERP", 1), ("IDX-PERP", -1), ("BTC-DATED", 1), ("XAU-PERP", 1), ("SPX-PERP", -1),
              ("RE-PERP", 1), ("ETH-DATED", -1))
# What the crash takes off a gapped minimum-debt position, in debts: from 160% to about 90%.
GAPPED_LOSS = Decimal("0.7")
# The crash every bench applies (from $60,000 and $3,000).
BTC_AFTER, ETH_AFTER = 52_000, 2_700


def list_more_markets(ctx: BenchContext) -> dict[str, int]:
    """Lists `MORE_MARKETS`, so that an account can hold eight markets; every market's id by name."""
    return ctx.system.markets | add_markets(ctx.system.contracts["exchange"], ctx.accounts["owner"], MORE_MARKETS)


def _position(ctx: BenchContext, legs: tuple[tuple[str, str], ...], margin: Any, mint: Any,
              markets: dict[str, int] | None = None, spot_btc: Any = 0) -> int:
    """A position of the trader owing `mint` sXAU against a futures account of `margin` USDC
    holding `legs` (in `markets`, by default the config's) and `spot_btc` WBTC beside it; the sXAU
    goes to the keeper."""
    c, trader, owner = ctx.system.contracts, ctx.accounts["trader"], ctx.accounts["owner"]
    exchange, vault, usdc, wbtc, sxau = c["exchange"], c["vault"], c["usdc"], c["wbtc"], ctx.system.synths["sXAU"]
    amount = scaled(margin, usdc.decimals())
    usdc.mint(trader, amount, sender=owner)
    usdc.approve(exchange, amount, sender=trader)
    account = exchange.openAccount(sender=trader).return_value
    exchange.depositMargin(account, amount, sender=trader)
    for market, size in legs:
        delta = wad(size)
        exchange.trade(account, (markets or ctx.system.markets)[market], delta, MAX_UINT if delta > 0 else 0,
                       sender=trader)
    position = vault.open(sxau, sender=trader).return_value
    if spot := scaled(spot_btc, wbtc.decimals()):
        wbtc.mint(trader, spot, sender=owner)
        wbtc.approve(vault, spot, sender=trader)
        vault.addSpot(position, spot, sender=trader)
    c["futures_accounts"].approve(vault, account, sender=trader)
    vault.lock(position, account, sender=trader)
    vault.mint(position, wad(mint), sender=trader)
    sxau.transfer(ctx.accounts["keeper"], wad(mint), sender=trader)
    return position


def min_debt_shape(debt_usd: Decimal, price: Callable[[str], Decimal], spot: bool,
                   others: tuple[tuple[str, int], ...] = (), loss: Decimal = Decimal("0.45"),
                   ) -> tuple[Decimal, Decimal, list[tuple[str, Decimal]]]:
    """The costliest position to liquidate at a minimum debt worth `debt_usd`, as (spot BTC,
    margin USD, legs as (market, size)): collateral of 1.6 times the debt, a tenth of it in spot
    BTC (if `spot`) and the rest an account long enough BTC-PERP that the crash to `BTC_AFTER`
    takes `loss` times the debt off (0.45: to about 115%, under the liquidation ratio with the
    penalty still covered; 0.7: to about 90%, a gap the fund covers), with a leg of a twelfth of
    the debt in each of the `others` markets, long (1) or short (-1), over every market's minimum
    position (`min_position_usd`). `price` gives a market's asset price in USD."""
    step = Decimal("0.00001")
    drop = price("BTC-PERP") - BTC_AFTER
    spot_btc = (debt_usd / 10 / price("BTC-PERP")).quantize(Decimal("0.00000001")) if spot else Decimal(0)
    margin = (debt_usd * Decimal("1.6") - spot_btc * price("BTC-PERP")).quantize(Decimal(1))
    legs = [("BTC-PERP", ((debt_usd * loss - spot_btc * drop) / drop).quantize(step))]
    legs += [(market, (side * debt_usd / 12 / price(market)).quantize(step)) for market, side in others]
    return spot_btc, margin, legs


def _min_debt_position(ctx: BenchContext, markets: dict[str, int], others: tuple[tuple[str, int], ...] = (),
                       loss: Decimal = Decimal("0.45")) -> int:
    """A position of `min_debt_shape`, with spot, owing exactly sXAU's minimum debt."""
    oracle, sxau = ctx.system.contracts["oracle"], ctx.system.synths["sXAU"]
    min_debt = from_wad(ctx.system.contracts["vault"].synthParams(sxau).minDebt)
    assets = {name: cfg["asset"] for name, cfg in (ctx.config["exchange"]["markets"] | MORE_MARKETS).items()}
    spot, margin, legs = min_debt_shape(min_debt * from_wad(oracle.priceWad(sxau.asset())),
                                        lambda market: from_wad(oracle.priceWad(asset_id(assets[market]))),
                                        spot=True, others=others, loss=loss)
    return _position(ctx, tuple((market, str(size)) for market, size in legs), margin, min_debt, markets, spot)


def _crash(ctx: BenchContext, btc: int = BTC_AFTER, eth: int = ETH_AFTER) -> None:
    """BTC and ETH fall: every position built here goes under its liquidation ratio."""
    owner = ctx.accounts["owner"]
    ctx.system.feeds["BTC"].submit(scaled(btc, 8), sender=owner)
    ctx.system.feeds["ETH"].submit(scaled(eth, 8), sender=owner)


def _liquidate(ctx: BenchContext, position: int, whole: bool) -> Any:
    """The keeper liquidates `position`, which must be repaid whole or in part as the bench says."""
    vault, engine = ctx.system.contracts["vault"], ctx.system.contracts["engine"]
    tx = engine.liquidate(position, MAX_UINT, 0, sender=ctx.accounts["keeper"])
    left = vault.position(position).debt
    if (left == 0) != whole:
        raise AssertionError(f"position {position}: {left} of its debt left, expected a "
                             f"{'whole' if whole else 'partial'} liquidation")
    return tx


def _working_keeper(ctx: BenchContext) -> Any:
    keeper, owner, c = ctx.accounts["keeper"], ctx.accounts["owner"], ctx.system.contracts
    c["usdc"].mint(keeper, 1, sender=owner)
    c["wbtc"].mint(keeper, 1, sender=owner)
    return keeper


def _spare_synth(ctx: BenchContext) -> None:
    """The keeper mints 2 sXAU of its own against 1 WBTC: a whole liquidation repays the stability
    fee accrued on top of what the trader minted and handed over."""
    c, keeper = ctx.system.contracts, ctx.accounts["keeper"]
    vault, wbtc = c["vault"], c["wbtc"]
    wbtc.mint(keeper, scaled(1, wbtc.decimals()), sender=ctx.accounts["owner"])
    wbtc.approve(vault, scaled(1, wbtc.decimals()), sender=keeper)
    position = vault.open(ctx.system.synths["sXAU"], sender=keeper).return_value
    vault.addSpot(position, scaled(1, wbtc.decimals()), sender=keeper)
    vault.mint(position, wad(2), sender=keeper)


@bench
def liquidate_one(ctx: BenchContext) -> list[Measurement]:
    _working_keeper(ctx)
    markets = list_more_markets(ctx)
    one = _position(ctx, ONE_MARKET, 50_000, "10.75")
    # 80,000 of margin: owing 21 sXAU it meets the minting check's shocks (BTC 10%, ETH 15%,
    # IDX 20%) and still goes under its liquidation ratio in the crash.
    three = _position(ctx, THREE_MARKETS, 80_000, "21")
    eight = _position(ctx, EIGHT_MARKETS, 90_000, "22", markets)
    _crash(ctx)
    return [
        Measurement("LiquidationEngine.liquidate (1 market)", _liquidate(ctx, one, whole=False).gas_used,
                    "partial: 1 futures market closed in part, margin withdrawn, fund paid"),
        Measurement("LiquidationEngine.liquidate (3 markets)", _liquidate(ctx, three, whole=False).gas_used,
                    "partial: 3 futures markets closed in part"),
        Measurement("LiquidationEngine.liquidate (8 markets)", _liquidate(ctx, eight, whole=False).gas_used,
                    "partial: 8 futures markets closed in part"),
    ]


@bench
def liquidate_min_debt(ctx: BenchContext) -> list[Measurement]:
    _working_keeper(ctx)
    _spare_synth(ctx)
    markets = list_more_markets(ctx)
    one, eight = _min_debt_position(ctx, markets), _min_debt_position(ctx, markets, SMALL_LEGS)
    gapped = _min_debt_position(ctx, markets, SMALL_LEGS, loss=GAPPED_LOSS)
    _crash(ctx)
    return [
        Measurement("LiquidationEngine.liquidate (min debt, 1 market)", _liquidate(ctx, one, whole=True).gas_used,
                    "whole: sXAU's minimum debt; spot seized, the account's market closed"),
        Measurement("LiquidationEngine.liquidate (min debt, 8 markets)", _liquidate(ctx, eight, whole=True).gas_used,
                    "whole: sXAU's minimum debt; spot seized, the account's 8 markets closed"),
        Measurement("LiquidationEngine.liquidate (gapped min debt, 8 markets)",
                    _liquidate(ctx, gapped, whole=True).gas_used,
                    "whole, from about 90%: the fund covers the shortfall and tops the keeper up to its least bonus"),
    ]


@bench
def liquidate_many(ctx: BenchContext) -> list[Measurement]:
    engine, keeper = ctx.system.contracts["engine"], _working_keeper(ctx)
    batches = {10: [_position(ctx, ONE_MARKET, 50_000, "10.75") for _ in range(10)]}
    batches[50] = [_position(ctx, ONE_MARKET, 50_000, "10.75") for _ in range(50)]
    _crash(ctx)
    gas = {size: engine.liquidateMany(positions, 0, sender=keeper).gas_used for size, positions in batches.items()}
    # The first position of a batch pays the cold reads of everything the others share.
    further = (gas[50] - gas[10]) // 40
    return [
        Measurement("LiquidationEngine.liquidateMany (10 positions)", gas[10],
                    f"1 market each; {gas[10] // 10:,} a position on average"),
        Measurement("LiquidationEngine.liquidateMany (50 positions)", gas[50],
                    f"{gas[50] // 50:,} a position on average, {further:,} for each one past the tenth"),
    ]


@bench
def liquidate_through_pool(ctx: BenchContext) -> list[Measurement]:
    """The 1-market position again, its sXAU in the stability pool (the keeper, holding none,
    triggers), with the depositor's first deposit and its withdrawal of all, gains included; then a
    second one with the pool holding less than the repayment (the keeper repays the rest)."""
    keeper, vault = _working_keeper(ctx), ctx.system.contracts["vault"]
    pool, sxau = ctx.system.stability_pools["sXAU"], ctx.system.synths["sXAU"]
    one = _position(ctx, ONE_MARKET, 50_000, "10.75")
    two = _position(ctx, ONE_MARKET, 50_000, "10.75")
    owner = ctx.accounts["owner"]
    # Kept aside until the second liquidation, so that the first deposit and the withdrawal are
    # measured from and to an empty balance.
    sxau.transfer(owner, wad("10.75"), sender=keeper)
    sxau.approve(pool, wad("10.75"), sender=keeper)
    deposit = pool.deposit(wad("10.75"), sender=keeper)
    _crash(ctx)
    tx = ctx.system.contracts["engine"].liquidate(one, MAX_UINT, 0, sender=keeper)
    if pool.totalDeposits() == wad("10.75") or vault.position(one).debt == 0:
        raise AssertionError(f"position {one}: not liquidated in part through the pool")
    withdraw = pool.withdraw(MAX_UINT, sender=keeper)
    # The same again with the pool holding 1 of the sXAU repaid: it burns first, the keeper the rest.
    sxau.transfer(keeper, wad("10.75"), sender=owner)
    sxau.approve(pool, wad(1), sender=keeper)
    pool.deposit(wad(1), sender=keeper)
    held = sxau.balanceOf(keeper)
    partly = ctx.system.contracts["engine"].liquidate(two, MAX_UINT, 0, sender=keeper)
    if pool.totalDeposits() != 0 or sxau.balanceOf(keeper) == held:
        raise AssertionError(f"position {two}: not liquidated partly through the pool")
    return [
        Measurement("StabilityPool.deposit (first)", deposit.gas_used, "the depositor's first deposit"),
        Measurement("LiquidationEngine.liquidate (1 market, through the pool)", tx.gas_used,
                    "as the 1-market one, the pool repaying: its synth burned, the stablecoin shared, the keeper paid"),
        Measurement("StabilityPool.withdraw (all, with gains)", withdraw.gas_used,
                    "the whole deposit left after the burn and the stablecoin gained"),
        Measurement("LiquidationEngine.liquidate (1 market, partly through the pool)", partly.gas_used,
                    "the pool burns all it holds, the keeper the rest (one repayment, two burns); the stablecoin "
                    "shared by what each repaid"),
    ]
