"""Keeper economics: does a liquidation pay for itself? From the bench's measured gas of the
liquidations of accounts holding 1, 3 and 8 futures markets, at a reference gas price and ETH
price, the repayment a liquidation must make for the keeper's profit to cover its gas (the
break-even), and each synth's minimum debt checked against the break-even of the most markets a
locked account can hold. Reported and enforced by `make bench` (`docs/gas.md`); the deploy plan
warns about a config under it.

What a keeper earns. A liquidation repays R of the synth (burnt from the keeper) and gives the
keeper R's value plus the penalty on it times the keeper's share (`LiquidationEngine._size`): the
keeper's profit is R × penalty × keeper share. The smallest R the engine chooses is the minimum
debt: a liquidation that would leave less than the minimum repays the whole debt
(`_repayTarget`), and a partial one repays a fraction φ of the debt, at least
min(close factor, (MR − LR) / (MR − 1 − penalty)), while leaving at least the minimum, so
R ≥ min debt × φ / (1 − φ), which is the minimum debt or more while φ ≥ 1/2 (it is 3/4 at 150% /
120% / 10% and a 100% close factor). A keeper that asks for less than the engine's R takes less by
its own choice. The profit is paid in full only while the collateral covers the repayment and the penalty: on
a position liquidated from under about 100% + penalty, or from under 100% (the fund then pays the
repaid value), the fund tops the keeper's profit up to the engine's least bonus
(`min_keeper_bonus_usd`), which must itself pay the costliest liquidation's gas."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The reference the second review used: 50 gwei, ETH at $3,000. The one place these are set.
GAS_PRICE_GWEI = Decimal(50)
ETH_USD = Decimal(3_000)
# An exchange account holds at most this many markets (`FuturesExchange.MAX_POSITIONS`).
MAX_MARKETS = 8

# The bench's liquidations (`synthvault/benches/liquidation.py`) by the markets the account holds:
# partial ones of large positions, and whole ones of positions at the minimum debt.
LIQUIDATIONS: dict[int, tuple[str, ...]] = {
    1: ("LiquidationEngine.liquidate (1 market)", "LiquidationEngine.liquidate (min debt, 1 market)"),
    3: ("LiquidationEngine.liquidate (3 markets)",),
    MAX_MARKETS: ("LiquidationEngine.liquidate (8 markets)", "LiquidationEngine.liquidate (min debt, 8 markets)",
                  "LiquidationEngine.liquidate (gapped min debt, 8 markets)"),
}
RISK_KEYS = ("minting_ratio_pct", "liquidation_ratio_pct", "liquidation_penalty_pct")


@dataclass(frozen=True)
class BreakEven:
    """The costliest liquidation measured for an account of `markets` markets, its cost at the
    reference prices, and the repayment whose keeper profit pays it (at the vault's penalty)."""

    markets: int
    gas: int
    cost_usd: Decimal
    repay_usd: Decimal


@dataclass(frozen=True)
class MinDebtCheck:
    """One synth's minimum debt against the break-even of an account of `MAX_MARKETS` markets.
    `min_debt_usd` is None for a synth priced by a live feed (no price in the config)."""

    symbol: str
    min_debt_usd: Decimal | None
    smallest_repay_usd: Decimal | None
    keeper_profit_usd: Decimal | None
    floor_usd: Decimal

    @property
    def pays(self) -> bool | None:
        return None if self.min_debt_usd is None else self.min_debt_usd >= self.floor_usd


def gas_cost_usd(gas: int) -> Decimal:
    """What `gas` costs at the reference gas price and ETH price."""
    return Decimal(gas) * GAS_PRICE_GWEI / Decimal(10**9) * ETH_USD


def liquidation_gas(gas: dict[str, int], markets: int) -> int:
    """The costliest of the bench's liquidations of an account holding `markets` markets."""
    return max(gas[operation] for operation in LIQUIDATIONS[markets])


def _pct(value: Any) -> Decimal:
    return Decimal(str(value)) / 100


def _risk(config: dict[str, Any], symbol: str | None) -> dict[str, Decimal]:
    """A synth's ratios and penalty as fractions (its own entry over the vault's), or the vault's."""
    synth = config["synths"][symbol] if symbol else {}
    return {key: _pct(synth.get(key, config["vault"][key])) for key in RISK_KEYS}


def keeper_rate(config: dict[str, Any], symbol: str | None = None) -> Decimal:
    """The keeper's profit per dollar repaid: the penalty times the keeper's share of it."""
    return _risk(config, symbol)["liquidation_penalty_pct"] * _pct(config["liquidation"]["keeper_share_pct"])


def partial_fraction(config: dict[str, Any], symbol: str | None = None) -> Decimal:
    """φ: the least fraction of the debt a partial liquidation repays, the close factor or what
    brings a position just under the liquidation ratio back to the minting ratio."""
    risk = _risk(config, symbol)
    minting, liquidation, penalty = (risk[key] for key in RISK_KEYS)
    return min(_pct(config["liquidation"]["close_factor_pct"]), (minting - liquidation) / (minting - 1 - penalty))


def smallest_repayment(config: dict[str, Any], symbol: str) -> Decimal:
    """The smallest repayment the engine makes on a position of `symbol`, in minimum debts: 1
    while a partial liquidation repays half the debt or more, else φ / (1 − φ)."""
    fraction = partial_fraction(config, symbol)
    return Decimal(1) if fraction >= Decimal("0.5") else fraction / (1 - fraction)


def _per_smallest_repayment(config: dict[str, Any], symbol: str) -> Decimal:
    """1 / `smallest_repayment`, computed as (1 − φ) / φ: exact where φ / (1 − φ) is not."""
    fraction = partial_fraction(config, symbol)
    return Decimal(1) if fraction >= Decimal("0.5") else (1 - fraction) / fraction


def break_even(gas: dict[str, int], markets: int, config: dict[str, Any]) -> BreakEven:
    used = liquidation_gas(gas, markets)
    cost = gas_cost_usd(used)
    return BreakEven(markets, used, cost, cost / keeper_rate(config))


def min_debt_floor_usd(gas_max_markets: int, config: dict[str, Any], symbol: str) -> Decimal:
    """The smallest minimum debt (USD) whose smallest liquidation pays the keeper the gas of
    `gas_max_markets` at the reference prices."""
    return gas_cost_usd(gas_max_markets) / keeper_rate(config, symbol) * _per_smallest_repayment(config, symbol)


def min_debt_usd(config: dict[str, Any], symbol: str) -> Decimal | None:
    """A synth's minimum debt in USD at its feed's configured price (None: a live feed)."""
    synth = config["synths"][symbol]
    price = config["oracle"]["feeds"][synth["asset"]].get("price")
    return None if price is None else Decimal(str(synth["min_debt"])) * Decimal(str(price))


def check_min_debts(gas_max_markets: int, config: dict[str, Any]) -> list[MinDebtCheck]:
    """Every synth's minimum debt against the floor for an account of `MAX_MARKETS` markets."""
    checks = []
    for symbol in config["synths"]:
        usd = min_debt_usd(config, symbol)
        repay = None if usd is None else usd * smallest_repayment(config, symbol)
        profit = None if repay is None else repay * keeper_rate(config, symbol)
        checks.append(MinDebtCheck(symbol, usd, repay, profit, min_debt_floor_usd(gas_max_markets, config, symbol)))
    return checks


def min_keeper_bonus_usd(config: dict[str, Any]) -> Decimal:
    """The engine's least keeper bonus (USD), 0 when the config sets none."""
    return Decimal(str(config["liquidation"].get("min_keeper_bonus_usd", 0)))


def min_debt_shortfalls(gas: dict[str, int], config: dict[str, Any]) -> list[str]:
    """The synths whose minimum debt does not pay the keeper for an 8-market account, one line each."""
    cost = gas_cost_usd(liquidation_gas(gas, MAX_MARKETS))
    return [f"synths.{c.symbol}: min debt ${c.min_debt_usd:,.2f} pays the keeper ${c.keeper_profit_usd:,.2f}, under "
            f"the ${cost:,.2f} of gas of an {MAX_MARKETS}-market liquidation (floor ${c.floor_usd:,.0f})"
            for c in check_min_debts(liquidation_gas(gas, MAX_MARKETS), config) if c.pays is False]


def bonus_shortfall(gas: dict[str, int], config: dict[str, Any]) -> list[str]:
    """The least keeper bonus, in one line, if it does not pay the costliest 8-market liquidation."""
    cost = gas_cost_usd(liquidation_gas(gas, MAX_MARKETS))
    if (bonus := min_keeper_bonus_usd(config)) >= cost:
        return []
    return [f"liquidation.min_keeper_bonus_usd (${bonus:,.2f}) is under the ${cost:,.2f} of gas of an {MAX_MARKETS}-"
            "market liquidation: a gapped position would not pay its keeper"]


def shortfalls(gas: dict[str, int], config: dict[str, Any]) -> list[str]:
    """Every way a liquidation would not pay its keeper the gas: `min_debt_shortfalls`, `bonus_shortfall`."""
    return min_debt_shortfalls(gas, config) + bonus_shortfall(gas, config)


def _verdict(check: MinDebtCheck) -> str:
    if check.pays is None:
        return "not checked: priced by a live feed"
    return "pays" if check.pays else "**FAILS**: under the floor"


def render_markdown(gas: dict[str, int], config: dict[str, Any]) -> str:
    """The break-even section of `docs/gas.md`."""
    rows = [break_even(gas, n, config) for n in sorted(LIQUIDATIONS)]
    lines = [
        "## Keeper break-even",
        "",
        f"At {GAS_PRICE_GWEI} gwei and ETH at ${ETH_USD:,} (`synthvault/economics.py`), a keeper earns "
        f"{keeper_rate(config):.1%} of what it repays",
        "(the penalty times its share). The costliest liquidation measured above for an account of each",
        "size, and the repayment that pays its gas:",
        "",
        "| markets | gas | cost (USD) | break-even repayment (USD) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r.markets} | {r.gas:,} | {r.cost_usd:,.2f} | {r.repay_usd:,.0f} |" for r in rows]
    checks = check_min_debts(rows[-1].gas, config)
    fraction = partial_fraction(config)
    partial = (f"a partial one repays at least {fraction:.0%} of the debt and leaves the minimum, so at least\n"
               f"{fraction / (1 - fraction):.2g} times the minimum" if fraction < 1 else "none is partial")
    lines += [
        "",
        "The smallest liquidation repays the minimum debt: one that would leave less repays the whole debt, and",
        f"{partial} (at the vault's ratios; `synthvault/economics.py` says why). Each synth's",
        "minimum debt at the configured prices, what its liquidation earns the keeper, and the floor for",
        f"{MAX_MARKETS} markets, the most an account holds (`FuturesExchange.MAX_POSITIONS`); `make bench` fails on",
        "a synth under it:",
        "",
        "| synth | min debt (USD) | keeper earns (USD) | floor (USD) | verdict |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for c in checks:
        usd = "-" if c.min_debt_usd is None else f"{c.min_debt_usd:,.2f}"
        profit = "-" if c.keeper_profit_usd is None else f"{c.keeper_profit_usd:,.2f}"
        lines.append(f"| {c.symbol} | {usd} | {profit} | {c.floor_usd:,.0f} | {_verdict(c)} |")
    bonus, cost = min_keeper_bonus_usd(config), rows[-1].cost_usd
    lines += [
        "",
        "A position that gaps under 100% + penalty leaves the keeper less; the fund tops its profit up to the least",
        f"bonus, ${bonus:,.2f} (`min_keeper_bonus_usd`), or the bonus it was due if less: "
        f"{'pays' if bonus >= cost else '**FAILS**: under'} the ${cost:,.2f} of gas of the costliest "
        f"{MAX_MARKETS}-market liquidation (`make bench` fails under it).",
    ]
    return "\n".join(lines) + "\n"
