"""Findings of the assurance review (issue 7), each found as a failing test (first marked
xfail(strict=True)) and since fixed; kept as regression tests. docs/assurance.md tells the story
of each as known issues KI1 to KI3.

KI1. Shutdown freezes each price at its "last good value" (`ILiquidationEngine`): the latest round if
it is trusted or merely stale, the round before it if the latest froze the circuit breaker.
`LiquidationEngine._lastGoodPrice` takes both at their word: a round that froze the breaker and
then went stale reads `Stale`, and is frozen as good; and the round before a frozen round is taken
without asking whether it was good itself. (Fixed: the engine walks back to the last round
the hub trusted, up to 32 rounds.) Either way the settlement price can be a jump the
breaker refused and nobody confirmed or accepted. With BTC at $60,000 and one glitch round at
$20,000, settlement values every position's spot and every redemption's BTC at a third of the
last trusted price: redeemers take three times the BTC they are owed, positions keep too little.
(BTC $60,000 at deployment, circuit breaker 50%, heartbeat one hour.)

KI2. A write-off with no other position to share it becomes the synth's bad debt: "synth in
circulation that no position owes". But the debt written off includes the position's stability
fee accrued and not yet minted, which never circulated. From then on `uncollectedFees` reads that
much less (it nets the bad debt against the supply) and `IVault`'s identity "total supply +
uncollectedFees = sum of position debts + badDebt" is off by the lost fee, until new debt of the
synth lets `accrue` mint it to the fee recipient, unbacked; with no new debt (or after shutdown),
for good. Found by the invariant fuzzer (test-forge/invariant). (Fixed: `uncollectedFees` is the
debt plus the bad debt less the supply, never netted to zero.)

KI3. After shutdown, once the settlement period has passed, holders may redeem while positions
still owe unsettled debt. A redemption burns synth but no debt, and `Vault._uncollected` (total
debt less the supply that positions owe) reads the burned amount as stability fee owed: the
stability fee is stopped, yet `uncollectedFees` grows by every unit redeemed, and anyone can
`accrue` it into new synth for the fee recipient, who can redeem that against the reserves set
aside for the holders. Found by the invariant fuzzer. (Fixed: no fee is owed after shutdown.)"""

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT


def test_shutdown__glitch_round_then_silent_feed__freezes_the_price_before_the_glitch(chain, oracle, settlement,
                                                                                     feeds, owner):
    set_price(feeds["BTC"], 20_000, owner)  # -66% in one round: the breaker freezes BTC
    advance(chain, 3_601)  # the feed goes silent: the frozen round is now merely stale
    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)


def test_shutdown__two_jumps_in_a_row__freezes_the_last_trusted_price(oracle, settlement, feeds, owner):
    set_price(feeds["BTC"], 20_000, owner)  # a glitch: frozen
    set_price(feeds["BTC"], 60_000, owner)  # back: +200% from the glitch, frozen again
    settlement.shutdown(sender=owner)

    assert settlement.frozenPriceWad(asset_id("BTC")) == wad(60_000)


def test_write_off_to_bad_debt__with_uncollected_fee__supply_and_fees_still_match_debts(
    chain, vault, engine, synths, feeds, owner, keeper, trader, open_position, give, set_params
):
    susd = synths["sUSD"]
    set_params("sUSD", stabilityFeeWad=wad("0.5"))
    # 5 BTC owing 200,000 sUSD (CR 150% at $60,000); the keeper holds all of it.
    position_id = open_position("sUSD", spot_btc=5, mint=200_000)
    give(keeper, "sUSD", wad(200_000))
    advance(chain, 30 * 86_400)  # a month of fee, accrued and not collected
    set_price(feeds["USD"], 1, owner)
    set_price(feeds["BTC"], 30_000, owner)
    set_price(feeds["BTC"], 20_000, owner)  # collateral $100,000: a shortfall past the fund's $50,000
    assert vault.position(position_id).debt > wad(200_000)

    engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    assert vault.badDebt(susd) > 0  # the rest of the debt had no other position to go to
    assert vault.position(position_id).debt == 0
    assert susd.totalSupply() + vault.uncollectedFees(susd) == vault.badDebt(susd)


def test_redeem_after_settlement_period__debt_unsettled__no_fee_appears(
    chain, vault, settlement, synths, owner, trader, open_position, no_fee
):
    susd = synths["sUSD"]
    open_position("sUSD", spot_btc=1, mint=10_000)  # never settled
    settled = open_position("sUSD", spot_btc=1, mint=3_000)  # backs the 3,000 redeemed below
    settlement.shutdown(sender=owner)
    settlement.settle(settled, sender=owner)
    advance(chain, settlement.SETTLEMENT_PERIOD() + 1)
    assert vault.uncollectedFees(susd) == 0

    settlement.redeem(susd, wad(3_000), sender=trader)

    assert vault.uncollectedFees(susd) == 0  # the fee is stopped: nothing can be owed to the recipient
