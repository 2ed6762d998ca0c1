"""Keeper economics: the break-even repayment of a liquidation from the bench's measured gas, and
each synth's minimum debt checked against it."""

from decimal import Decimal

from synthvault.config import load_config
from synthvault.economics import (
    break_even,
    check_min_debts,
    gas_cost_usd,
    keeper_rate,
    liquidation_gas,
    min_debt_floor_usd,
    render_markdown,
    shortfalls,
    smallest_repayment,
)

# The bench's figures, made round: the costliest 8-market liquidation is the partial one.
GAS = {
    "LiquidationEngine.liquidate (1 market)": 280_000,
    "LiquidationEngine.liquidate (min debt, 1 market)": 300_000,
    "LiquidationEngine.liquidate (3 markets)": 460_000,
    "LiquidationEngine.liquidate (8 markets)": 860_000,
    "LiquidationEngine.liquidate (min debt, 8 markets)": 820_000,
    "LiquidationEngine.liquidate (gapped min debt, 8 markets)": 850_000,
}


def test_gas_cost_usd__reference_prices__fifty_gwei_at_three_thousand():
    # 280,000 gas × 50 gwei = 0.014 ETH, at $3,000: $42.
    assert gas_cost_usd(280_000) == Decimal(42)


def test_liquidation_gas__two_measures__the_costliest():
    assert liquidation_gas(GAS, 1) == 300_000
    assert liquidation_gas(GAS, 3) == 460_000
    assert liquidation_gas(GAS, 8) == 860_000


def test_break_even__reference_prices__cost_over_the_keepers_share():
    # 10% penalty, half of it the keeper's: 5% of the repayment. 300,000 gas: $45, paid by $900.
    row = break_even(GAS, 1, load_config())
    assert (row.gas, row.cost_usd, row.repay_usd) == (300_000, Decimal(45), Decimal(900))


def test_keeper_rate__synth_overrides_the_penalty__its_own():
    config = load_config()
    config["synths"]["sRE"]["liquidation_penalty_pct"] = 15
    assert keeper_rate(config) == Decimal("0.05")
    assert keeper_rate(config, "sRE") == Decimal("0.075")


def test_smallest_repayment__partial_repays_three_quarters__the_minimum_debt():
    # (150 - 120) / (150 - 100 - 10) = 3/4 of the debt, and the rest at least the minimum.
    assert smallest_repayment(load_config(), "sUSD") == 1


def test_smallest_repayment__close_factor_under_a_half__a_fraction_of_the_minimum():
    # A quarter of a debt of at least 4/3 of the minimum leaves the minimum: 1/3 of it repaid.
    config = load_config()
    config["liquidation"]["close_factor_pct"] = 25
    assert smallest_repayment(config, "sUSD") == Decimal(1) / 3


def test_min_debt_floor_usd__eight_markets__cost_over_the_smallest_profit():
    config = load_config()
    # 860,000 gas: $129, paid by 5% of $2,580.
    assert min_debt_floor_usd(860_000, config, "sUSD") == Decimal(2_580)
    config["liquidation"]["close_factor_pct"] = 25
    assert min_debt_floor_usd(860_000, config, "sUSD") == Decimal(7_740)


def test_check_min_debts__deployed_config__every_synth_pays():
    checks = check_min_debts(860_000, load_config())
    assert [c.symbol for c in checks] == ["sUSD", "sXAU", "sETH", "sSPX", "sRE"]
    assert all(c.pays for c in checks)
    assert shortfalls(GAS, load_config()) == []


def test_shortfalls__min_debt_under_the_floor__names_the_synth():
    config = load_config()
    config["synths"]["sXAU"]["min_debt"] = Decimal("0.05")  # $120
    assert shortfalls(GAS, config) == [
        "synths.sXAU: min debt $120.00 pays the keeper $6.00, under the $129.00 of gas of an 8-market liquidation "
        "(floor $2,580)"]


def test_shortfalls__least_keeper_bonus_under_the_costliest_gas__named():
    config = load_config()
    assert config["liquidation"]["min_keeper_bonus_usd"] == 150  # over $129: no line
    config["liquidation"]["min_keeper_bonus_usd"] = Decimal("128.99")
    assert shortfalls(GAS, config) == [
        "liquidation.min_keeper_bonus_usd ($128.99) is under the $129.00 of gas of an 8-market liquidation: a gapped "
        "position would not pay its keeper"]
    del config["liquidation"]["min_keeper_bonus_usd"]
    assert shortfalls(GAS, config)[0].startswith("liquidation.min_keeper_bonus_usd ($0.00) is under")


def test_check_min_debts__live_feed__not_checked():
    config = load_config()
    config["oracle"]["feeds"]["XAU"] = {"address": "0x" + "11" * 20, "heartbeat_s": 3600, "max_deviation_bps": 500}
    (xau,) = [c for c in check_min_debts(860_000, config) if c.symbol == "sXAU"]
    assert (xau.min_debt_usd, xau.pays) == (None, None)
    assert not [line for line in shortfalls(GAS, config) if line.startswith("synths.sXAU")]


def test_render_markdown__config__break_even_and_a_verdict_per_synth():
    config = load_config()
    config["synths"]["sXAU"]["min_debt"] = Decimal("0.05")
    text = render_markdown(GAS, config)
    assert "| 8 | 860,000 | 129.00 | 2,580 |" in text
    assert "| sXAU | 120.00 | 6.00 | 2,580 | **FAILS**: under the floor |" in text
    assert "| sUSD | 3,000.00 | 150.00 | 2,580 | pays |" in text
    assert ("bonus, $150.00 (`min_keeper_bonus_usd`), or the bonus it was due if less: pays the $129.00 of gas of "
            "the costliest 8-market liquidation" in text)
