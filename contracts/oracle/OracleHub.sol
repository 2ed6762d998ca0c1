// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub: the one place where the protocol turns Chainlink-style feeds into prices it trusts.
 * Every price leaves here as USD per whole unit in WAD, or not at all: a stale, incomplete,
 * non-positive or wildly jumping round reverts with the facts, so no action runs on a bad price.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {BPS} from "../libraries/Units.sol";

contract OracleHub is IOracleHub, Ownable2Step {
    /// @dev How many rounds the hub looks at to answer about the past (`lastTrustedPriceWad`,
    ///      `firstTrustedPriceWadSince`): a bound on the gas of a read.
    uint256 private constant MAX_ROUNDS = 32;
    uint8 private constant WAD_DECIMALS = 18;

    /// @dev One latest round, judged: what `priceWad` returns or why it reverts.
    struct Reading {
        PriceStatus status;
        uint256 price;
        int256 answer;
        uint80 roundId;
        uint80 answeredInRound;
        uint256 updatedAt;
        uint256 deviationBps;
    }

    /// @inheritdoc IOracleHub
    mapping(bytes32 => Feed) public feeds;

    constructor(address owner_) Ownable(owner_) {}

    /* OWNER */

    /// @inheritdoc IOracleHub
    function setFeed(bytes32 asset, AggregatorV3Interface aggregator, uint32 heartbeat, uint16 maxDeviationBps)
        external
        onlyOwner
    {
        if (address(aggregator) == address(0)) revert OracleZeroAddress();
        if (heartbeat == 0) revert OracleInvalidHeartbeat(heartbeat);
        if (maxDeviationBps > BPS) revert OracleInvalidMaxDeviation(maxDeviationBps, BPS);
        uint8 decimals = aggregator.decimals();
        if (decimals > WAD_DECIMALS) revert OracleUnsupportedDecimals(address(aggregator), decimals);

        Feed storage feed = feeds[asset];
        if (
            feed.aggregator == aggregator && feed.heartbeat == heartbeat && feed.decimals == decimals
                && feed.maxDeviationBps == maxDeviationBps
        ) revert OracleAlreadySet(asset);

        feeds[asset] = Feed(aggregator, heartbeat, decimals, maxDeviationBps, 0);
        emit FeedSet(asset, address(aggregator), decimals, heartbeat, maxDeviationBps);
    }

    /// @inheritdoc IOracleHub
    function removeFeed(bytes32 asset) external onlyOwner {
        if (address(feeds[asset].aggregator) == address(0)) revert OracleUnknownAsset(asset);
        delete feeds[asset];
        emit FeedRemoved(asset);
    }

    /// @inheritdoc IOracleHub
    function acceptRound(bytes32 asset, uint80 roundId) external onlyOwner {
        Feed storage feed = feeds[asset];
        if (address(feed.aggregator) == address(0)) revert OracleUnknownAsset(asset);
        Reading memory reading = _read(feed);
        // Only the latest round, and only one whose price is sound but for its jump, can be
        // accepted (accepting a round that did not jump changes nothing a read would see).
        if (reading.roundId != roundId || (reading.status != PriceStatus.Ok && reading.status != PriceStatus.Frozen)) {
            revert OracleCannotAcceptRound(asset, roundId, reading.roundId);
        }
        if (feed.acceptedRoundId == roundId) revert OracleAlreadySet(asset);

        feed.acceptedRoundId = roundId;
        emit RoundAccepted(asset, roundId, reading.price);
    }

    /* VIEWS */

    /// @inheritdoc IOracleHub
    function priceWad(bytes32 asset) external view returns (uint256) {
        Reading memory reading = _read(feeds[asset]);
        PriceStatus status = reading.status;
        if (status == PriceStatus.Ok) return reading.price;
        if (status == PriceStatus.UnknownAsset) revert OracleUnknownAsset(asset);
        if (status == PriceStatus.Incomplete) {
            revert OracleIncompleteRound(asset, reading.roundId, reading.answeredInRound, reading.updatedAt);
        }
        if (status == PriceStatus.Stale) {
            revert OracleStalePrice(asset, reading.updatedAt, feeds[asset].heartbeat, block.timestamp);
        }
        if (status == PriceStatus.NonPositive) revert OracleNonPositivePrice(asset, reading.answer);
        revert OracleFrozen(asset, reading.roundId, reading.deviationBps, feeds[asset].maxDeviationBps);
    }

    /// @inheritdoc IOracleHub
    function peekPriceWad(bytes32 asset) external view returns (uint256, uint256, PriceStatus) {
        Reading memory reading = _read(feeds[asset]);
        return (reading.price, reading.updatedAt, reading.status);
    }

    /// @inheritdoc IOracleHub
    function lastTrustedPriceWad(bytes32 asset) external view returns (uint256, uint80, uint256) {
        Feed storage feed = feeds[asset];
        // A feed that reports no round (or no feed) reads all zero: never trusted, no round before.
        Reading memory reading = _read(feed);
        bool found = true;
        for (uint256 i; found && i < MAX_ROUNDS; ++i) {
            if (_judge(feed, reading, false) == PriceStatus.Ok) {
                return (reading.price, reading.roundId, reading.updatedAt);
            }
            (found, reading) = _roundBefore(feed.aggregator, reading.roundId);
        }
        return (0, 0, 0);
    }

    /// @inheritdoc IOracleHub
    function firstTrustedPriceWadSince(bytes32 asset, uint256 timestamp)
        external
        view
        returns (uint256, uint80, uint256)
    {
        Feed storage feed = feeds[asset];
        Reading memory reading = _read(feed);
        // No feed, or no round since `timestamp` (a feed that reports no round reads all zero).
        if (reading.status == PriceStatus.UnknownAsset || reading.updatedAt == 0) return (0, 0, 0);
        if (reading.updatedAt < timestamp) return (0, 0, 0);
        AggregatorV3Interface aggregator = feed.aggregator;

        // The first round of the latest one's phase updated at or after `timestamp`, by bisection:
        // a phase numbers its rounds from 1 in the low 64 bits of the id, in time order. A round
        // that is missing or never updated counts as before `timestamp`.
        uint80 last = reading.roundId;
        uint80 high = last;
        uint80 low = (high >> 64) << 64 | 1;
        if (low > high) low = high;
        while (low < high) {
            uint80 mid = low + (high - low) / 2;
            (bool exists, Reading memory midRound) = _round(aggregator, mid);
            if (exists && midRound.updatedAt >= timestamp) high = mid;
            else low = mid + 1;
        }
        // From it, the first the hub would have trusted as the latest, staleness aside: a round
        // the circuit breaker refused is passed over for the next (one within the bound of it,
        // confirming the level, or the one the owner accepted).
        for (uint256 i; i < MAX_ROUNDS && low <= last; ++i) {
            bool found;
            (found, reading) = _round(aggregator, low);
            if (found && reading.updatedAt >= timestamp && _judge(feed, reading, false) == PriceStatus.Ok) {
                return (reading.price, reading.roundId, reading.updatedAt);
            }
            ++low;
        }
        return (0, 0, 0);
    }

    /* INTERNAL */

    /// @dev Reads the latest round of `asset` and judges it (`_judge`).
    function _read(Feed storage feed) private view returns (Reading memory reading) {
        AggregatorV3Interface aggregator = feed.aggregator;
        if (address(aggregator) == address(0)) {
            reading.status = PriceStatus.UnknownAsset;
            return reading;
        }
        try aggregator.latestRoundData() returns (
            uint80 roundId, int256 answer, uint256, uint256 updatedAt, uint80 answeredInRound
        ) {
            (reading.roundId, reading.answer, reading.updatedAt, reading.answeredInRound) =
            (roundId, answer, updatedAt, answeredInRound);
        } catch {
            // A feed with no round to report (none yet, as Chainlink's "No data present") was
            // never updated: incomplete, so `peekPriceWad` still answers and `priceWad` says why.
            reading.status = PriceStatus.Incomplete;
            return reading;
        }
        _judge(feed, reading, true);
    }

    /// @dev The one definition of a trusted round: judges `reading` (its round's facts) as the
    ///      latest round, in the order of the checks in `IOracleHub`: complete, fresh (only when
    ///      `checkFreshness`), positive, then within the deviation bound of the round before it.
    ///      Fills the reading's price, deviation and status, and returns the status.
    function _judge(Feed storage feed, Reading memory reading, bool checkFreshness)
        private
        view
        returns (PriceStatus status)
    {
        if (reading.answer > 0) reading.price = _toWad(reading.answer, feed.decimals);

        if (reading.updatedAt == 0 || reading.answeredInRound < reading.roundId || reading.updatedAt > block.timestamp)
        {
            status = PriceStatus.Incomplete;
        } else if (checkFreshness && block.timestamp - reading.updatedAt > feed.heartbeat) {
            status = PriceStatus.Stale;
        } else if (reading.answer <= 0) {
            status = PriceStatus.NonPositive;
        } else {
            uint16 maxDeviationBps = feed.maxDeviationBps;
            if (maxDeviationBps != 0 && reading.roundId > 1) {
                reading.deviationBps = _deviationFromPreviousBps(feed.aggregator, reading.roundId, reading.answer);
                if (reading.deviationBps > maxDeviationBps && reading.roundId != feed.acceptedRoundId) {
                    status = PriceStatus.Frozen;
                }
            }
        }
        reading.status = status;
    }

    /// @dev Round `roundId` of the feed; none when the feed has no such round.
    function _round(AggregatorV3Interface aggregator, uint80 roundId)
        private
        view
        returns (bool, Reading memory reading)
    {
        try aggregator.getRoundData(roundId) returns (
            uint80 id, int256 answer, uint256, uint256 at, uint80 answeredIn
        ) {
            (reading.roundId, reading.answer, reading.updatedAt, reading.answeredInRound) = (id, answer, at, answeredIn);
            return (true, reading);
        } catch {
            return (false, reading);
        }
    }

    /// @dev The round before `roundId`: none before the first round (the breaker's rule too).
    function _roundBefore(AggregatorV3Interface aggregator, uint80 roundId)
        private
        view
        returns (bool, Reading memory)
    {
        if (roundId <= 1) return (false, Reading(PriceStatus.Ok, 0, 0, 0, 0, 0, 0));
        return _round(aggregator, roundId - 1);
    }

    /// @dev |answer − previous| / previous in basis points, rounded up so that a move just past
    ///      the bound freezes. A previous round that is missing or non-positive gives no reference
    ///      (the first round of a feed, or a new phase of a Chainlink proxy): deviation 0.
    function _deviationFromPreviousBps(AggregatorV3Interface aggregator, uint80 roundId, int256 answer)
        private
        view
        returns (uint256)
    {
        try aggregator.getRoundData(roundId - 1) returns (uint80, int256 previous, uint256, uint256 updatedAt, uint80) {
            if (previous <= 0 || updatedAt == 0) return 0;
            // casting to 'uint256' is safe because previous <= 0 returned 0 just above
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 prev = uint256(previous);
            // casting to 'uint256' is safe because _judge calls this only when answer > 0 (past NonPositive)
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 curr = uint256(answer);
            uint256 diff = curr > prev ? curr - prev : prev - curr;
            return (diff * BPS + prev - 1) / prev;
        } catch {
            return 0;
        }
    }

    /// @dev A positive answer with `decimals` decimals, as WAD.
    function _toWad(int256 answer, uint8 decimals) private pure returns (uint256) {
        // decimals <= 18 by `setFeed`.
        // casting to 'uint256' is safe because the one caller, _judge, calls it only when answer > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(answer) * 10 ** (WAD_DECIMALS - decimals);
    }
}
