// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../chainlink/AggregatorV3Interface.sol";

/// @title IOracleHub
/// @notice Turns Chainlink-style feeds into prices the protocol trusts.
/// @dev Unit of every price returned: USD per one whole unit of the asset, scaled by 1e18 (WAD),
///      whatever the feed's own decimals (1 BTC at $65,000.5 is 65_000.5e18).
///      An asset is identified by a `bytes32` id holding its ticker, e.g. `bytes32("BTC")`.
///
///      A price is trusted only when the feed's latest round is complete (`updatedAt != 0`,
///      `answeredInRound >= roundId`, not in the future), fresh (no older than the asset's
///      heartbeat), positive, and within the asset's maximum deviation of the previous round.
///      A round that jumps further than that freezes the asset: its price reverts until a later
///      round confirms the new level (moves less than the bound from it) or the owner accepts
///      the round with `acceptRound`.
interface IOracleHub {
    /// @notice How one asset is priced.
    /// @param aggregator The Chainlink-style feed.
    /// @param heartbeat Seconds after `updatedAt` during which a round is fresh.
    /// @param decimals The feed's decimals, read once at registration (at most 18).
    /// @param maxDeviationBps Largest move between consecutive rounds, in basis points of the
    ///        previous answer, before the asset freezes; 0 switches the circuit breaker off.
    /// @param acceptedRoundId A round the owner accepted despite its jump (0 if none).
    struct Feed {
        AggregatorV3Interface aggregator;
        uint32 heartbeat;
        uint8 decimals;
        uint16 maxDeviationBps;
        uint80 acceptedRoundId;
    }

    /// @notice Whether a price may be used, as reported by `peekPriceWad`.
    enum PriceStatus {
        Ok,
        UnknownAsset,
        Incomplete,
        Stale,
        NonPositive,
        Frozen
    }

    /* EVENTS */

    /// @notice `asset` is now priced by `aggregator`.
    event FeedSet(
        bytes32 indexed asset, address indexed aggregator, uint8 decimals, uint32 heartbeat, uint16 maxDeviationBps
    );

    /// @notice `asset` is no longer priced.
    event FeedRemoved(bytes32 indexed asset);

    /// @notice The owner accepted round `roundId` of `asset`, lifting the freeze its jump caused.
    event RoundAccepted(bytes32 indexed asset, uint80 indexed roundId, uint256 priceWad);

    /* ERRORS */

    /// @notice No feed is registered for `asset`.
    error OracleUnknownAsset(bytes32 asset);

    /// @notice The latest round of `asset` was updated at `updatedAt`, more than `heartbeat`
    ///         seconds before `nowTimestamp`.
    error OracleStalePrice(bytes32 asset, uint256 updatedAt, uint256 heartbeat, uint256 nowTimestamp);

    /// @notice The latest answer of `asset` is zero or negative.
    error OracleNonPositivePrice(bytes32 asset, int256 answer);

    /// @notice The latest round of `asset` is not complete: never updated (also when the feed
    ///         reverts instead of reporting a round: all facts 0), carried over from an earlier
    ///         round, or stamped in the future.
    error OracleIncompleteRound(bytes32 asset, uint80 roundId, uint80 answeredInRound, uint256 updatedAt);

    /// @notice `asset` is frozen: round `roundId` moved `deviationBps` from the previous round,
    ///         more than the allowed `maxDeviationBps`.
    error OracleFrozen(bytes32 asset, uint80 roundId, uint256 deviationBps, uint256 maxDeviationBps);

    /// @notice The zero address was given where a feed is required.
    error OracleZeroAddress();

    /// @notice The heartbeat must be positive.
    error OracleInvalidHeartbeat(uint32 heartbeat);

    /// @notice Feeds with more than 18 decimals are not supported.
    error OracleUnsupportedDecimals(address aggregator, uint8 decimals);

    /// @notice A circuit-breaker bound above `limitBps` (100%) could never trip on a fall.
    error OracleInvalidMaxDeviation(uint16 maxDeviationBps, uint256 limitBps);

    /// @notice The call would change nothing.
    error OracleAlreadySet(bytes32 asset);

    /// @notice `roundId` is not a round the owner can accept: it must be the latest round, and
    ///         that round must be complete, fresh and positive.
    error OracleCannotAcceptRound(bytes32 asset, uint80 roundId, uint80 latestRoundId);

    /* OWNER */

    /// @notice Registers or replaces the feed of `asset`. Only the owner.
    /// @param asset The asset id, e.g. `bytes32("BTC")`.
    /// @param aggregator The feed; its `decimals()` must be at most 18.
    /// @param heartbeat Seconds a round stays fresh; positive.
    /// @param maxDeviationBps Circuit-breaker bound between consecutive rounds, at most 10,000
    ///        (100%: a fall moves no further); 0 disables it.
    function setFeed(bytes32 asset, AggregatorV3Interface aggregator, uint32 heartbeat, uint16 maxDeviationBps) external;

    /// @notice Unregisters `asset`; its price reverts with `OracleUnknownAsset` afterwards. Only the owner.
    function removeFeed(bytes32 asset) external;

    /// @notice Accepts the latest round of `asset` despite its jump, unfreezing the asset. Only
    ///         the owner. The round must be the latest, complete, fresh and positive.
    function acceptRound(bytes32 asset, uint80 roundId) external;

    /* VIEWS */

    /// @notice The trusted price of `asset`: USD per whole unit, WAD. Reverts with the reason
    ///         when the price cannot be trusted (see the errors above).
    function priceWad(bytes32 asset) external view returns (uint256);

    /// @notice The latest price of `asset` and whether it may be trusted, without reverting.
    /// @return price USD per whole unit, WAD (0 when the answer is non-positive or the asset unknown).
    /// @return updatedAt The round's `updatedAt`.
    /// @return status `Ok` when `priceWad` would return `price`, else why it would revert.
    function peekPriceWad(bytes32 asset) external view returns (uint256 price, uint256 updatedAt, PriceStatus status);

    /// @notice The last price the hub trusted: the latest round if it is trusted now or merely
    ///         stale since; else the most recent round before it that the hub would have trusted
    ///         as the latest, staleness aside (complete, positive, within the circuit breaker's
    ///         bound of the round before it, or the round the owner accepted). Looks at the
    ///         latest 32 rounds at most (never past the first round or a missing one).
    /// @return priceWad USD per whole unit, WAD; 0 when there is no such round (or no feed).
    /// @return roundId The round's id (0 when none).
    /// @return updatedAt The round's `updatedAt` (0 when none).
    function lastTrustedPriceWad(bytes32 asset)
        external
        view
        returns (uint256 priceWad, uint80 roundId, uint256 updatedAt);

    /// @notice The price of the first round updated at or after `timestamp` that the hub would
    ///         have trusted as the latest, staleness aside: a round the circuit breaker refused
    ///         (or an incomplete or non-positive one) is passed over for the next trusted one,
    ///         looking at 32 rounds at most. The same answer whenever it is asked, as long as the
    ///         owner accepts no other round of the asset meanwhile. Rounds are searched within
    ///         the phase of the latest round (a Chainlink proxy's id: phase in the bits above 64).
    /// @return priceWad USD per whole unit, WAD; 0 when no such round exists yet (or no feed).
    /// @return roundId The round's id (0 when none).
    /// @return updatedAt The round's `updatedAt` (0 when none).
    function firstTrustedPriceWadSince(bytes32 asset, uint256 timestamp)
        external
        view
        returns (uint256 priceWad, uint80 roundId, uint256 updatedAt);

    /// @notice The configuration of `asset` (a zero aggregator when unregistered).
    function feeds(bytes32 asset)
        external
        view
        returns (
            AggregatorV3Interface aggregator,
            uint32 heartbeat,
            uint8 decimals,
            uint16 maxDeviationBps,
            uint80 acceptedRoundId
        );
}
