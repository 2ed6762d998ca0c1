"""Keeper economics: does a liquidation pay for itself? From the bench's measured gas of a
liquidation with one futures market and with three (the cost grows by the same amount a market),
at a reference gas price and ETH price, the debt a liquidation must repay for the keeper's share
of the penalty to cover the gas: the break-even, per number of markets the account holds, beside
each synth's configured minimum debt. Reported by `make bench` in `docs/gas.md`."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The reference the second review used: 50 gwei, ETH at $3,000.
GAS_PRICE_GWEI = Decimal(50)
ETH_USD = Decimal(3_000)
# An exchange account holds at most this many markets (`FuturesExchange.MAX_POSITIONS`).
MAX_MARKETS = 8


@dataclass(frozen=True)
class BreakEven:
    markets: int
    gas: int
    cost_usd: Decimal
    debt_usd: Decimal


def liquidation_gas(markets: int, gas_one: int, gas_three: int) -> int:
    """Gas of a liquidation closing `markets` futures markets: measured at 1 and 3, linear between
    and beyond (each market adds its close, one oracle read and one exchange call)."""
    per_market = (gas_three - gas_one) // 2
    return gas_one + (markets - 1) * per_market


def keeper_share_of_debt(config: dict[str, Any]) -> Decimal:
    """The keeper's profit per dollar of debt repaid: the penalty times the keeper's share of it."""
    return (Decimal(str(config["vault"]["liquidation_penalty_pct"])) / 100
            * Decimal(str(config["liquidation"]["keeper_share_pct"])) / 100)


def break_even(markets: int, gas_one: int, gas_three: int, config: dict[str, Any]) -> BreakEven:
    """The gas, its cost in USD at the reference prices, and the debt (USD) whose liquidation pays
    the keeper that much."""
    gas = liquidation_gas(markets, gas_one, gas_three)
    cost = Decimal(gas) * GAS_PRICE_GWEI / Decimal(10**9) * ETH_USD
    return BreakEven(markets, gas, cost, cost / keeper_share_of_debt(config))


def min_debts_usd(config: dict[str, Any]) -> dict[str, Decimal]:
    """Each synth's configured minimum debt in USD at the configured feed prices."""
    feeds = config["oracle"]["feeds"]
    return {symbol: Decimal(str(cfg["min_debt"])) * Decimal(str(feeds[cfg["asset"]]["price"]))
            for symbol, cfg in config["synths"].items()}


def render_markdown(gas_one: int, gas_three: int, config: dict[str, Any]) -> str:
    """The break-even section of `docs/gas.md`."""
    rows = [break_even(n, gas_one, gas_three, config) for n in (1, 2, 3, MAX_MARKETS)]
    share = keeper_share_of_debt(config)
    lines = [
        "## Keeper break-even",
        "",
        f"At {GAS_PRICE_GWEI} gwei and ETH at ${ETH_USD:,}, a keeper is paid {share:.1%} of the debt it repays",
        "(the penalty times its share). The debt a liquidation must repay to cover its gas, by the markets",
        "the account holds (1 and 3 measured above, the rest at the same cost a market):",
        "",
        "| markets | gas | cost (USD) | break-even debt (USD) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r.markets} | {r.gas:,} | {r.cost_usd:,.2f} | {r.debt_usd:,.0f} |" for r in rows]
    lines += ["", "Each synth's minimum debt, in USD at the configured prices:", "",
              "| synth | min debt (USD) | pays for a liquidation of |", "| --- | ---: | --- |"]
    for symbol, usd in min_debts_usd(config).items():
        paid = [r.markets for r in rows if r.debt_usd <= usd]
        verdict = f"up to {max(paid)} market(s)" if paid else "no account: under the break-even"
        lines.append(f"| {symbol} | {usd:,.2f} | {verdict} |")
    return "\n".join(lines) + "\n"
