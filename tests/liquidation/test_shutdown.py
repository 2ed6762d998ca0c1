"""Emergency shutdown (`GlobalSettlement`): the owner freezes every price at its last good value
and stops the vault (and with it the liquidation engine); anyone settles each position (futures
closed, the debt's value set aside at the frozen price, stablecoin first, then spot BTC); holders
of each synth redeem it from what was set aside for it: each claim the same share of each asset,
over the supply the reserve backs. (BTC $60,000, XAU $2,400, USD $1 at shutdown.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.exchange import params_of
from tests.utils.liquidation import WAD, closed_fraction

pytestmark = pytest.mark.usefixtures("no_fee")

BTC = 10**8
USDC = 10**6
ASSETS = ("BTC", "USD", "XAU", "ETH", "SPX", "RE")  # BTC, then each synth's asset in listing order


@pytest.fixture
def book(vault, exchange, markets, synths, trader, trader2, keeper, open_position, long_btc, give):
    """The trader's positions: P1, 1 BTC owing 40,000 sUSD; P2, a long 1 BTC on 20,000 USDC owing
    5 sXAU (held by trader2); P3, 1 BTC owing 10 sXAU. The keeper bought 10,000 sUSD and 2 sXAU."""
    p1 = open_position("sUSD", spot_btc=1, mint=40_000)
    p2, account, entry, margin = long_btc(size=1, margin=20_000, mint=5)
    synths["sXAU"].transfer(trader2, wad(5), sender=keeper)  # long_btc handed it to the keeper
    p3 = open_position("sXAU", spot_btc=1, mint=10)
    give(keeper, "sUSD", wad(10_000))
    give(keeper, "sXAU", wad(2))
    return p1, p2, p3, account, entry, margin


def test_shutdown__owner__freezes_every_price_and_the_vault(settlement, engine, vault, oracle, chain, owner, keeper,
                                                            book):
    tx = settlement.shutdown(sender=owner)

    assert settlement.shutdownAt() == tx.timestamp
    assert logs(tx, settlement.ShutDown) == [{"timestamp": tx.timestamp}]
    frozen = logs(tx, settlement.PriceFrozen)
    assert [(e["asset"], e["priceWad"]) for e in frozen] == [
        (asset_id(a), oracle.priceWad(asset_id(a))) for a in ASSETS]
    assert settlement.frozenPriceWad(asset_id("XAU")) == wad(2_400)
    assert vault.isShutdown()
    assert logs(tx, vault.ShutDown) == [{}]
    with reverts(settlement.GlobalSettlementShutDown, shutdownAt=tx.timestamp):
        settlement.shutdown(sender=owner)
    with reverts(engine.LiquidationEngineShutDown):
        engine.liquidate(book[0], MAX_UINT, 0, sender=keeper)
    with reverts(engine.LiquidationEngineShutDown):
        engine.liquidateMany([book[0]], 0, sender=keeper)


def test_deploy__configured__wired_to_the_vault(settlement, vault, usdc, synths):
    assert settlement.vault() == vault.address
    assert settlement.marginToken() == usdc.address
    assert settlement.shutdownAt() == 0
    assert settlement.SETTLEMENT_PERIOD() == 7 * 86_400
    assert vault.globalSettlement() == settlement.address
    for synth in synths.values():
        assert synth.hasRole(synth.BURNER_ROLE(), settlement)


def test_shutdown__not_owner__reverts(settlement, attacker):
    with reverts(settlement.OwnableUnauthorizedAccount, account=attacker):
        settlement.shutdown(sender=attacker)


def test_constructor__zero_vault__reverts(project, owner, feeder):
    # From an account no other test deploys from (see tests/vault/test_params.py: Ape caches types by address).
    with reverts(project.GlobalSettlement.GlobalSettlementZeroAddress):
        feeder.deploy(project.GlobalSettlement, owner, ZERO_ADDRESS)


def test_shutdown__btc_frozen_by_a_jump__takes_the_round_before(settlement, oracle, feeds, owner):
    set_price(feeds["BTC"], 25_000, owner)  # -58%: the breaker freezes BTC

    tx = settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)
    assert logs(tx, settlement.PriceFrozen)[0] == {"asset": asset_id("BTC"), "priceWad": wad(60_000)}


def test_shutdown__jump_then_silent_feed__takes_the_round_before_the_jump(settlement, chain, feeds, owner):
    set_price(feeds["BTC"], 20_000, owner)  # -66%: frozen
    advance(chain, 3_601)  # then stale: the jump was never trusted, staleness does not change that

    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)


def test_shutdown__two_jumps_in_a_row__takes_the_last_trusted_round(settlement, feeds, owner):
    set_price(feeds["BTC"], 20_000, owner)  # a glitch: frozen
    set_price(feeds["BTC"], 61_000, owner)  # back, +205% from the glitch: frozen too

    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)


def test_shutdown__accepted_jump__is_the_price(settlement, oracle, feeds, owner):
    tx = set_price(feeds["BTC"], 20_000, owner)
    oracle.acceptRound(asset_id("BTC"), tx.events.filter(feeds["BTC"].NewRound)[0].roundId, sender=owner)
    set_price(feeds["BTC"], 21_000, owner)  # within the bound of the accepted level
    set_price(feeds["BTC"], 70_000, owner)  # frozen

    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(21_000)


def test_shutdown__stale_price__its_last_round_counts(settlement, chain, feeds, owner):
    advance(chain, 86_401)  # every feed stale

    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)
    assert settlement.frozenPriceWad(asset_id("USD")) == wad(1)


def test_shutdown__non_positive_round__takes_the_round_before(settlement, feeds, owner):
    feeds["RE"].submit(0, sender=owner)

    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("RE")) == wad(350)


def test_shutdown__an_asset_without_a_feed__reverts(settlement, oracle, owner):
    oracle.removeFeed(asset_id("RE"), sender=owner)

    with reverts(settlement.GlobalSettlementNoTrustedPrice, asset=asset_id("RE"), status=1):  # UnknownAsset
        settlement.shutdown(sender=owner)


def test_settle__positions__debt_value_set_aside_rest_left_to_the_owners(
    settlement, vault, exchange, futures_accounts, markets, synths, usdc, wbtc, trader, trader2, keeper, owner, book
):
    p1, p2, p3, account, entry, margin = book
    settlement.shutdown(sender=owner)

    tx1 = settlement.settle(p1, sender=keeper)
    tx2 = settlement.settle(p2, sender=keeper)
    tx3 = settlement.settle(p3, sender=keeper)

    # P1: 40,000 of debt in spot at $60,000, rounded up: 0.66666667 BTC.
    assert logs(tx1, settlement.Settled) == [{"positionId": p1, "synth": synths["sUSD"].address, "debt": wad(40_000),
                                          "stableSetAside": 0, "spotSetAside": 66_666_667, "shortUsdWad": 0}]
    # P2: its long closed at the live price, then 12,000 of its margin.
    params = params_of(exchange, markets["BTC-PERP"])
    close = closed_fraction(wad(1), margin, entry, wad(60_000), WAD, params.impactWad, params.takerFeeWad)
    assert logs(tx2, settlement.Settled) == [{"positionId": p2, "synth": synths["sXAU"].address, "debt": wad(5),
                                          "stableSetAside": 12_000 * USDC, "spotSetAside": 0, "shortUsdWad": 0}]
    assert exchange.positions(account) == []
    assert exchange.signedMarginOf(account) == close["margin"] - wad(12_000)
    # P3: 10 sXAU = $24,000 of spot: 0.4 BTC.
    assert logs(tx3, settlement.Settled)[0]["spotSetAside"] == 40_000_000
    assert settlement.reserves(synths["sUSD"]) == (0, 66_666_667, wad(40_000))
    assert settlement.reserves(synths["sXAU"]) == (12_000 * USDC, 40_000_000, wad(15))
    assert (usdc.balanceOf(settlement), wbtc.balanceOf(settlement)) == (12_000 * USDC, 106_666_667)
    # Supply = debts + bad debt + settled debt, synth by synth.
    for symbol, positions in (("sUSD", [p1]), ("sXAU", [p2, p3])):
        synth = synths[symbol]
        assert synth.totalSupply() == sum(vault.position(p).debt for p in positions) + vault.badDebt(synth) + \
            settlement.reserves(synth)[2]
    # The owners take back the rest.
    vault.close(p1, sender=trader)
    vault.close(p3, sender=trader)
    assert wbtc.balanceOf(trader) == BTC - 66_666_667 + BTC - 40_000_000
    vault.close(p2, sender=trader)
    assert futures_accounts.ownerOf(account) == trader.address


def test_settle__refusals(settlement, vault, owner, keeper, book, open_position):
    with reverts(settlement.GlobalSettlementNotShutDown):
        settlement.settle(book[0], sender=keeper)
    settlement.shutdown(sender=owner)
    settlement.settle(book[0], sender=keeper)
    with reverts(settlement.GlobalSettlementNothingToSettle, positionId=book[0]):
        settlement.settle(book[0], sender=keeper)
    with reverts(vault.VaultUnknownPosition, positionId=999):
        settlement.settle(999, sender=keeper)


def test_settle__stale_prices__spot_settles_futures_wait_for_the_exchange(settlement, oracle, chain, owner, keeper,
                                                                          book):
    p1, p2 = book[0], book[1]
    settlement.shutdown(sender=owner)
    advance(chain, 3_601)

    settlement.settle(p1, sender=keeper)  # frozen prices only: no read
    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC")):
        settlement.settle(p2, sender=keeper)


def test_redeem__several_holders_of_several_synths__a_share_of_each_asset(
    settlement, synths, usdc, wbtc, trader, trader2, keeper, owner, book
):
    p1, p2, p3 = book[:3]
    settlement.shutdown(sender=owner)
    for position_id in (p1, p2, p3):
        settlement.settle(position_id, sender=keeper)
    sxau, susd = synths["sXAU"], synths["sUSD"]

    # sXAU: 12,000 USDC and 0.4 BTC (one satoshi of it the settlement's rounding up) against
    # 15 sXAU at $2,400. Each claim gets its share of each asset, rounded down: 5 of 15 is a third.
    tx = settlement.redeem(sxau, wad(5), sender=trader2)
    assert tx.return_value == (4_000 * USDC, 13_333_333)
    assert logs(tx, settlement.Redeemed) == [{"synth": sxau.address, "holder": trader2.address, "amount": wad(5),
                                          "stableOut": 4_000 * USDC, "spotOut": 13_333_333}]
    assert settlement.redeem(sxau, wad(2), sender=keeper).return_value == (1_600 * USDC, 5_333_333)
    # The last 8 take what is left, 6,400 USDC and 0.21333334 BTC: $19,200.0004, over their
    # frozen $19,200, so both are scaled down alike (rounded down).
    assert settlement.redeem(sxau, wad(8), sender=trader).return_value == (6_399_999_866, 21_333_333)
    assert settlement.reserves(sxau)[:2] == (134, 1)  # rounding dust: $0.000134 and a satoshi
    assert sxau.totalSupply() == 0
    # sUSD: 0.66666667 BTC against 40,000 sUSD at $1 (BTC $60,000), rounded down for each.
    assert settlement.redeem(susd, wad(10_000), sender=keeper).return_value == (0, 16_666_666)
    assert settlement.redeem(susd, wad(30_000), sender=trader).return_value == (0, 50_000_000)
    assert settlement.reserves(susd)[:2] == (0, 1)  # a satoshi of rounding stays with the settlement
    assert (usdc.balanceOf(trader2), wbtc.balanceOf(keeper)) == (4_000 * USDC, 5_333_333 + 16_666_666)
    assert susd.totalSupply() == 0


def test_redeem__reserve_short__pro_rata(settlement, vault, synths, wbtc, feeds, owner, trader, keeper, open_position,
                                          give):
    # 1 BTC owing 13 sETH ($39,000); BTC halves (the breaker's bound, not past it) before shutdown.
    position_id = open_position("sETH", spot_btc=1, mint=13)
    give(keeper, "sETH", wad(3))
    set_price(feeds["BTC"], 30_000, owner)
    settlement.shutdown(sender=owner)

    tx = settlement.settle(position_id, sender=keeper)

    assert logs(tx, settlement.Settled)[0]["shortUsdWad"] == wad(9_000)
    seth = synths["sETH"]
    # Each sETH gets 30,000 / 13 of a $3,000 claim.
    assert settlement.redeem(seth, wad(3), sender=keeper).return_value == (0, 23_076_923)
    assert settlement.redeem(seth, wad(10), sender=trader).return_value == (0, BTC - 23_076_923)
    assert settlement.reserves(seth)[:2] == (0, 0)


def test_redeem__unsettled_debt__opens_after_the_settlement_period(settlement, synths, chain, owner, keeper, trader2,
                                                                    book):
    p1, p2, p3 = book[:3]
    tx = settlement.shutdown(sender=owner)
    settlement.settle(p2, sender=keeper)  # P3 still owes sXAU
    opens = tx.timestamp + settlement.SETTLEMENT_PERIOD()

    with reverts(settlement.GlobalSettlementRedemptionNotOpen, synth=synths["sXAU"], opensAt=opens):
        settlement.redeem(synths["sXAU"], wad(1), sender=keeper)

    chain.mine(timestamp=opens)
    # Priced on the 5 sXAU the settled reserve backs (P3's 10 are still owed): 12,000 USDC for
    # 5, the whole frozen $2,400 a unit.
    assert settlement.redeem(synths["sXAU"], wad(1), sender=keeper).return_value == (2_400 * USDC, 0)
    with reverts(settlement.GlobalSettlementRedemptionExceedsBacked, synth=synths["sXAU"], amount=wad(5),
                 backed=wad(4)):
        settlement.redeem(synths["sXAU"], wad(5), sender=trader2)


def test_redeem__refusals(settlement, vault, synths, owner, keeper, book):
    with reverts(settlement.GlobalSettlementNotShutDown):
        settlement.redeem(synths["sUSD"], wad(1), sender=keeper)
    settlement.shutdown(sender=owner)
    settlement.settle(book[0], sender=keeper)
    with reverts(settlement.GlobalSettlementZeroAmount):
        settlement.redeem(synths["sUSD"], 0, sender=keeper)
    with reverts(vault.VaultUnknownSynth, synth=keeper.address):
        settlement.redeem(keeper.address, wad(1), sender=keeper)
    with reverts(synths["sUSD"].ERC20InsufficientBalance, sender=keeper.address):
        settlement.redeem(synths["sUSD"], wad(10_001), sender=keeper)


def test_redeem__after_the_period_with_debt_unsettled__no_fee_appears(settlement, vault, synths, chain, owner, trader,
                                                                       keeper, book, open_position):
    susd = synths["sUSD"]
    settled = open_position("sUSD", spot_btc=1, mint=3_000)  # backs the 3,000 redeemed below
    tx = settlement.shutdown(sender=owner)
    settlement.settle(settled, sender=keeper)
    chain.mine(timestamp=tx.timestamp + settlement.SETTLEMENT_PERIOD())  # P1 never settled

    settlement.redeem(susd, wad(3_000), sender=keeper)

    # The fee stopped at shutdown: burning synth never shows up as fees owed to the recipient.
    assert vault.uncollectedFees(susd) == 0
    assert vault.accrue(susd, sender=trader).return_value[1] == 0
