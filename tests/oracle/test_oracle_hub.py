"""OracleHub: prices in WAD for feeds of any decimals, every reason a price is refused (each
with its custom error, its facts and the matching `peekPriceWad` status), the circuit breaker,
the owner's configuration and the two-step ownership."""

import pytest
from ape.utils import ZERO_ADDRESS

from synthvault.config import load_config
from synthvault.units import BPS, asset_id, scaled, wad
from tests.utils.assertions import assert_events
from tests.utils.custom_errors import reverts
from tests.utils.deployments import SPARE_FEED_DECIMALS
from tests.utils.oracle import PriceStatus

FEEDS_CONFIG = load_config()["oracle"]["feeds"]
BTC, XAU, NEW = asset_id("BTC"), asset_id("XAU"), asset_id("NEW")
UNKNOWN = asset_id("NOPE")
# The configured feeds report with 8 decimals: one answer unit is 1e10 WAD.
ANSWER_TO_WAD = 10**10
BTC_ANSWER = scaled(FEEDS_CONFIG["BTC"]["price"], 8)
BTC_HEARTBEAT = FEEDS_CONFIG["BTC"]["heartbeat_s"]
BTC_MAX_DEVIATION_BPS = FEEDS_CONFIG["BTC"]["max_deviation_bps"]


def configured(ticker: str) -> tuple[bytes, int, int, int]:
    """(asset id, latest answer, heartbeat, deviation bound) of a configured feed."""
    cfg = FEEDS_CONFIG[ticker]
    return asset_id(ticker), scaled(cfg["price"], 8), cfg["heartbeat_s"], cfg["max_deviation_bps"]


def answer_at_bound(previous: int, bound_bps: int, direction: int) -> int:
    """The answer that moves exactly `bound_bps` from `previous`, up (+1) or down (-1)."""
    moved = previous * (BPS + direction * bound_bps)
    assert moved % BPS == 0, "pick a price the bound divides exactly"
    return moved // BPS


def head_time(chain) -> int:
    return chain.blocks.head.timestamp


def test_price_wad__configured_feeds__return_their_config_price(oracle, feeds):
    for ticker, cfg in FEEDS_CONFIG.items():
        asset = asset_id(ticker)
        assert oracle.priceWad(asset) == wad(cfg["price"])
        assert oracle.peekPriceWad(asset) == (wad(cfg["price"]), feeds[ticker].latestTimestamp(), PriceStatus.Ok)


@pytest.mark.parametrize(
    "decimals, price",
    [
        (0, "65000"),
        (0, "1"),
        (6, "65000.123456"),
        (6, "0.000001"),
        (8, "65000.12345678"),
        (8, "0.00000001"),
        (18, "65000.123456789012345678"),
        (18, "0.000000000000000001"),
    ],
)
def test_price_wad__feed_decimals__scales_answer_to_wad(oracle, spare_feeds, owner, decimals, price):
    feed = spare_feeds[decimals]
    oracle.setFeed(NEW, feed, BTC_HEARTBEAT, 0, sender=owner)
    tx = feed.submit(scaled(price, decimals), sender=owner)
    assert oracle.priceWad(NEW) == wad(price)
    assert oracle.peekPriceWad(NEW) == (wad(price), tx.timestamp, PriceStatus.Ok)


def test_price_wad__unknown_asset__reverts(oracle):
    with reverts(oracle.OracleUnknownAsset, asset=UNKNOWN):
        oracle.priceWad(UNKNOWN)
    assert oracle.peekPriceWad(UNKNOWN) == (0, 0, PriceStatus.UnknownAsset)


@pytest.mark.parametrize("ticker", ["BTC", "XAU"])
def test_price_wad__exactly_heartbeat_old__returns_price(chain, oracle, feeds, ticker):
    asset, answer, heartbeat, _ = configured(ticker)
    updated_at = feeds[ticker].latestTimestamp()
    chain.mine(timestamp=updated_at + heartbeat)
    assert oracle.priceWad(asset) == answer * ANSWER_TO_WAD
    assert oracle.peekPriceWad(asset) == (answer * ANSWER_TO_WAD, updated_at, PriceStatus.Ok)


@pytest.mark.parametrize("ticker", ["BTC", "XAU"])
def test_price_wad__heartbeat_plus_one_old__reverts(chain, oracle, feeds, ticker):
    asset, answer, heartbeat, _ = configured(ticker)
    updated_at = feeds[ticker].latestTimestamp()
    now = updated_at + heartbeat + 1
    chain.mine(timestamp=now)
    with reverts(
        oracle.OracleStalePrice, asset=asset, updatedAt=updated_at, heartbeat=heartbeat, nowTimestamp=now
    ):
        oracle.priceWad(asset)
    assert oracle.peekPriceWad(asset) == (answer * ANSWER_TO_WAD, updated_at, PriceStatus.Stale)


@pytest.mark.parametrize("answer", [0, -1, -(2**127)], ids=["zero", "minus_one", "int128_min"])
def test_price_wad__non_positive_answer__reverts(oracle, btc_feed, owner, answer):
    tx = btc_feed.submit(answer, sender=owner)
    with reverts(oracle.OracleNonPositivePrice, asset=BTC, answer=answer):
        oracle.priceWad(BTC)
    assert oracle.peekPriceWad(BTC) == (0, tx.timestamp, PriceStatus.NonPositive)


# Round 2's (updatedAt, answeredInRound), from the time `now` before it is written.
INCOMPLETE_ROUNDS = {
    "updated_at_zero": lambda now: (0, 2),
    "answered_in_earlier_round": lambda now: (now, 1),
    "updated_in_the_future": lambda now: (now + 3600, 2),
}


@pytest.mark.parametrize("fields", INCOMPLETE_ROUNDS.values(), ids=INCOMPLETE_ROUNDS.keys())
def test_price_wad__incomplete_round__reverts(chain, oracle, btc_feed, owner, fields):
    updated_at, answered_in_round = fields(head_time(chain))
    btc_feed.setRoundData(2, BTC_ANSWER, head_time(chain), updated_at, answered_in_round, sender=owner)
    with reverts(
        oracle.OracleIncompleteRound, asset=BTC, roundId=2, answeredInRound=answered_in_round, updatedAt=updated_at
    ):
        oracle.priceWad(BTC)
    assert oracle.peekPriceWad(BTC) == (BTC_ANSWER * ANSWER_TO_WAD, updated_at, PriceStatus.Incomplete)


def test_price_wad__feed_without_rounds__reverts_incomplete(oracle, spare_feeds, owner):
    oracle.setFeed(NEW, spare_feeds[8], BTC_HEARTBEAT, 0, sender=owner)
    with reverts(oracle.OracleIncompleteRound, asset=NEW, roundId=0, answeredInRound=0, updatedAt=0):
        oracle.priceWad(NEW)
    assert oracle.peekPriceWad(NEW) == (0, 0, PriceStatus.Incomplete)


@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
@pytest.mark.parametrize("ticker", ["BTC", "XAU"])
def test_price_wad__jump_exactly_at_bound__returns_price(oracle, feeds, owner, ticker, direction):
    asset, answer, _, bound = configured(ticker)
    moved = answer_at_bound(answer, bound, direction)
    tx = feeds[ticker].submit(moved, sender=owner)
    assert oracle.priceWad(asset) == moved * ANSWER_TO_WAD
    assert oracle.peekPriceWad(asset) == (moved * ANSWER_TO_WAD, tx.timestamp, PriceStatus.Ok)


@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
@pytest.mark.parametrize("ticker", ["BTC", "XAU"])
def test_price_wad__jump_one_unit_over_bound__freezes(oracle, feeds, owner, ticker, direction):
    asset, answer, _, bound = configured(ticker)
    moved = answer_at_bound(answer, bound, direction) + direction
    tx = feeds[ticker].submit(moved, sender=owner)
    # The deviation rounds up, so one answer unit past the bound reads as one basis point over.
    with reverts(oracle.OracleFrozen, asset=asset, roundId=2, deviationBps=bound + 1, maxDeviationBps=bound):
        oracle.priceWad(asset)
    assert oracle.peekPriceWad(asset) == (moved * ANSWER_TO_WAD, tx.timestamp, PriceStatus.Frozen)


def test_price_wad__later_round_within_bound_of_jump__unfreezes(oracle, btc_feed, owner):
    btc_feed.submit(2 * BTC_ANSWER, sender=owner)
    confirmed = 2 * BTC_ANSWER * 101 // 100
    tx = btc_feed.submit(confirmed, sender=owner)
    assert oracle.priceWad(BTC) == confirmed * ANSWER_TO_WAD
    assert oracle.peekPriceWad(BTC) == (confirmed * ANSWER_TO_WAD, tx.timestamp, PriceStatus.Ok)


def test_price_wad__later_round_jumps_again__stays_frozen(oracle, btc_feed, owner):
    btc_feed.submit(2 * BTC_ANSWER, sender=owner)
    btc_feed.submit(4 * BTC_ANSWER, sender=owner)
    with reverts(oracle.OracleFrozen, asset=BTC, roundId=3, deviationBps=10_000, maxDeviationBps=5_000):
        oracle.priceWad(BTC)


# How round 2 is written so that round 1 gives no reference to measure a jump from.
NO_PREVIOUS_REFERENCE = {
    "previous_round_missing": lambda feed, owner: feed.setRoundData(3, 10 * BTC_ANSWER, 1, 1, 3, sender=owner),
    "previous_answer_zero": lambda feed, owner: feed.setRoundData(1, 0, 1, 1, 1, sender=owner),
}


@pytest.mark.parametrize("setup", NO_PREVIOUS_REFERENCE.values(), ids=NO_PREVIOUS_REFERENCE.keys())
def test_price_wad__previous_round_gives_no_reference__jump_passes(oracle, btc_feed, owner, setup):
    setup(btc_feed, owner)
    tx = btc_feed.submit(10 * BTC_ANSWER, sender=owner)
    assert oracle.priceWad(BTC) == 10 * BTC_ANSWER * ANSWER_TO_WAD
    assert oracle.peekPriceWad(BTC) == (10 * BTC_ANSWER * ANSWER_TO_WAD, tx.timestamp, PriceStatus.Ok)


def test_price_wad__bound_zero__breaker_off(oracle, btc_feed, owner):
    oracle.setFeed(BTC, btc_feed, BTC_HEARTBEAT, 0, sender=owner)
    tx = btc_feed.submit(100 * BTC_ANSWER, sender=owner)
    assert oracle.priceWad(BTC) == 100 * BTC_ANSWER * ANSWER_TO_WAD
    assert oracle.peekPriceWad(BTC) == (100 * BTC_ANSWER * ANSWER_TO_WAD, tx.timestamp, PriceStatus.Ok)


def test_accept_round__frozen_latest_round__unfreezes_that_round_only(oracle, btc_feed, owner):
    jump_tx = btc_feed.submit(2 * BTC_ANSWER, sender=owner)

    tx = oracle.acceptRound(BTC, 2, sender=owner)

    assert_events(tx, oracle.RoundAccepted(asset=BTC, roundId=2, priceWad=2 * BTC_ANSWER * ANSWER_TO_WAD))
    assert tuple(oracle.feeds(BTC)) == (btc_feed.address, BTC_HEARTBEAT, 8, BTC_MAX_DEVIATION_BPS, 2)
    assert oracle.priceWad(BTC) == 2 * BTC_ANSWER * ANSWER_TO_WAD
    assert oracle.peekPriceWad(BTC) == (2 * BTC_ANSWER * ANSWER_TO_WAD, jump_tx.timestamp, PriceStatus.Ok)
    btc_feed.submit(4 * BTC_ANSWER, sender=owner)
    with reverts(oracle.OracleFrozen, asset=BTC, roundId=3, deviationBps=10_000, maxDeviationBps=5_000):
        oracle.priceWad(BTC)


# Round 2 as (answer, answeredInRound, seconds to wait after it), and the round the owner tries.
CANNOT_ACCEPT = {
    "earlier_round": (2 * BTC_ANSWER, 2, 0, 1),
    "round_zero": (2 * BTC_ANSWER, 2, 0, 0),  # not mistaken for "already accepted" (the default 0)
    "later_round": (2 * BTC_ANSWER, 2, 0, 3),
    "stale_round": (2 * BTC_ANSWER, 2, BTC_HEARTBEAT + 1, 2),
    "zero_answer": (0, 2, 0, 2),
    "negative_answer": (-1, 2, 0, 2),
    "incomplete_round": (2 * BTC_ANSWER, 1, 0, 2),
}


@pytest.mark.parametrize("answer, answered_in_round, wait, round_id", CANNOT_ACCEPT.values(), ids=CANNOT_ACCEPT.keys())
def test_accept_round__not_an_acceptable_round__reverts(
    chain, oracle, btc_feed, owner, answer, answered_in_round, wait, round_id
):
    now = head_time(chain)
    btc_feed.setRoundData(2, answer, now, now, answered_in_round, sender=owner)
    chain.mine(timestamp=head_time(chain) + wait)
    with reverts(oracle.OracleCannotAcceptRound, asset=BTC, roundId=round_id, latestRoundId=2):
        oracle.acceptRound(BTC, round_id, sender=owner)


def test_accept_round__same_round_twice__reverts(oracle, btc_feed, owner):
    btc_feed.submit(2 * BTC_ANSWER, sender=owner)
    oracle.acceptRound(BTC, 2, sender=owner)
    with reverts(oracle.OracleAlreadySet, asset=BTC):
        oracle.acceptRound(BTC, 2, sender=owner)


def test_accept_round__unknown_asset__reverts(oracle, owner):
    with reverts(oracle.OracleUnknownAsset, asset=UNKNOWN):
        oracle.acceptRound(UNKNOWN, 1, sender=owner)


@pytest.mark.parametrize("decimals", [d for d in SPARE_FEED_DECIMALS if d <= 18])
def test_set_feed__new_asset__registers_feed_with_its_decimals(oracle, spare_feeds, owner, decimals):
    feed = spare_feeds[decimals]
    tx = oracle.setFeed(NEW, feed, 600, 300, sender=owner)
    assert_events(
        tx, oracle.FeedSet(asset=NEW, aggregator=feed, decimals=decimals, heartbeat=600, maxDeviationBps=300)
    )
    assert tuple(oracle.feeds(NEW)) == (feed.address, 600, decimals, 300, 0)


# One field of BTC's configuration changed: (use a spare feed, heartbeat, deviation bound).
ONE_FIELD_CHANGED = {
    "aggregator": (True, BTC_HEARTBEAT, BTC_MAX_DEVIATION_BPS),
    "heartbeat": (False, BTC_HEARTBEAT + 1, BTC_MAX_DEVIATION_BPS),
    "max_deviation": (False, BTC_HEARTBEAT, BTC_MAX_DEVIATION_BPS - 1),
}


@pytest.mark.parametrize("spare, heartbeat, bound", ONE_FIELD_CHANGED.values(), ids=ONE_FIELD_CHANGED.keys())
def test_set_feed__one_field_changed__replaces_config_and_clears_accepted_round(
    oracle, btc_feed, spare_feeds, owner, spare, heartbeat, bound
):
    btc_feed.submit(2 * BTC_ANSWER, sender=owner)
    oracle.acceptRound(BTC, 2, sender=owner)
    feed = spare_feeds[8] if spare else btc_feed

    tx = oracle.setFeed(BTC, feed, heartbeat, bound, sender=owner)

    assert_events(
        tx, oracle.FeedSet(asset=BTC, aggregator=feed, decimals=8, heartbeat=heartbeat, maxDeviationBps=bound)
    )
    assert tuple(oracle.feeds(BTC)) == (feed.address, heartbeat, 8, bound, 0)


# setFeed(BTC, ...) arguments that must be refused, and the error with its arguments.
INVALID_SET_FEED = {
    "zero_address": (
        lambda feeds, spare: (ZERO_ADDRESS, BTC_HEARTBEAT, 0),
        "OracleZeroAddress",
        lambda feeds, spare: {},
    ),
    "heartbeat_zero": (
        lambda feeds, spare: (feeds["BTC"], 0, 0),
        "OracleInvalidHeartbeat",
        lambda feeds, spare: {"heartbeat": 0},
    ),
    "decimals_19": (
        lambda feeds, spare: (spare[19], BTC_HEARTBEAT, 0),
        "OracleUnsupportedDecimals",
        lambda feeds, spare: {"aggregator": spare[19], "decimals": 19},
    ),
    "deviation_bound_over_100_percent": (  # a fall moves at most 10,000 bps: it could never trip
        lambda feeds, spare: (feeds["BTC"], BTC_HEARTBEAT, 10_001),
        "OracleInvalidMaxDeviation",
        lambda feeds, spare: {"maxDeviationBps": 10_001, "limitBps": 10_000},
    ),
    "same_config": (
        lambda feeds, spare: (feeds["BTC"], BTC_HEARTBEAT, BTC_MAX_DEVIATION_BPS),
        "OracleAlreadySet",
        lambda feeds, spare: {"asset": BTC},
    ),
}


@pytest.mark.parametrize("args, error, inputs", INVALID_SET_FEED.values(), ids=INVALID_SET_FEED.keys())
def test_set_feed__invalid__reverts(oracle, feeds, spare_feeds, owner, args, error, inputs):
    with reverts(getattr(oracle, error), **inputs(feeds, spare_feeds)):
        oracle.setFeed(BTC, *args(feeds, spare_feeds), sender=owner)


def test_remove_feed__registered_asset__unregisters_it_alone(oracle, owner):
    eth_reading = tuple(oracle.peekPriceWad(asset_id("ETH")))

    tx = oracle.removeFeed(BTC, sender=owner)

    assert_events(tx, oracle.FeedRemoved(asset=BTC))
    assert tuple(oracle.feeds(BTC)) == (ZERO_ADDRESS, 0, 0, 0, 0)
    with reverts(oracle.OracleUnknownAsset, asset=BTC):
        oracle.priceWad(BTC)
    assert oracle.peekPriceWad(BTC) == (0, 0, PriceStatus.UnknownAsset)
    assert oracle.peekPriceWad(asset_id("ETH")) == eth_reading


def test_remove_feed__unknown_asset__reverts(oracle, owner):
    with reverts(oracle.OracleUnknownAsset, asset=UNKNOWN):
        oracle.removeFeed(UNKNOWN, sender=owner)


OWNER_ONLY = {
    "setFeed": lambda hub, feed, caller: hub.setFeed(BTC, feed, 1, 1, sender=caller),
    "removeFeed": lambda hub, feed, caller: hub.removeFeed(BTC, sender=caller),
    "acceptRound": lambda hub, feed, caller: hub.acceptRound(BTC, 2, sender=caller),
    "transferOwnership": lambda hub, feed, caller: hub.transferOwnership(caller, sender=caller),
}


@pytest.mark.parametrize("call", OWNER_ONLY.values(), ids=OWNER_ONLY.keys())
def test_owner_function__not_owner__reverts(oracle, btc_feed, owner, attacker, call):
    btc_feed.submit(2 * BTC_ANSWER, sender=owner)
    with reverts(oracle.OwnableUnauthorizedAccount, account=attacker):
        call(oracle, btc_feed, attacker)


def test_transfer_ownership__accepted_by_pending_owner__hands_over(oracle, owner, trader):
    tx = oracle.transferOwnership(trader, sender=owner)
    assert_events(tx, oracle.OwnershipTransferStarted(previousOwner=owner, newOwner=trader))
    assert (oracle.owner(), oracle.pendingOwner()) == (owner.address, trader.address)

    tx = oracle.acceptOwnership(sender=trader)
    assert_events(tx, oracle.OwnershipTransferred(previousOwner=owner, newOwner=trader))
    assert (oracle.owner(), oracle.pendingOwner()) == (trader.address, ZERO_ADDRESS)

    with reverts(oracle.OwnableUnauthorizedAccount, account=owner):
        oracle.removeFeed(BTC, sender=owner)
    assert_events(oracle.removeFeed(BTC, sender=trader), oracle.FeedRemoved(asset=BTC))


@pytest.mark.parametrize("caller", ["attacker", "owner"])
def test_accept_ownership__not_pending_owner__reverts(request, oracle, owner, trader, caller):
    oracle.transferOwnership(trader, sender=owner)
    account = request.getfixturevalue(caller)
    with reverts(oracle.OwnableUnauthorizedAccount, account=account):
        oracle.acceptOwnership(sender=account)
