// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub: the one place where the protocol turns Chainlink-style feeds into prices it trusts.
 * Every price leaves here as USD per whole unit in WAD, or not at all: a stale, incomplete,
 * non-positive or wildly jumping round reverts with the facts, so no action runs on a bad price.
 * It also owns the two rules real markets add: trading hours (a closed market's last close prices
 * only the debt side of a liquidation) and a second source (a fallback feed priced from when the
 * primary fails, and the worse of two disagreeing prices for a liquidation).
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
    uint256 private constant MINUTES_PER_WEEK = 7 * 24 * 60;
    /// @dev The Unix epoch fell on a Thursday: Monday 00:00 UTC was 3 days before a week's start.
    uint256 private constant EPOCH_AFTER_MONDAY = 3 days;

    /// @dev A feed as stored: `IOracleHub.Feed`'s fields, then (the primary's only) the asset's
    ///      session, whether it has a fallback, the sources' disagreement bound and the source
    ///      `syncSource` last recorded. The first slot holds all a read of a healthy primary needs.
    struct Source {
        AggregatorV3Interface aggregator;
        uint32 heartbeat;
        uint8 decimals;
        uint16 maxDeviationBps;
        uint16 opensAtMinute;
        uint16 closesAtMinute;
        bool hasFallback;
        uint80 acceptedRoundId;
        uint16 maxDisagreementBps;
        bool usingFallback;
    }

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

    /// @dev An asset judged for one use: the reading priced from (the primary's unless the
    ///      fallback replaced it), the status, the price the use takes and whether it may.
    struct Judgement {
        Reading reading;
        PriceStatus status;
        bool usable;
        bool fromFallback;
        uint256 price;
        uint256 judgedAt;
        uint256 reopensAt;
        uint256 fallbackPrice;
    }

    mapping(bytes32 => Source) private _feeds;
    mapping(bytes32 => Source) private _fallbacks;

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

        Source storage feed = _feeds[asset];
        if (
            feed.aggregator == aggregator && feed.heartbeat == heartbeat && feed.decimals == decimals
                && feed.maxDeviationBps == maxDeviationBps
        ) revert OracleAlreadySet(asset);

        // The session and the fallback stay: they belong to the asset, not to the feed.
        _setSource(feed, aggregator, heartbeat, decimals, maxDeviationBps);
        feed.acceptedRoundId = 0;
        emit FeedSet(asset, address(aggregator), decimals, heartbeat, maxDeviationBps);
    }

    /// @inheritdoc IOracleHub
    function removeFeed(bytes32 asset) external onlyOwner {
        _knownFeed(asset);
        delete _feeds[asset];
        delete _fallbacks[asset];
        emit FeedRemoved(asset);
    }

    /// @inheritdoc IOracleHub
    function setSession(bytes32 asset, uint16 opensAtMinute, uint16 closesAtMinute) external onlyOwner {
        Source storage feed = _knownFeed(asset);
        bool alwaysOpen = opensAtMinute == 0 && closesAtMinute == 0;
        if (
            !alwaysOpen
                && (opensAtMinute >= MINUTES_PER_WEEK
                    || closesAtMinute >= MINUTES_PER_WEEK
                    || opensAtMinute == closesAtMinute)
        ) revert OracleInvalidSession(opensAtMinute, closesAtMinute, MINUTES_PER_WEEK);
        if (feed.opensAtMinute == opensAtMinute && feed.closesAtMinute == closesAtMinute) {
            revert OracleAlreadySet(asset);
        }

        (feed.opensAtMinute, feed.closesAtMinute) = (opensAtMinute, closesAtMinute);
        emit SessionSet(asset, opensAtMinute, closesAtMinute);
    }

    /// @inheritdoc IOracleHub
    function setFallback(
        bytes32 asset,
        AggregatorV3Interface aggregator,
        uint32 heartbeat,
        uint16 maxDeviationBps,
        uint16 maxDisagreementBps
    ) external onlyOwner {
        Source storage feed = _knownFeed(asset);
        Source storage fallback_ = _fallbacks[asset];
        uint8 decimals;
        if (address(aggregator) != address(0)) {
            if (heartbeat == 0) revert OracleInvalidHeartbeat(heartbeat);
            if (maxDeviationBps > BPS) revert OracleInvalidMaxDeviation(maxDeviationBps, BPS);
            if (maxDisagreementBps > BPS) revert OracleInvalidMaxDeviation(maxDisagreementBps, BPS);
            decimals = aggregator.decimals();
            if (decimals > WAD_DECIMALS) revert OracleUnsupportedDecimals(address(aggregator), decimals);
        } else if (heartbeat != 0 || maxDeviationBps != 0 || maxDisagreementBps != 0) {
            // No fallback has no bounds: a removal states none.
            revert OracleZeroAddress();
        }
        if (
            fallback_.aggregator == aggregator && fallback_.heartbeat == heartbeat
                && fallback_.maxDeviationBps == maxDeviationBps && feed.maxDisagreementBps == maxDisagreementBps
        ) revert OracleAlreadySet(asset);

        _setSource(fallback_, aggregator, heartbeat, decimals, maxDeviationBps);
        feed.hasFallback = address(aggregator) != address(0);
        feed.maxDisagreementBps = maxDisagreementBps;
        emit FallbackSet(asset, address(aggregator), decimals, heartbeat, maxDeviationBps, maxDisagreementBps);
    }

    /// @inheritdoc IOracleHub
    function syncSource(bytes32 asset) external returns (bool switched) {
        Source storage feed = _knownFeed(asset);
        Judgement memory j = _judgeFor(asset, PriceUse.Minting, false);
        if (j.fromFallback == feed.usingFallback) return false;
        feed.usingFallback = j.fromFallback;
        Reading memory primary = _read(feed, j.judgedAt);
        emit PriceSourceSwitched(asset, j.fromFallback, primary.status);
        return true;
    }

    /// @inheritdoc IOracleHub
    function acceptRound(bytes32 asset, uint80 roundId) external onlyOwner {
        Source storage feed = _knownFeed(asset);
        Reading memory reading = _read(feed, block.timestamp);
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
    function feeds(bytes32 asset)
        external
        view
        returns (
            AggregatorV3Interface aggregator,
            uint32 heartbeat,
            uint8 decimals,
            uint16 maxDeviationBps,
            uint80 acceptedRoundId
        )
    {
        Source storage feed = _feeds[asset];
        return (feed.aggregator, feed.heartbeat, feed.decimals, feed.maxDeviationBps, feed.acceptedRoundId);
    }

    /// @inheritdoc IOracleHub
    function fallbacks(bytes32 asset)
        external
        view
        returns (
            AggregatorV3Interface aggregator,
            uint32 heartbeat,
            uint8 decimals,
            uint16 maxDeviationBps,
            uint16 maxDisagreementBps
        )
    {
        Source storage fallback_ = _fallbacks[asset];
        return (
            fallback_.aggregator,
            fallback_.heartbeat,
            fallback_.decimals,
            fallback_.maxDeviationBps,
            _feeds[asset].maxDisagreementBps
        );
    }

    /// @inheritdoc IOracleHub
    function session(bytes32 asset)
        external
        view
        returns (uint16 opensAtMinute, uint16 closesAtMinute, bool open, uint256 reopensAt)
    {
        Source storage feed = _feeds[asset];
        (, reopensAt) = _clock(feed);
        return (feed.opensAtMinute, feed.closesAtMinute, reopensAt == 0, reopensAt);
    }

    /// @inheritdoc IOracleHub
    function priceWad(bytes32 asset) external view returns (uint256) {
        Judgement memory j = _judgeFor(asset, PriceUse.Minting, false);
        if (!j.usable) _revertWith(asset, j);
        return j.price;
    }

    /// @inheritdoc IOracleHub
    function peekPriceWad(bytes32 asset) external view returns (uint256, uint256, PriceStatus) {
        Judgement memory j = _judgeFor(asset, PriceUse.Minting, false);
        return (j.price, j.reading.updatedAt, j.status);
    }

    /// @inheritdoc IOracleHub
    function priceWadFor(bytes32 asset, PriceUse use) external view returns (uint256) {
        Judgement memory j = _judgeFor(asset, use, true);
        if (!j.usable) _revertWith(asset, j);
        return j.price;
    }

    /// @inheritdoc IOracleHub
    function peekPriceWadFor(bytes32 asset, PriceUse use) external view returns (uint256, uint256, PriceStatus, bool) {
        Judgement memory j = _judgeFor(asset, use, true);
        return (j.price, j.reading.updatedAt, j.status, j.usable);
    }

    /// @inheritdoc IOracleHub
    function lastTrustedPriceWad(bytes32 asset) external view returns (uint256, uint80, uint256) {
        Source storage feed = _feeds[asset];
        // A feed that reports no round (or no feed) reads all zero: never trusted, no round before.
        Reading memory reading = _read(feed, block.timestamp);
        bool found = true;
        for (uint256 i; found && i < MAX_ROUNDS; ++i) {
            if (_judge(feed, reading, 0) == PriceStatus.Ok) {
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
        Source storage feed = _feeds[asset];
        Reading memory reading = _read(feed, block.timestamp);
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
            if (found && reading.updatedAt >= timestamp && _judge(feed, reading, 0) == PriceStatus.Ok) {
                return (reading.price, reading.roundId, reading.updatedAt);
            }
            ++low;
        }
        return (0, 0, 0);
    }

    /* INTERNAL: MARKET HOURS AND SOURCES */

    /// @dev The one rule of a price's use. The moment judged is now, or the last close while
    ///      the asset's market is closed; the primary's reading, replaced by the fallback's when
    ///      only the fallback can be trusted; with `crossCheck` (and a bound), a trusted fallback
    ///      is read beside a trusted primary and a disagreement noted. Then the use decides:
    ///      a closed market serves the debt side only (and is the status whatever the last close
    ///      was, for the other uses); a fault serves none; a disagreement serves a liquidation
    ///      at the price less favourable to the borrower, and no minting.
    function _judgeFor(bytes32 asset, PriceUse use, bool crossCheck) private view returns (Judgement memory j) {
        Source storage feed = _feeds[asset];
        (j.judgedAt, j.reopensAt) = _clock(feed);
        j.reading = _read(feed, j.judgedAt);
        PriceStatus status = j.reading.status;
        if (status != PriceStatus.Ok) {
            if (status != PriceStatus.UnknownAsset && feed.hasFallback) {
                Reading memory fallbackReading = _read(_fallbacks[asset], j.judgedAt);
                if (fallbackReading.status == PriceStatus.Ok) {
                    (j.reading, j.fromFallback, status) = (fallbackReading, true, PriceStatus.Fallback);
                }
            }
        } else if (crossCheck && feed.hasFallback) {
            Reading memory fallbackReading = _read(_fallbacks[asset], j.judgedAt);
            uint256 maxDisagreementBps = feed.maxDisagreementBps;
            if (
                fallbackReading.status == PriceStatus.Ok && maxDisagreementBps != 0
                    && _moveBps(j.reading.price, fallbackReading.price) > maxDisagreementBps
            ) (status, j.fallbackPrice) = (PriceStatus.SourcesDisagree, fallbackReading.price);
        }
        j.price = j.reading.price;
        bool trusted = status == PriceStatus.Ok || status == PriceStatus.Fallback;
        if (status == PriceStatus.SourcesDisagree) {
            trusted = use != PriceUse.Minting;
            if (use == PriceUse.LiquidationDebt && j.fallbackPrice > j.price) j.price = j.fallbackPrice;
            if (use == PriceUse.LiquidationCollateral && j.fallbackPrice < j.price) j.price = j.fallbackPrice;
        }
        if (j.reopensAt != 0 && (trusted || use != PriceUse.LiquidationDebt)) {
            status = PriceStatus.MarketClosed;
            trusted = trusted && use == PriceUse.LiquidationDebt;
        }
        (j.status, j.usable) = (status, trusted);
    }

    /// @dev Reverts with why `j` cannot price its use.
    function _revertWith(bytes32 asset, Judgement memory j) private view {
        PriceStatus status = j.status;
        Reading memory reading = j.reading;
        if (status == PriceStatus.MarketClosed) revert OracleMarketClosed(asset, j.reopensAt);
        if (status == PriceStatus.SourcesDisagree) {
            revert OracleSourcesDisagree(
                asset, j.price, j.fallbackPrice, _moveBps(j.price, j.fallbackPrice), _feeds[asset].maxDisagreementBps
            );
        }
        if (status == PriceStatus.UnknownAsset) revert OracleUnknownAsset(asset);
        if (status == PriceStatus.Incomplete) {
            revert OracleIncompleteRound(asset, reading.roundId, reading.answeredInRound, reading.updatedAt);
        }
        if (status == PriceStatus.Stale) {
            revert OracleStalePrice(asset, reading.updatedAt, _feeds[asset].heartbeat, j.judgedAt);
        }
        if (status == PriceStatus.NonPositive) revert OracleNonPositivePrice(asset, reading.answer);
        revert OracleFrozen(asset, reading.roundId, reading.deviationBps, _feeds[asset].maxDeviationBps);
    }

    /// @dev The moment `feed`'s asset is judged at, and when its market reopens: now and 0 while
    ///      it is open (always, without a session); else the moment it last closed, and the next
    ///      opening.
    function _clock(Source storage feed) private view returns (uint256 judgedAt, uint256 reopensAt) {
        uint256 opensAt = feed.opensAtMinute;
        uint256 closesAt = feed.closesAtMinute;
        if (opensAt == 0 && closesAt == 0) return (block.timestamp, 0);
        uint256 sinceMonday = (block.timestamp + EPOCH_AFTER_MONDAY) % 1 weeks;
        uint256 minute = sinceMonday / 1 minutes;
        bool open = opensAt < closesAt ? minute >= opensAt && minute < closesAt : minute >= opensAt || minute < closesAt;
        if (open) return (block.timestamp, 0);
        // The week began at or before now; both moments are in this week or one week off it.
        uint256 monday = block.timestamp - sinceMonday;
        judgedAt = monday + closesAt * 1 minutes;
        if (judgedAt > block.timestamp) judgedAt -= 1 weeks;
        reopensAt = monday + opensAt * 1 minutes;
        if (reopensAt <= block.timestamp) reopensAt += 1 weeks;
    }

    /// @dev |price − basis| / basis in basis points, rounded up so that a move just past
    ///      a bound counts as past it. `basis` is positive (a trusted price).
    function _moveBps(uint256 basis, uint256 price) private pure returns (uint256) {
        uint256 diff = price > basis ? price - basis : basis - price;
        return (diff * BPS + basis - 1) / basis;
    }

    function _knownFeed(bytes32 asset) private view returns (Source storage feed) {
        feed = _feeds[asset];
        if (address(feed.aggregator) == address(0)) revert OracleUnknownAsset(asset);
    }

    function _setSource(
        Source storage source,
        AggregatorV3Interface aggregator,
        uint32 heartbeat,
        uint8 decimals,
        uint16 maxDeviationBps
    ) private {
        (source.aggregator, source.heartbeat, source.decimals, source.maxDeviationBps) =
        (aggregator, heartbeat, decimals, maxDeviationBps);
    }

    /* INTERNAL: ROUNDS */

    /// @dev Reads the latest round of `feed` and judges it (`_judge`) as of `judgedAt`.
    function _read(Source storage feed, uint256 judgedAt) private view returns (Reading memory reading) {
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
        _judge(feed, reading, judgedAt);
    }

    /// @dev The one definition of a trusted round: judges `reading` (its round's facts) as the
    ///      latest round, in the order of the checks in `IOracleHub`: complete, fresh at
    ///      `judgedAt` (unless 0: staleness aside; a round after it is fresh), positive, then
    ///      within the deviation bound of the round before it. Fills the reading's price,
    ///      deviation and status, and returns the status.
    function _judge(Source storage feed, Reading memory reading, uint256 judgedAt)
        private
        view
        returns (PriceStatus status)
    {
        if (reading.answer > 0) reading.price = _toWad(reading.answer, feed.decimals);

        if (reading.updatedAt == 0 || reading.answeredInRound < reading.roundId || reading.updatedAt > block.timestamp)
        {
            status = PriceStatus.Incomplete;
        } else if (judgedAt > reading.updatedAt && judgedAt - reading.updatedAt > feed.heartbeat) {
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
