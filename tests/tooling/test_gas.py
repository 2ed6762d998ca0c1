"""The gas benchmark's verdict: what counts as a regression against the baseline."""

from synthvault.gas import Measurement, regressions, render_markdown, target_cell


def test_regressions__within_tolerance__none():
    assert regressions({"mint": 105_000}, {"mint": 100_000}) == []


def test_regressions__over_tolerance__reported_with_growth():
    assert regressions({"mint": 105_001}, {"mint": 100_000}) == ["mint: 100,000 -> 105,001 gas (+5.0%)"]


def test_regressions__new_operation__reported_until_baselined():
    assert regressions({"burn": 90_000}, {}) == ["burn: 90,000 gas, not in the baseline"]


def test_regressions__cheaper__none():
    assert regressions({"mint": 50_000}, {"mint": 100_000}) == []


def test_render_markdown__rows__table_with_baseline():
    text = render_markdown([Measurement("mint", 95_123, "one market")], {"mint": 96_000})
    assert "| mint | 95,123 | 96,000 | - | one market |" in text


def test_render_markdown__operation_with_a_target__shown_with_its_gap():
    text = render_markdown([Measurement("Vault.mint", 134_229, "1 market")], {})
    assert "| Vault.mint | 134,229 | - | ≤ 92,700 (Morpho Blue's borrow): +44.8% | 1 market |" in text


def test_target_cell__at_or_under_the_target__met():
    assert target_cell("Vault.withdrawMargin", 120_000) == "≤ 120,000 (budget): met"
    assert target_cell("Vault.withdrawMargin", 120_001) == "≤ 120,000 (budget): +0.0%"
