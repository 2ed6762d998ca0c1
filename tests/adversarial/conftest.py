"""Fixtures of the adversarial suite, which runs on a stack of its own (a vault wired to an engine
and an unseeded insurance fund, `tests/utils/deployments.py`; the deployment fixtures are the
root's). A test that needs the fund's reserves deposits them itself."""

import pytest

from synthvault.units import wad


@pytest.fixture
def susd_position(open_position, trader, keeper, give, no_fee) -> int:
    """1 BTC of spot owing 40,000 sUSD (CR 150% at $60,000); the keeper holds all of the sUSD."""
    position_id = open_position("sUSD", spot_btc=1, mint=40_000)
    give(keeper, "sUSD", wad(40_000))
    return position_id
