"""Keeper economics: the break-even debt of a liquidation from the bench's measured gas."""

from decimal import Decimal

from synthvault.config import load_config
from synthvault.economics import break_even, liquidation_gas, min_debts_usd, render_markdown


def test_liquidation_gas__per_market__linear_from_the_two_measures():
    assert liquidation_gas(1, 280_000, 460_000) == 280_000
    assert liquidation_gas(3, 280_000, 460_000) == 460_000
    assert liquidation_gas(8, 280_000, 460_000) == 280_000 + 7 * 90_000


def test_break_even__reference_prices__cost_over_the_keepers_share():
    config = load_config()
    # 10% penalty, half of it the keeper's: 5% of the debt. 280,000 gas at 50 gwei and $3,000: $42.
    row = break_even(1, 280_000, 460_000, config)
    assert (row.gas, row.cost_usd, row.debt_usd) == (280_000, Decimal(42), Decimal(840))


def test_render_markdown__config__min_debts_against_the_break_even():
    config = load_config()
    assert min_debts_usd(config)["sUSD"] == Decimal(100)
    text = render_markdown(280_000, 460_000, config)
    assert "| 1 | 280,000 | 42.00 | 840 |" in text
    # $100 of sUSD pays for no futures liquidation at the reference prices.
    assert "| sUSD | 100.00 | no account: under the break-even |" in text
