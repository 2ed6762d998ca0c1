"""The demo's story runs to its end on the test chain and leaves the state it describes."""

import pytest

from synthvault.story import Story
from synthvault.system import deploy_system
from synthvault.units import asset_id, scaled, wad
from tests.utils.exchange import close_pnl, fee, fill_price, params_of, pnl


@pytest.fixture(scope="module")
def story(project, owner, trader, trader2, keeper, lp, config):
    system = deploy_system(project, owner, config)
    return Story(system, {"owner": owner, "trader": trader, "trader2": trader2, "keeper": keeper, "lp": lp})


def test_story__venue_and_trade__pool_funded_and_trader_long(story, trader):
    pool, exchange = story.c("pool"), story.c("exchange")
    seeded = pool.totalAssets()
    story.prices()
    story.venue()
    assert pool.totalAssets() == seeded + scaled(250_000, 6)
    story.trade()
    assert exchange.position(1, story.system.markets["BTC-PERP"])[0] == wad(1)
    assert story.c("futures_accounts").ownerOf(1) == trader.address
    assert any("buys 1 BTC-PERP" in line for line in story.log)


def test_story__positions_and_btc_moves__long_cr_moves_neutral_cr_holds(story):
    lens = story.c("lens")
    story.venue()
    story.trade()
    story.positions()
    before = {name: lens.health(pid) for name, pid in story.positions_by_name.items()}
    # Minted down to 160% (the stability fee then accrues a few wei of debt per second).
    assert all(wad("1.6") - 10**12 <= health[2] <= wad("1.6") for health in before.values())

    story.btc_moves((54_000,))

    after = {name: lens.health(pid) for name, pid in story.positions_by_name.items()}
    # Each account counts at what closing it in one fill would fetch: its margin plus the close's
    # PnL less its fee (`closeValue`). 1 BTC long on $40k: a 10% BTC fall takes $6,000 of the
    # equity at mark, and a little less of the close value (the sale's impact and fee shrink).
    exchange = story.c("exchange")
    params = params_of(exchange, story.system.markets["BTC-PERP"])
    impact, taker_fee = params.impactWad, params.takerFeeWad
    long_entry, short_entry = fill_price(wad(60_000), wad(1), impact), fill_price(wad(60_000), -wad(1), impact)
    long_margin = wad(40_000) - fee(wad(1), long_entry, taker_fee)
    short_margin = wad(10_000) - fee(-wad(1), short_entry, taker_fee)
    assert exchange.equity(1) == long_margin + pnl(wad(1), long_entry, wad(54_000))
    for price, health in ((60_000, before), (54_000, after)):
        assert health["long BTC -> sXAU"][0] == long_margin + close_pnl(
            wad(1), long_entry, wad(price), impact, taker_fee)
        # Spot and short offset: only the buy-back's impact and fee move with BTC.
        assert health["delta-neutral -> sUSD"][0] == wad(price) + short_margin + close_pnl(
            -wad(1), short_entry, wad(price), impact, taker_fee)
    assert after["long BTC -> sXAU"][2] < wad("1.37")
    assert after["delta-neutral -> sUSD"][2] >= wad("1.6") - 10**12


def test_story__crash_and_accounting__long_liquidated_neutral_untouched_chart_written(story, tmp_path):
    vault = story.c("vault")
    story.venue()
    story.trade()
    story.positions()
    chart = tmp_path / "crash.png"

    rows = story.crash(chart_path=chart)
    story.accounting()

    long_id, neutral_id = story.positions_by_name.values()
    liquidated = [pid for row in rows for pid in row["liquidated"]]
    assert liquidated and set(liquidated) == {long_id}  # only the long position, until it owes nothing
    first = next(row for row in rows if row["liquidated"])
    assert first["seen"]["long BTC -> sXAU"] < 1.2  # under the liquidation ratio when the keeper acted
    assert vault.position(long_id).debt == 0
    # Through sXAU's stability pool: the keeper deposited its sXAU there and triggered with none.
    pool, keeper = story.system.stability_pools["sXAU"], story.roles["keeper"]
    assert pool.totalDeposits() < wad(40) and story.system.synths["sXAU"].balanceOf(keeper) == 0
    assert sum(pool.gainsOf(keeper)) > 0
    # Flat through the crash, but for the buy-back's impact and fee in its close value (cheaper as
    # BTC falls, a few dollars dearer above $60,000): within 0.01% of 160%.
    assert all(row["delta-neutral -> sUSD"] >= 1.6 * (1 - 1e-4) for row in rows)
    for synth in story.system.synths.values():
        assert vault.badDebt(synth) == 0
    assert chart.stat().st_size > 10_000


def test_story__weekend__sspx_position_liquidated_on_the_last_close(story, owner):
    oracle, vault = story.c("oracle"), story.c("vault")
    oracle.setSession(asset_id("SPX"), 0, 7_080, sender=owner)  # the suite's markets are always open

    position_id = story.weekend()

    assert any("A further mint: OracleMarketClosed" in line for line in story.log)
    assert any("The keeper liquidates it at the last close" in line for line in story.log)
    # Repaid in part, back over the minting ratio (150%) at the last close (a spot position keeps
    # the fund's half of the penalty).
    assert vault.position(position_id).debt > 0
    assert story.c("lens").health(position_id)[2] >= wad("1.5")
