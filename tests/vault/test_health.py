"""Health views (the vault's `VaultLens`): collateral and debt in USD and the CR, moving with every
price; the keepers' batch view reads each price once, agrees with the single one, and reports a
position it cannot price instead of reverting."""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.wadmath import div_wad_down

BATCH = 100
# `IVaultLens.HealthStatus`.
OK, UNKNOWN, UNPRICEABLE = 0, 1, 2


def test_health__prices_move__cr_follows_each(vault, lens, owner, feeds, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    assert lens.health(position_id) == (wad(60_000), wad(24_000), wad("2.5"))

    set_price(feeds["BTC"], 48_000, owner)  # BTC -20%: collateral falls
    assert lens.health(position_id) == (wad(48_000), wad(24_000), wad(2))

    set_price(feeds["XAU"], 2_880, owner)  # gold +20%: debt rises
    assert lens.health(position_id) == (wad(48_000), wad(28_800), div_wad_down(wad(48_000), wad(28_800)))

    set_price(feeds["BTC"], 36_000, owner)  # under the minting ratio, above liquidation
    assert lens.health(position_id) == (wad(36_000), wad(28_800), wad("1.25"))


def test_mint__under_the_minting_ratio_after_a_fall__reverts_but_repaying_works(vault, lens, owner, feeds, trader,
                                                                              open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    set_price(feeds["BTC"], 36_000, owner)  # CR 1.5 exactly
    set_price(feeds["XAU"], 2_640, owner)   # CR 36,000 / 26,400 = 1.3636..

    with reverts(vault.VaultUndercollateralized, positionId=position_id,
                 crWad=div_wad_down(wad(36_000), wad(26_400)), minCrWad=wad("1.5")):
        vault.mint(position_id, 1, sender=trader)
    vault.burn(position_id, wad(2), sender=trader)

    assert lens.health(position_id) == (wad(36_000), wad(21_120), div_wad_down(wad(36_000), wad(21_120)))


def test_health__stale_price__reverts_but_health_of_reports_it(vault, lens, chain, trader, open_position, oracle):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    advance(chain, 3601)

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC")):
        lens.health(position_id)
    assert [tuple(h) for h in lens.healthOf([position_id, 999])] == [
        (0, 0, 0, UNPRICEABLE, False), (0, 0, MAX_UINT, UNKNOWN, False)]


def test_health_of__mixed_positions__each_as_health_says(vault, lens, trader, trader2, open_position, no_fee):
    gold = open_position("sXAU", spot_btc=1, mint=10)
    empty = open_position("sETH")
    spot_only = open_position("sETH", spot_btc="0.25")
    dollars = open_position("sUSD", spot_btc=2, mint=50_000, owner=trader2)
    more_gold = open_position("sXAU", spot_btc=3, mint=20)
    closed = open_position("sRE", spot_btc=1)
    vault.close(closed, sender=trader)
    ids = [gold, empty, spot_only, dollars, more_gold, closed, 999]

    healths = lens.healthOf(ids)

    assert [tuple(h)[:3] for h in healths[:5]] == [lens.health(p) for p in ids[:5]]
    assert [tuple(h) for h in healths] == [
        (wad(60_000), wad(24_000), wad("2.5"), OK, False),  # no account: never under maintenance
        (0, 0, MAX_UINT, OK, False),
        (wad(15_000), 0, MAX_UINT, OK, False),
        (wad(120_000), wad(50_000), wad("2.4"), OK, False),
        (wad(180_000), wad(48_000), wad("3.75"), OK, False),
        (0, 0, MAX_UINT, UNKNOWN, False),  # closed
        (0, 0, MAX_UINT, UNKNOWN, False),  # never opened
    ]


def test_health_of__nothing__empty(vault, lens):
    assert lens.healthOf([]) == []


@pytest.fixture(scope="module")
def batch(project, vault, synths, wbtc, trader2):
    """BATCH positions, each 0.1 BTC, half owing 1.25 sXAU and half 3,000 sUSD ($3,000 each, the
    minimum debts), opened by the `PositionBatcher` mock in two transactions (through the vault's
    public functions, every check included) instead of 300."""
    per_position = 10**7
    batcher = project.PositionBatcher.deploy(sender=trader2)
    wbtc.mint(batcher, per_position * BATCH, sender=trader2)
    first = vault.nextPositionId()
    for symbol, amount in (("sXAU", wad("1.25")), ("sUSD", wad(3_000))):
        batcher.openMany(vault, synths[symbol], BATCH // 2, per_position, amount, sender=trader2)
    ids = list(range(first, first + BATCH))
    assert vault.positionsOf(batcher) == ids
    return ids


def test_health_of__a_hundred_positions__one_call_agrees_with_each(vault, lens, batch):
    healths = lens.healthOf(batch)

    assert len(healths) == BATCH
    assert [tuple(h) for h in healths] == [(*lens.health(p), OK, False) for p in batch]  # spot only
    assert {h.collateralUsdWad for h in healths} == {wad(6_000)}
    assert all(wad(3_000) <= h.debtUsdWad < wad("3000.01") for h in healths)
