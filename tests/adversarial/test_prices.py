"""Untrusted prices against every action that adds risk or pays out at a price: each bad round
(stale, zero, negative, incomplete twice over, a jump that trips the circuit breaker) stops mint,
removeSpot, withdrawMargin, a trade of the locked account, unlock with debt and liquidate with
the hub's own error and its facts, and moves nothing; liquidateMany passes over each position
with that error in `LiquidationFailed` and moves nothing; repaying and adding collateral still
work. A control row runs every action on the good price it was built for.

The scene (one module-scoped setup): BTC has fallen from $60,000 to $47,000, USD at $1, no
stability fee. P1: 1 BTC owing 30,000 sUSD (CR 156.6%). P2: a short 1 BTC perpetual on 10,000
USDC and 0.5 BTC spot, owing 10,000 sUSD. P3 (trader2): 1 BTC owing 40,000 sUSD, CR 117.5%,
liquidatable; the keeper holds its 40,000 sUSD."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from ape import networks
from eth_utils import keccak

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts

BTC_UNIT = 10**8


@dataclass
class Scene:
    p1: int
    p2: int
    p3: int


@pytest.fixture(scope="module")
def scene(vault, synths, engine, books, exchange, markets, feeds, owner, trader, trader2, keeper, open_position,
          futures_position, set_params, fund_wbtc) -> Scene:
    for symbol in ("sUSD", "sXAU"):
        set_params(symbol, stabilityFeeWad=0)
    set_price(feeds["USD"], 1, owner)
    set_price(feeds["XAU"], 2_400, owner)
    set_price(feeds["BTC"], 60_000, owner)
    p1 = open_position("sUSD", spot_btc=1, mint=30_000)
    p2, _ = futures_position("sUSD", margin=10_000, btc_size=-1, spot_btc="0.5", mint=10_000)
    p3 = open_position("sUSD", spot_btc=1, mint=40_000, owner=trader2)
    synths["sUSD"].transfer(keeper, wad(40_000), sender=trader2)
    set_price(feeds["BTC"], 47_000, owner)
    fund_wbtc(trader, 1)  # for addSpot
    return Scene(p1, p2, p3)


def _latest(feed: Any) -> int:
    return feed.latestRoundData()[0]


def _stale(chain, feed, owner, asset, oracle):
    updated = feed.latestRoundData()[3]
    advance(chain, 3_601)
    return oracle.OracleStalePrice, {"asset": asset, "updatedAt": updated, "heartbeat": 3_600}


def _answer(answer: int) -> Callable:
    def spoil(chain, feed, owner, asset, oracle):
        feed.submit(answer, sender=owner)
        return oracle.OracleNonPositivePrice, {"asset": asset, "answer": answer}
    return spoil


def _incomplete(updated_at_zero: bool) -> Callable:
    def spoil(chain, feed, owner, asset, oracle):
        round_id, answer = _latest(feed) + 1, feed.latestRoundData()[1]
        now = chain.blocks.head.timestamp
        updated_at, answered = (0, round_id) if updated_at_zero else (now, round_id - 1)
        feed.setRoundData(round_id, answer, now, updated_at, answered, sender=owner)
        return oracle.OracleIncompleteRound, {"asset": asset, "roundId": round_id, "answeredInRound": answered,
                                              "updatedAt": updated_at}
    return spoil


def _frozen(chain, feed, owner, asset, oracle):
    # 55% down in one round, over the 50% bound of BTC (10% of USD is tripped as well).
    answer = feed.latestRoundData()[1] * 45 // 100
    feed.submit(answer, sender=owner)
    return oracle.OracleFrozen, {"asset": asset, "roundId": _latest(feed), "deviationBps": 5_500}


BAD_ROUNDS = {
    "stale": _stale,
    "zero": _answer(0),
    "negative": _answer(-1),
    "updated_at_zero": _incomplete(True),
    "answered_in_an_earlier_round": _incomplete(False),
    "circuit_breaker": _frozen,
}

# Each action as the scene makes it pass on a good price.
RISKY = {
    "mint": lambda c: c.vault.mint(c.s.p1, wad(1_000), sender=c.trader),
    "removeSpot": lambda c: c.vault.removeSpot(c.s.p1, BTC_UNIT // 100, c.trader, sender=c.trader),
    "withdrawMargin": lambda c: c.vault.withdrawMargin(c.s.p2, scaled(100, 6), c.trader, sender=c.trader),
    "trade": lambda c: c.vault.trade(c.s.p2, c.markets["BTC-PERP"], -wad("0.1"), 0, sender=c.trader),
    "unlock": lambda c: c.vault.unlock(c.s.p2, sender=c.trader),
    "liquidate": lambda c: c.engine.liquidate(c.s.p3, MAX_UINT, 0, sender=c.keeper),
    "liquidateMany": lambda c: c.engine.liquidateMany([c.s.p1, c.s.p3], 0, sender=c.keeper),
}
SAFE = {
    "burn": lambda c: c.vault.burn(c.s.p1, wad(100), sender=c.trader),
    "addSpot": lambda c: c.vault.addSpot(c.s.p1, BTC_UNIT, sender=c.trader),
}


@dataclass
class Ctx:
    vault: Any
    engine: Any
    markets: dict
    trader: Any
    keeper: Any
    s: Scene


@pytest.fixture
def ctx(vault, engine, markets, trader, keeper, scene) -> Ctx:
    return Ctx(vault, engine, markets, trader, keeper, scene)


@pytest.mark.parametrize("action", list(RISKY) + list(SAFE))
def test_action__good_prices__passes(ctx, action, books):
    before = books(ctx.s.p1, ctx.s.p2, ctx.s.p3)

    (RISKY | SAFE)[action](ctx)

    assert books(ctx.s.p1, ctx.s.p2, ctx.s.p3) != before


# Every bad round against minting and liquidating; the other risky actions read the same hub
# through the same `priceWad` (each kind is proven there, tests/oracle), one kind each. The
# synth's own price: a debt valued at a zero, negative, incomplete or jumping price would make a
# position look healthy, or a liquidation look due (the USD feed's heartbeat is a day, its bound 10%).
CASES = [
    *((action, "BTC", kind) for action in ("mint", "liquidate") for kind in BAD_ROUNDS),
    ("removeSpot", "BTC", "negative"), ("withdrawMargin", "BTC", "updated_at_zero"),
    ("trade", "BTC", "answered_in_an_earlier_round"), ("unlock", "BTC", "circuit_breaker"),
    *(("liquidate", "USD", kind) for kind in ("zero", "negative", "updated_at_zero", "circuit_breaker")),
    ("mint", "USD", "zero"),
]


@pytest.mark.parametrize("action, ticker, kind", CASES, ids=["-".join(case) for case in CASES])
def test_risky_action__untrusted_price__reverts_with_the_hubs_error(chain, oracle, feeds, owner, ctx, action,
                                                                   ticker, kind):
    error, facts = BAD_ROUNDS[kind](chain, feeds[ticker], owner, asset_id(ticker), oracle)

    with reverts(error, **facts):
        RISKY[action](ctx)


# liquidateMany isolates each position: one whose price cannot be trusted is passed over with
# `LiquidationFailed` carrying the hub's error and its facts, and the batch pays for the others.
MANY_CASES = [("BTC", "stale"), ("BTC", "zero"), ("BTC", "circuit_breaker"), ("USD", "circuit_breaker")]


@pytest.mark.parametrize("ticker, kind", MANY_CASES, ids=["-".join(case) for case in MANY_CASES])
def test_liquidate_many__untrusted_price__each_position_fails_with_the_hubs_error(chain, oracle, feeds, owner, ctx,
                                                                                  books, ticker, kind):
    error, facts = BAD_ROUNDS[kind](chain, feeds[ticker], owner, asset_id(ticker), oracle)
    before = books(ctx.s.p1, ctx.s.p2, ctx.s.p3)

    tx = RISKY["liquidateMany"](ctx)

    failed = [(log.positionId, log.reason) for log in tx.events.filter(ctx.engine.LiquidationFailed)]
    assert [position_id for position_id, _ in failed] == [ctx.s.p1, ctx.s.p3]
    for _, reason in failed:
        assert reason[:4] == keccak(text=error.abi.selector)[:4]
        inputs = networks.ethereum.decode_calldata(error.abi, reason[4:])
        assert {name: inputs[name] for name in facts} == facts
    assert tx.return_value == (0, 0)
    assert books(ctx.s.p1, ctx.s.p2, ctx.s.p3) == before


SAFE_CASES = ("stale", "zero", "circuit_breaker")


@pytest.mark.parametrize("kind", SAFE_CASES)
@pytest.mark.parametrize("action", SAFE)
def test_repay_or_add_collateral__untrusted_btc_price__still_works(chain, oracle, feeds, owner, vault, ctx, action,
                                                                  kind):
    BAD_ROUNDS[kind](chain, feeds["BTC"], owner, asset_id("BTC"), oracle)
    debt, spot = vault.position(ctx.s.p1).debt, vault.position(ctx.s.p1).spotAmount

    SAFE[action](ctx)

    after = vault.position(ctx.s.p1)
    assert (after.debt, after.spotAmount) == ((debt - wad(100), spot) if action == "burn" else (debt, spot + BTC_UNIT))
