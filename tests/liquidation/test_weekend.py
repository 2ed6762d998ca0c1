"""A weekend (issue 14, trading hours): the S&P 500's market closes Friday 22:00 UTC and reopens
Monday 00:00 (config/local.yaml's session), while BTC, the collateral, trades on and falls.

Before market hours, the sSPX price went stale 24 hours after its last round and the engine,
pricing the debt side fresh, refused to liquidate sSPX positions until Monday whatever BTC did.
Now the last close prices the debt side of a liquidation while the market is closed; minting
sSPX waits for the reopening (`OracleMarketClosed`, naming when); the reopening's gap is judged
by the circuit breaker as any jump.

(1 BTC of spot owing 7 sSPX, no stability fee; BTC $60,000 then $50,000 then $45,000; SPX $5,500
at Friday's last round; minting ratio 150%, liquidation ratio 120%, penalty 10%, keeper share 50%.)"""

import pytest

from synthvault.config import read_config
from synthvault.deploy import session_minutes
from synthvault.market_hours import next_moment
from synthvault.units import asset_id, wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.oracle import PriceStatus, PriceUse
from tests.utils.wadmath import cr, div_wad_up, mul_wad_down, mul_wad_up

pytestmark = pytest.mark.usefixtures("no_fee")

SPX = asset_id("SPX")
BTC_UNIT = 10**8
DEBT = wad(7)  # $38,500 of sSPX at $5,500: CR 155.8% on 1 BTC at $60,000


def _at(chain, moment: str) -> int:
    """Mines the next block at the next `moment` of the week ("Sat 22:00", UTC); returns its time."""
    timestamp = next_moment(chain.pending_timestamp, moment)
    chain.mine(timestamp=timestamp)
    return timestamp


@pytest.fixture
def friday(chain, oracle, feeds, owner, keeper, open_position, give):
    """Friday 20:00 UTC: the S&P 500 given its configured session, fresh BTC and SPX rounds, and a
    position of 1 BTC owing 7 sSPX; the keeper holds the sSPX. Returns the position and the
    moment of SPX's last round (Friday 21:00)."""
    _at(chain, "Fri 20:00")
    opens, closes = session_minutes(read_config().to_dict()["oracle"]["feeds"]["SPX"]["session"])
    tx = oracle.setSession(SPX, opens, closes, sender=owner)
    assert logs(tx, oracle.SessionSet) == [{"asset": SPX, "opensAtMinute": 0, "closesAtMinute": 7_080}]
    set_price(feeds["BTC"], 60_000, owner)
    set_price(feeds["SPX"], 5_500, owner)
    position_id = open_position("sSPX", spot_btc=1, mint=7)
    give(keeper, "sSPX", DEBT)
    _at(chain, "Fri 21:00")
    last_round = set_price(feeds["SPX"], 5_500, owner).timestamp
    return position_id, last_round


def test_weekend__btc_falls_on_saturday__sspx_position_liquidated_on_the_last_close(
    vault, lens, engine, oracle, synths, wbtc, feeds, chain, owner, trader, keeper, friday
):
    position_id, last_round = friday
    monday = next_moment(last_round, "Mon 00:00")

    # Friday 22:00: the market closes; minting sSPX waits for Monday.
    _at(chain, "Fri 22:00")
    set_price(feeds["BTC"], 60_000, owner)
    assert oracle.session(SPX) == (0, 7_080, False, monday)
    with reverts(oracle.OracleMarketClosed, asset=SPX, reopensAt=monday):
        vault.mint(position_id, wad("0.1"), sender=trader)

    # Saturday 12:00: BTC at $50,000, the position at 129.9%: not liquidatable yet.
    _at(chain, "Sat 12:00")
    set_price(feeds["BTC"], 50_000, owner)
    debt_usd = mul_wad_up(DEBT, wad(5_500))
    with reverts(engine.LiquidationEngineHealthyPosition, positionId=position_id,
                 crWad=cr(wad(50_000), debt_usd), liquidationRatioWad=wad("1.2")):
        engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # Saturday 22:00: BTC at $45,000, 25 hours after SPX's last round (stale by its 24-hour
    # heartbeat, which stopped this liquidation before): priced at the last close.
    _at(chain, "Sat 22:00")
    set_price(feeds["BTC"], 45_000, owner)
    assert oracle.peekPriceWadFor(SPX, PriceUse.LiquidationDebt) == (
        wad(5_500), last_round, PriceStatus.MarketClosed, True)
    assert oracle.peekPriceWad(SPX) == (wad(5_500), last_round, PriceStatus.MarketClosed)
    # The keeper sees what the engine will do.
    assert lens.health(position_id) == (wad(45_000), debt_usd, cr(wad(45_000), debt_usd))
    health = lens.healthOf([position_id])[0]
    assert (health.collateralUsdWad, health.debtUsdWad, health.status) == (wad(45_000), debt_usd, 0)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # R = (1.5 × 38,500 − 45,000) / (1.5 − 1.1) = $31,875, in sSPX at the last close (rounded
    # up); its value rounded up; the keeper is due it plus half the 10% penalty, in spot at
    # $45,000 (rounded down).
    repaid = div_wad_up(wad(31_875), wad(5_500))
    repaid_usd = mul_wad_up(repaid, wad(5_500))
    due_usd = repaid_usd + mul_wad_down(mul_wad_down(repaid_usd, wad("0.1")), wad("0.5"))
    spot = due_usd * BTC_UNIT // wad(45_000)
    assert (repaid, spot) == (5_795_454_545_454_545_455, 74_375_000)
    assert tx.return_value == (repaid, spot * wad(45_000) // BTC_UNIT)
    assert logs(tx, engine.Liquidated) == [{
        "positionId": position_id, "keeper": keeper.address, "repaid": repaid, "repaidUsdWad": repaid_usd,
        "spotToKeeper": spot, "marginToKeeper": 0, "penaltyToFund": 0}]
    assert wbtc.balanceOf(keeper) == spot
    position = vault.position(position_id)
    assert (position.spotAmount, position.debt) == (BTC_UNIT - spot, DEBT - repaid)


def test_weekend__market_reopens_with_a_gap__frozen_as_any_jump(vault, engine, oracle, feeds, chain, owner, trader,
                                                                 keeper, friday):
    position_id, _ = friday
    # Monday 00:00: open again. The opening round gaps from $5,500 to $4,000: 1,500 / 5,500 =
    # 27.27%, 2,728 bps rounded up, over the 2,000 bps breaker.
    _at(chain, "Mon 00:00")
    set_price(feeds["BTC"], 60_000, owner)
    set_price(feeds["SPX"], 4_000, owner)
    round_id = feeds["SPX"].latestRound()
    with reverts(oracle.OracleFrozen, asset=SPX, roundId=round_id, deviationBps=2_728, maxDeviationBps=2_000):
        vault.mint(position_id, wad("0.1"), sender=trader)
    with reverts(oracle.OracleFrozen, asset=SPX, roundId=round_id, deviationBps=2_728, maxDeviationBps=2_000):
        engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    oracle.acceptRound(SPX, round_id, sender=owner)
    vault.mint(position_id, wad("0.1"), sender=trader)
    assert vault.position(position_id).debt == DEBT + wad("0.1")
    assert oracle.priceWadFor(SPX, PriceUse.Minting) == wad(4_000)
