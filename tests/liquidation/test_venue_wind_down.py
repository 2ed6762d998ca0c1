"""A venue failing (issue 14), from the users' side: governance freezes the futures venue, then
winds it down, raising the haircut on its accounts step by step to 100%. Positions on it are
liquidated by the keeper (`synthvault.keeper`) as they cross 120%, the keeper and the fund paid out
of each account's own margin; nobody loses anything but the penalties the haircut brings on.

Accounts hold margin only (worth their margin to the wei), sUSD is $1, no stability fee, the
minimum debt lowered to 100. Alice: 3,000 of margin owing 1,400; Bob: 3,000 owing 1,000; Carol
(off the venue): 0.1 BTC owing 3,000; the keeper holds 2,400 sUSD from its own spot position.
Penalty 10%, half to the keeper."""

import pytest

from synthvault.keeper import Keeper
from synthvault.units import wad
from tests.utils.custom_errors import reverts
from tests.utils.events import logs

pytestmark = pytest.mark.usefixtures("no_fee")

ACTIVE, FROZEN, WINDING_DOWN = 0, 1, 2
UNIT = 10**12  # WAD per USDC unit


@pytest.fixture
def walk(project, chain, vault, lens, engine, oracle, exchange, set_params, open_position, futures_position,
         open_account, futures_accounts, trader, trader2, keeper, accounts):
    set_params("sUSD", minDebt=wad(100))
    start = chain.blocks.height + 1
    carol = accounts[9]
    ids = {
        "alice": futures_position("sUSD", margin=3_000, mint=1_400, owner=trader)[0],
        "bob": futures_position("sUSD", margin=3_000, mint=1_000, owner=trader2)[0],
        "carol": open_position("sUSD", spot_btc="0.1", mint=3_000, owner=carol),
        "keeper": open_position("sUSD", spot_btc=1, mint=2_400, owner=keeper),
    }
    venue = project.FuturesCollateral.at(vault.futuresCollateral())
    bot = Keeper(vault=vault, lens=lens, engine=engine, oracle=oracle, sender=keeper,
                 synth_at=project.SyntheticToken.at, venue=venue, exchange=exchange, start_block=start)
    return ids, venue, bot, carol


def _margin(exchange, vault, position_id):
    return exchange.signedMarginOf(vault.position(position_id).accountId)


def test_venue__active_to_frozen_to_whole_haircut__liquidated_as_they_cross_120(
    walk, chain, vault, lens, exchange, pool, usdc, synths, insurance_fund, owner, trader, trader2, keeper,
    open_account, futures_accounts,
):
    ids, venue, bot, carol = walk
    susd = synths["sUSD"]
    fund_before, pool_before = insurance_fund.reserves(), pool.totalAssets()
    untouched = {name: vault.position(ids[name]) for name in ("carol", "keeper")}

    def liquidated_now() -> dict[int, int]:
        return {a.position_id: a.repaid for a in bot.run_once(chain.blocks.height) if a.kind == "liquidated"}

    assert liquidated_now() == {}

    # Frozen: no new account, no mint against one; the rest goes on (a spot position mints).
    tx = venue.setVenueState(FROZEN, 0, sender=owner)
    assert logs(tx, venue.VenueStateSet) == [{"previous": ACTIVE, "state": FROZEN}]
    account_id = open_account(trader, 100)
    position_id = vault.open(susd, sender=trader).return_value
    futures_accounts.approve(vault, account_id, sender=trader)
    with reverts(venue.CollateralVenueNotActive, venue=venue.address, state=FROZEN, haircutBps=0):
        vault.lock(position_id, account_id, sender=trader)
    with reverts(venue.CollateralVenueNotActive, venue=venue.address, state=FROZEN, haircutBps=0):
        vault.mint(ids["alice"], wad(1), sender=trader)
    assert lens.mintRoom(ids["alice"]).maxMint == 0
    assert liquidated_now() == {}

    # Winding down: each step counts the accounts at (1 - haircut); the keeper liquidates what
    # crossed 120% (Alice at 45%: 1,650 / 1,400; Bob at 70%: 900 / 1,000), not what sits at it
    # (Alice at 40%: 1,800 / 1,400 = 128.6%; Bob at 60%: 1,200 / 1,000 = 120% exactly).
    tx = venue.setVenueState(WINDING_DOWN, 1_000, sender=owner)
    assert logs(tx, venue.VenueStateSet) == [{"previous": FROZEN, "state": WINDING_DOWN}]
    assert logs(tx, venue.HaircutRaised) == [{"fromBps": 0, "toBps": 1_000}]
    assert lens.health(ids["alice"]) == (wad(2_700), wad(1_400), wad(2_700) * 10**18 // wad(1_400))
    seen = {}
    previous = 1_000
    for haircut in (2_500, 4_000, 4_500, 6_000, 7_000, 8_000, 10_000):
        tx = venue.setVenueState(WINDING_DOWN, haircut, sender=owner)
        assert logs(tx, venue.HaircutRaised) == [{"fromBps": previous, "toBps": haircut}]
        previous = haircut
        if haircut == 10_000:
            # The keeper counts what the engine will seize (the account's own 1,762.5), not 0.
            assert lens.health(ids["alice"])[0] == 0
            assert bot.seizable_usd_wad(ids["alice"], 0) == wad("1762.5")
        seen[haircut] = liquidated_now()

    assert seen == {2_500: {}, 4_000: {}, 4_500: {ids["alice"]: wad(1_125)}, 6_000: {},
                    7_000: {ids["bob"]: wad(1_000)}, 8_000: {}, 10_000: {ids["alice"]: wad(275)}}
    # Alice at 45%: R = (1.5 x 1,400 - 1,650) / (1.5 - 1 - 0.1) = 1,125, seized 1,237.5 (keeper
    # 1,181.25, fund 56.25); then 275 owed on 1,762.5, counted 705 at 60%, 352.5 at 80%: over
    # 120%; at 100% the whole 275 (keeper 288.75, fund 13.75). Bob at 70%: the whole 1,000
    # (900 < 1,100), keeper 1,050, fund 50.
    assert (vault.position(ids["alice"]).debt, _margin(exchange, vault, ids["alice"])) == (0, wad(1_460))
    assert (vault.position(ids["bob"]).debt, _margin(exchange, vault, ids["bob"])) == (0, wad(1_900))
    assert usdc.balanceOf(keeper) == (wad("1181.25") + wad(1_050) + wad("288.75")) // UNIT
    assert susd.balanceOf(keeper) == 0
    assert insurance_fund.reserves() == fund_before + (wad("56.25") + wad(50) + wad("13.75")) // UNIT
    # Nothing else moved: Carol and the keeper's own position, the LPs' pool.
    assert {name: vault.position(ids[name]) for name in ("carol", "keeper")} == untouched
    assert pool.totalAssets() == pool_before
    # What each owner lost is the penalty on the debt the haircut made them repay: Alice 3,000 ->
    # 1,460 + 1,400 sUSD (-140), Bob 3,000 -> 1,900 + 1,000 sUSD (-100).
    assert (susd.balanceOf(trader), susd.balanceOf(trader2)) == (wad(1_400), wad(1_000))
    assert wad(1_460) + wad(1_400) == wad(3_000) - wad(1_400) // 10
    assert wad(1_900) + wad(1_000) == wad(3_000) - wad(1_000) // 10

    # Debt-free, the owners move off the venue; returning it to active is governance's.
    vault.unlock(ids["alice"], sender=trader)
    tx = venue.setVenueState(ACTIVE, 0, sender=owner)
    assert logs(tx, venue.HaircutLowered) == [{"fromBps": 10_000, "toBps": 0}]
