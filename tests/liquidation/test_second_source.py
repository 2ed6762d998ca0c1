"""A second source for BTC (issue 14, oracle failure): a fallback feed the hub prices from when
the primary fails, and a cross-check when both are trusted. From a user's side: a mint priced
from the fallback while the primary is stale (and the switch recorded by `syncSource`'s event),
a mint refused while the two disagree beyond the bound, and a liquidation that counts the BTC
collateral at the lower of two disagreeing prices. (The hub's every branch:
`test-forge/unit/OracleHubMarkets.t.sol`.)

(BTC $60,000 at minting; the fallback's bound 200 bps; USD $1; minting ratio 150%, liquidation
ratio 120%, penalty 10%, keeper share 50%, no stability fee.)"""

import pytest

from synthvault.units import FEED_DECIMALS, asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.oracle import PriceStatus, PriceUse
from tests.utils.wadmath import cr

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = asset_id("BTC")
BTC_UNIT = 10**8


@pytest.fixture
def second_btc(project, oracle, owner):
    """A second BTC / USD feed at $60,000, registered as BTC's fallback (heartbeat 1 hour,
    breaker 50%, at most 200 bps from the primary)."""
    second = owner.deploy(project.MockAggregator, FEED_DECIMALS, "BTC / USD (second)", scaled(60_000, FEED_DECIMALS))
    tx = oracle.setFallback(BTC, second, 3_600, 5_000, 200, sender=owner)
    assert logs(tx, oracle.FallbackSet) == [{
        "asset": BTC, "aggregator": second.address, "decimals": FEED_DECIMALS, "heartbeat": 3_600,
        "maxDeviationBps": 5_000, "maxDisagreementBps": 200}]
    return second


def test_mint__primary_stale_fallback_fresh__priced_from_the_fallback(vault, oracle, chain, feeds, owner, trader,
                                                                       keeper, open_position, second_btc):
    position_id = open_position("sUSD", spot_btc=1)
    advance(chain, 3_601)
    tx = set_price(second_btc, 60_000, owner)
    assert oracle.peekPriceWad(BTC) == (wad(60_000), tx.timestamp, PriceStatus.Fallback)

    vault.mint(position_id, wad(40_000), sender=trader)

    assert vault.position(position_id).debt == wad(40_000)
    # A keeper records the switch, once; the primary's stale round is why.
    sync = oracle.syncSource(BTC, sender=keeper)
    assert logs(sync, oracle.PriceSourceSwitched) == [
        {"asset": BTC, "usingFallback": True, "primaryStatus": PriceStatus.Stale}]
    assert logs(oracle.syncSource(BTC, sender=keeper), oracle.PriceSourceSwitched) == []
    set_price(feeds["BTC"], 60_000, owner)
    assert logs(oracle.syncSource(BTC, sender=keeper), oracle.PriceSourceSwitched) == [
        {"asset": BTC, "usingFallback": False, "primaryStatus": PriceStatus.Ok}]


def test_mint__sources_disagree__reverts_with_both_prices(vault, oracle, owner, trader, open_position, second_btc):
    position_id = open_position("sUSD", spot_btc=1)
    # 2,000 / 60,000 = 3.33%: 334 bps rounded up, over the 200 bps bound.
    set_price(second_btc, 62_000, owner)
    assert oracle.peekPriceWadFor(BTC, PriceUse.Minting)[2:] == (PriceStatus.SourcesDisagree, False)

    with reverts(oracle.OracleSourcesDisagree, asset=BTC, primaryWad=wad(60_000), fallbackWad=wad(62_000),
                 disagreementBps=334, maxDisagreementBps=200):
        vault.mint(position_id, wad(3_000), sender=trader)


def test_liquidate__sources_disagree__btc_collateral_at_the_lower(vault, lens, engine, oracle, wbtc, feeds, owner,
                                                                   keeper, open_position, give, second_btc):
    position_id = open_position("sUSD", spot_btc=1, mint=40_000)
    give(keeper, "sUSD", wad(40_000))
    # The primary says $47,000 (CR 117.5%), the fallback $46,000: 1,000 / 47,000 = 2.13%, 213 bps.
    set_price(feeds["BTC"], 47_000, owner)
    set_price(second_btc, 46_000, owner)
    assert oracle.peekPriceWadFor(BTC, PriceUse.LiquidationCollateral)[::2] == (
        wad(46_000), PriceStatus.SourcesDisagree)
    assert lens.health(position_id) == (wad(46_000), wad(40_000), cr(wad(46_000), wad(40_000)))

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # R = (1.5 × 40,000 − 46,000) / (1.5 − 1.1) = 35,000 sUSD (5,000 left, over the 3,000
    # minimum); the keeper is due 35,000 × 1.05 = $36,750, in spot at $46,000, rounded down.
    spot = wad(36_750) * BTC_UNIT // wad(46_000)
    assert spot == 79_891_304
    assert tx.return_value == (wad(35_000), spot * wad(46_000) // BTC_UNIT)
    assert logs(tx, engine.Liquidated) == [{
        "positionId": position_id, "keeper": keeper.address, "repaid": wad(35_000), "repaidUsdWad": wad(35_000),
        "spotToKeeper": spot, "marginToKeeper": 0, "penaltyToFund": 0}]
    assert wbtc.balanceOf(keeper) == spot
