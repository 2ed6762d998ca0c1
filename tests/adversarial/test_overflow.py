"""Overflow-sized inputs: `type(uint256).max` amounts and sizes, and prices as large as the hub
accepts. Each must be refused with a custom error that names the numbers, or clamped where the
interface says so (a burn of everything), never a bare arithmetic panic.
(BTC $60,000, XAU $2,400, USD $1; no stability fee.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.wadmath import div_wad_down

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = 10**8
MAX_INT = 2**255 - 1

# Four of these met a bare Panic(0x11) before the contracts named the error (findings of this
# suite, fixed): mint over the whole ceiling, and 128-bit amounts and sizes in addSpot,
# withdrawMargin and trade, now refused with SafeCast's errors before the arithmetic.
UINT128 = 128


def test_mint__max_uint__debt_ceiling_exceeded(vault, synths, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1, mint=10_000)

    with reverts(vault.VaultDebtCeilingExceeded, synth=synths["sUSD"], debtCeiling=wad(50_000_000)):
        vault.mint(position_id, MAX_UINT, sender=trader)


def test_burn__max_uint__repays_the_debt_exactly(vault, synths, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1, mint=10_000)
    supply = synths["sUSD"].totalSupply()

    tx = vault.burn(position_id, MAX_UINT, sender=trader)

    assert tx.return_value == wad(10_000)
    assert vault.position(position_id).debtShares == 0
    assert synths["sUSD"].totalSupply() == supply - wad(10_000)


def test_remove_spot__max_uint__insufficient_spot(vault, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1, mint=10_000)

    with reverts(vault.VaultInsufficientSpot, positionId=position_id, spotAmount=BTC, amount=MAX_UINT):
        vault.removeSpot(position_id, MAX_UINT, trader, sender=trader)


def test_add_spot__max_uint__refused_with_a_custom_error(vault, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1)

    with reverts(vault.SafeCastOverflowedUintDowncast, bits=UINT128, value=MAX_UINT):
        vault.addSpot(position_id, MAX_UINT, sender=trader)


def test_withdraw_margin__max_uint_with_debt__refused_with_a_custom_error(vault, trader,
                                                                         futures_position):
    position_id, _ = futures_position("sUSD", margin=20_000, mint=10_000)

    with reverts(vault.SafeCastOverflowedUintDowncast, bits=UINT128, value=MAX_UINT):
        vault.withdrawMargin(position_id, MAX_UINT, trader, sender=trader)


def test_trade__max_int_size__refused_with_a_custom_error(vault, exchange, markets, trader, futures_position):
    position_id, _ = futures_position("sUSD", margin=20_000, mint=10_000)

    with reverts(exchange.SafeCastOverflowedIntDowncast, bits=UINT128, value=MAX_INT):
        vault.trade(position_id, markets["BTC-PERP"], MAX_INT, MAX_UINT, sender=trader)


def test_liquidate__min_out_max_uint__insufficient_output(engine, feeds, owner, keeper, susd_position):
    set_price(feeds["BTC"], 47_000, owner)

    with reverts(engine.LiquidationEngineInsufficientOutput, outUsdWad=wad("34124.99954"), minOutUsdWad=MAX_UINT):
        engine.liquidate(susd_position, MAX_UINT, MAX_UINT, sender=keeper)


def _huge_round(feed, owner, chain, answer):
    """Two rounds in a row at `answer` (the hub's circuit breaker compares with the round before)."""
    now = chain.blocks.head.timestamp
    latest = feed.latestRoundData()[0]
    for round_id in (latest + 1, latest + 2):
        feed.setRoundData(round_id, answer, now, now, round_id, sender=owner)


def test_huge_btc_price__health_exact_and_a_healthy_position_not_liquidated(vault, lens, engine, oracle, chain, feeds,
                                                                            owner, keeper, susd_position):
    answer = 2**127 - 1  # the largest answer a feed round holds (int128)
    _huge_round(feeds["BTC"], owner, chain, answer)
    price = answer * 10**10
    assert oracle.priceWad(asset_id("BTC")) == price
    collateral = price  # one whole BTC
    cr = div_wad_down(collateral, wad(40_000))
    assert lens.health(susd_position) == (collateral, wad(40_000), cr)

    with reverts(engine.LiquidationEngineHealthyPosition, positionId=susd_position, crWad=cr,
                 liquidationRatioWad=wad("1.2")):
        engine.liquidate(susd_position, MAX_UINT, 0, sender=keeper)


def test_huge_synth_price__mint_undercollateralized_with_its_cr(vault, oracle, chain, feeds, owner, trader,
                                                               open_position):
    position_id = open_position("sXAU", spot_btc=1)
    answer = 2**127 - 1
    _huge_round(feeds["XAU"], owner, chain, answer)
    debt_usd = wad(2) * answer * 10**10 // 10**18

    with reverts(vault.VaultUndercollateralized, positionId=position_id, crWad=div_wad_down(wad(60_000), debt_usd),
                 minCrWad=wad("1.5")):
        vault.mint(position_id, wad(2), sender=trader)
