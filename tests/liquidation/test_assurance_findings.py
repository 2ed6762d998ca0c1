"""Findings of the assurance review (issue 7) that the contracts do not handle yet, each a failing
test marked xfail(strict=True): it turns into an unexpected pass, and fails the suite, the day the
contract is fixed, so the mark must then be removed.

Shutdown freezes each price at its "last good value" (`ILiquidationEngine`): the latest round if
it is trusted or merely stale, the round before it if the latest froze the circuit breaker.
`LiquidationEngine._lastGoodPrice` takes both at their word: a round that froze the breaker and
then went stale reads `Stale`, and is frozen as good; and the round before a frozen round is taken
without asking whether it was good itself. Either way the settlement price can be a jump the
breaker refused and nobody confirmed or accepted. With BTC at $60,000 and one glitch round at
$20,000, settlement values every position's spot and every redemption's BTC at a third of the
last trusted price: redeemers take three times the BTC they are owed, positions keep too little.
(BTC $60,000 at deployment, circuit breaker 50%, heartbeat one hour.)"""

import pytest

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price

REASON_STALE = (
    "LiquidationEngine._lastGoodPrice freezes a stale round as good even when that round froze the "
    "circuit breaker (a glitch followed by a silent feed): settlement at an unconfirmed jump"
)
REASON_TWO_JUMPS = (
    "LiquidationEngine._lastGoodPrice takes the round before a frozen round without checking it was "
    "trusted: after two jumps in a row settlement uses the first, unconfirmed jump"
)


@pytest.mark.xfail(strict=True, reason=REASON_STALE)
def test_shutdown__glitch_round_then_silent_feed__freezes_the_price_before_the_glitch(chain, oracle, engine, feeds,
                                                                                     owner):
    set_price(feeds["BTC"], 20_000, owner)  # -66% in one round: the breaker freezes BTC
    advance(chain, 3_601)  # the feed goes silent: the frozen round is now merely stale
    engine.shutdown(sender=owner)

    assert engine.frozenPriceWad(asset_id("BTC")) == wad(60_000)


@pytest.mark.xfail(strict=True, reason=REASON_TWO_JUMPS)
def test_shutdown__two_jumps_in_a_row__freezes_the_last_trusted_price(oracle, engine, feeds, owner):
    set_price(feeds["BTC"], 20_000, owner)  # a glitch: frozen
    set_price(feeds["BTC"], 60_000, owner)  # back: +200% from the glitch, frozen again
    engine.shutdown(sender=owner)

    assert engine.frozenPriceWad(asset_id("BTC")) == wad(60_000)
