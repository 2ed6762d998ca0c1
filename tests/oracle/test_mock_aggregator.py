"""MockAggregator: Chainlink's AggregatorV3Interface read back field by field, its events,
who may write, and the hook that writes any round."""

import pytest

from synthvault.units import scaled
from tests.utils.assertions import assert_events
from tests.utils.custom_errors import reverts
from tests.utils.deployments import SPARE_FEED_DECIMALS

BTC_ANSWER = scaled(60000, 8)
# A round is packed in one slot: int128 answer, uint40 times, uint48 answeredInRound.
INT128_MIN, INT128_MAX = -(2**127), 2**127 - 1
UINT40_MAX, UINT48_MAX, UINT80_MAX = 2**40 - 1, 2**48 - 1, 2**80 - 1


def latest_views(feed) -> tuple:
    """`latestRound`, `latestAnswer` and `latestTimestamp` (Chainlink's AggregatorInterface)."""
    return feed.latestRound(), feed.latestAnswer(), feed.latestTimestamp()


@pytest.mark.parametrize("decimals", SPARE_FEED_DECIMALS)
def test_metadata__constructed__returns_constructor_args(spare_feeds, decimals):
    feed = spare_feeds[decimals]
    assert (feed.decimals(), feed.description(), feed.version()) == (decimals, f"TEST{decimals} / USD", 4)


def test_constructor__initial_answer__opens_round_one_at_deploy_time(chain, btc_feed):
    deployed_at = chain.get_receipt(btc_feed.txn_hash).timestamp
    assert tuple(btc_feed.latestRoundData()) == (1, BTC_ANSWER, deployed_at, deployed_at, 1)
    assert tuple(btc_feed.getRoundData(1)) == (1, BTC_ANSWER, deployed_at, deployed_at, 1)
    assert latest_views(btc_feed) == (1, BTC_ANSWER, deployed_at)


def test_latest_round_data__no_initial_answer__reverts(spare_feeds):
    feed = spare_feeds[8]
    assert latest_views(feed) == (0, 0, 0)
    with reverts(feed.MockAggregatorNoData, roundId=0):
        feed.latestRoundData()


@pytest.mark.parametrize(
    "round_data",
    [
        (7, -12_345_678_901, 1_000, 2_000, 5),
        (UINT80_MAX, INT128_MIN, UINT40_MAX, UINT40_MAX, UINT48_MAX),
        (UINT80_MAX, INT128_MAX, 0, 1, 0),
    ],
    ids=["ordinary", "type_extremes", "zero_fields"],
)
def test_set_round_data__every_field__reads_back(btc_feed, owner, round_data):
    round_id, answer, _, updated_at, _ = round_data
    tx = btc_feed.setRoundData(*round_data, sender=owner)
    assert_events(tx, btc_feed.AnswerUpdated(current=answer, roundId=round_id, updatedAt=updated_at))
    assert tuple(btc_feed.getRoundData(round_id)) == round_data
    assert tuple(btc_feed.latestRoundData()) == round_data
    assert latest_views(btc_feed) == (round_id, answer, updated_at)


def test_set_round_data__earlier_round__rewrites_it_and_latest_stays(btc_feed, owner):
    tx = btc_feed.submit(BTC_ANSWER + 1, sender=owner)
    btc_feed.setRoundData(1, 42, 10, 20, 0, sender=owner)
    assert tuple(btc_feed.getRoundData(1)) == (1, 42, 10, 20, 0)
    assert tuple(btc_feed.latestRoundData()) == (2, BTC_ANSWER + 1, tx.timestamp, tx.timestamp, 2)
    assert latest_views(btc_feed) == (2, BTC_ANSWER + 1, tx.timestamp)


def test_set_round_data__past_latest__skipped_rounds_hold_no_data(btc_feed, owner):
    btc_feed.setRoundData(4, BTC_ANSWER, 10, 20, 4, sender=owner)
    for missing in (2, 3):
        with reverts(btc_feed.MockAggregatorNoData, roundId=missing):
            btc_feed.getRoundData(missing)
    assert btc_feed.submit(BTC_ANSWER, sender=owner).return_value == 5


@pytest.mark.parametrize("round_id", [0, 2, UINT80_MAX])
def test_get_round_data__missing_round__reverts(btc_feed, round_id):
    with reverts(btc_feed.MockAggregatorNoData, roundId=round_id):
        btc_feed.getRoundData(round_id)


def test_set_round_data__round_zero__reverts(btc_feed, owner):
    with reverts(btc_feed.MockAggregatorInvalidRound, roundId=0):
        btc_feed.setRoundData(0, BTC_ANSWER, 10, 20, 0, sender=owner)


@pytest.mark.parametrize("answer", [scaled(61000.5, 8), 0, -1], ids=["positive", "zero", "negative"])
@pytest.mark.parametrize("role", ["owner", "feeder"])
def test_submit__owner_or_feeder__opens_round_at_block_time(request, btc_feed, owner, feeder, role, answer):
    btc_feed.setFeeder(feeder, True, sender=owner)
    sender = request.getfixturevalue(role)
    first_round = tuple(btc_feed.getRoundData(1))

    tx = btc_feed.submit(answer, sender=sender)

    assert tx.return_value == 2
    assert_events(
        tx,
        btc_feed.NewRound(roundId=2, startedBy=sender, startedAt=tx.timestamp),
        btc_feed.AnswerUpdated(current=answer, roundId=2, updatedAt=tx.timestamp),
    )
    assert tuple(btc_feed.latestRoundData()) == (2, answer, tx.timestamp, tx.timestamp, 2)
    assert latest_views(btc_feed) == (2, answer, tx.timestamp)
    assert tuple(btc_feed.getRoundData(1)) == first_round


@pytest.mark.parametrize("revoked", [False, True], ids=["never_allowed", "revoked"])
def test_submit__not_owner_or_feeder__reverts(btc_feed, owner, feeder, revoked):
    if revoked:
        btc_feed.setFeeder(feeder, True, sender=owner)
        btc_feed.setFeeder(feeder, False, sender=owner)
    with reverts(btc_feed.MockAggregatorUnauthorizedFeeder, caller=feeder):
        btc_feed.submit(BTC_ANSWER, sender=feeder)


def test_set_feeder__allow_then_revoke__records_and_emits(btc_feed, owner, feeder):
    tx = btc_feed.setFeeder(feeder, True, sender=owner)
    assert_events(tx, btc_feed.FeederSet(feeder=feeder, allowed=True))
    assert btc_feed.isFeeder(feeder)

    tx = btc_feed.setFeeder(feeder, False, sender=owner)
    assert_events(tx, btc_feed.FeederSet(feeder=feeder, allowed=False))
    assert not btc_feed.isFeeder(feeder)


OWNER_ONLY = {
    "setFeeder": lambda feed, caller: feed.setFeeder(caller, True, sender=caller),
    "setRoundData": lambda feed, caller: feed.setRoundData(2, 1, 1, 1, 2, sender=caller),
}


@pytest.mark.parametrize("call", OWNER_ONLY.values(), ids=OWNER_ONLY.keys())
@pytest.mark.parametrize("is_feeder", [False, True], ids=["stranger", "feeder"])
def test_owner_function__not_owner__reverts(btc_feed, owner, attacker, call, is_feeder):
    if is_feeder:
        btc_feed.setFeeder(attacker, True, sender=owner)
    with reverts(btc_feed.OwnableUnauthorizedAccount, account=attacker):
        call(btc_feed, attacker)


@pytest.mark.parametrize(
    "round_data, error, value",
    [
        ((2, INT128_MAX + 1, 1, 1, 2), "SafeCastOverflowedIntDowncast", INT128_MAX + 1),
        ((2, 1, UINT40_MAX + 1, 1, 2), "SafeCastOverflowedUintDowncast", UINT40_MAX + 1),
        ((2, 1, 1, UINT40_MAX + 1, 2), "SafeCastOverflowedUintDowncast", UINT40_MAX + 1),
        ((2, 1, 1, 1, UINT48_MAX + 1), "SafeCastOverflowedUintDowncast", UINT48_MAX + 1),
    ],
    ids=["answer", "started_at", "updated_at", "answered_in_round"],
)
def test_set_round_data__field_past_its_packed_width__reverts(btc_feed, owner, round_data, error, value):
    with reverts(getattr(btc_feed, error), value=value):
        btc_feed.setRoundData(*round_data, sender=owner)


def test_submit__answer_past_int128__reverts(btc_feed, owner):
    with reverts(btc_feed.SafeCastOverflowedIntDowncast, bits=128, value=-(2**127) - 1):
        btc_feed.submit(-(2**127) - 1, sender=owner)
