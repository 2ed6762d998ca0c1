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
///
///      Market hours: an asset may follow a weekly session (`setSession`), in minutes since
///      Monday 00:00 UTC. While its market is closed the asset is judged as of the moment it
///      closed (its last close: fresh then, complete, positive, within the breaker): that price
///      serves the debt side of a liquidation only; minting and the collateral side refuse it
///      (`OracleMarketClosed`, with when it reopens). When the market reopens, the first round's
///      gap is judged by the circuit breaker as any jump.
///
///      A second source: an asset may have a fallback feed (`setFallback`), judged by the same
///      rules with its own heartbeat and bound. When the primary cannot be trusted and the
///      fallback can, the hub prices from the fallback (status `Fallback`). `priceWad` reads the
///      fallback only then; `priceWadFor` also compares two trusted sources: beyond the asset's
///      `maxDisagreementBps`, minting stops (`OracleSourcesDisagree`) and a liquidation takes the
///      price less favourable to the borrower (the higher for a debt, the lower for collateral).
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
        Frozen,
        /// The primary cannot be trusted (stale, incomplete, non-positive or frozen) and the
        /// price is the fallback's, which can.
        Fallback,
        /// The asset's market is closed: the price is its last close (from the primary, or the
        /// fallback when the primary's last close cannot be trusted), for the debt side of a
        /// liquidation only.
        MarketClosed,
        /// Both sources are trusted and disagree beyond the asset's bound (`priceWadFor` only):
        /// the price is the one its use takes (the primary's for minting, which refuses it).
        SourcesDisagree
    }

    /// @notice What a price is for: each use has its rule (see `priceWadFor`).
    enum PriceUse {
        /// Minting, and any action that takes collateral away against a debt: the market open,
        /// the sources agreeing.
        Minting,
        /// The collateral side of a liquidation: the market open; two disagreeing sources give
        /// the lower price.
        LiquidationCollateral,
        /// The debt side of a liquidation: the last close while the market is closed; two
        /// disagreeing sources give the higher price.
        LiquidationDebt
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

    /// @notice `asset`'s market is now open from `opensAtMinute` to `closesAtMinute` of each week
    ///         (minutes since Monday 00:00 UTC); both 0: always open.
    event SessionSet(bytes32 indexed asset, uint16 opensAtMinute, uint16 closesAtMinute);

    /// @notice `asset` now has `aggregator` as its fallback feed (the zero address: none).
    event FallbackSet(
        bytes32 indexed asset,
        address indexed aggregator,
        uint8 decimals,
        uint32 heartbeat,
        uint16 maxDeviationBps,
        uint16 maxDisagreementBps
    );

    /// @notice `asset` is now priced from its fallback (`usingFallback`) or again from its
    ///         primary, whose status was `primaryStatus` (recorded by `syncSource`).
    event PriceSourceSwitched(bytes32 indexed asset, bool usingFallback, PriceStatus primaryStatus);

    /* ERRORS */

    /// @notice No feed is registered for `asset`.
    error OracleUnknownAsset(bytes32 asset);

    /// @notice The latest round of `asset` was updated at `updatedAt`, more than `heartbeat`
    ///         seconds before `nowTimestamp`: the moment judged (now, or while the asset's market
    ///         is closed the moment it closed). The facts are the primary's.
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

    /// @notice `asset`'s market is closed until `reopensAt`: its last close prices no minting
    ///         and no collateral.
    error OracleMarketClosed(bytes32 asset, uint256 reopensAt);

    /// @notice `asset`'s primary price `primaryWad` and fallback price `fallbackWad`, both
    ///         trusted, differ by `disagreementBps` of the primary's, more than `maxDisagreementBps`.
    error OracleSourcesDisagree(
        bytes32 asset, uint256 primaryWad, uint256 fallbackWad, uint256 disagreementBps, uint256 maxDisagreementBps
    );

    /// @notice A session's minutes must be within a week (under `minutesPerWeek`) and differ,
    ///         unless both are 0 (always open).
    error OracleInvalidSession(uint16 opensAtMinute, uint16 closesAtMinute, uint256 minutesPerWeek);

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

    /// @notice Sets the weekly session of `asset`'s market, in minutes since Monday 00:00 UTC:
    ///         open from `opensAtMinute` (included) to `closesAtMinute` (excluded), across the
    ///         week's end when `opensAtMinute > closesAtMinute`; both 0 for a market always open
    ///         (crypto). Only the owner; the asset must have a feed.
    function setSession(bytes32 asset, uint16 opensAtMinute, uint16 closesAtMinute) external;

    /// @notice Sets (or, with the zero address, removes) the fallback feed of `asset`, with its
    ///         own heartbeat and circuit-breaker bound (as `setFeed`'s), and the most the two
    ///         sources' trusted prices may differ, in basis points of the primary's (at most
    ///         10,000; 0 for no cross-check). Only the owner; the asset must have a feed.
    function setFallback(
        bytes32 asset,
        AggregatorV3Interface aggregator,
        uint32 heartbeat,
        uint16 maxDeviationBps,
        uint16 maxDisagreementBps
    ) external;

    /// @notice Records which source `priceWad` now prices `asset` from, emitting
    ///         `PriceSourceSwitched` when it changed since the last record. Anyone (a keeper);
    ///         reads do not depend on the record.
    /// @return switched Whether the source changed (and the event was emitted).
    function syncSource(bytes32 asset) external returns (bool switched);

    /* VIEWS */

    /// @notice The trusted price of `asset`: USD per whole unit, WAD; the fallback's when the
    ///         primary cannot be trusted and the fallback can (the fallback is read only then).
    ///         Reverts with the reason when the price cannot be trusted (the primary's fault; see
    ///         the errors above), or `OracleMarketClosed` while the asset's market is closed.
    function priceWad(bytes32 asset) external view returns (uint256);

    /// @notice The latest price of `asset` and whether it may be trusted, without reverting.
    /// @return price USD per whole unit, WAD (0 when the answer is non-positive or the asset unknown).
    /// @return updatedAt The round's `updatedAt`.
    /// @return status `Ok` or `Fallback` when `priceWad` would return `price`, else why it would
    ///         revert (`MarketClosed`: `price` is the last close).
    function peekPriceWad(bytes32 asset) external view returns (uint256 price, uint256 updatedAt, PriceStatus status);

    /// @notice The price of `asset` for `use`, USD per whole unit, WAD, or a revert with the
    ///         reason: as `priceWad`, and besides, when both sources are trusted and disagree
    ///         beyond the asset's bound, `OracleSourcesDisagree` for minting, the higher price
    ///         for a liquidation's debt side and the lower for its collateral side; while the
    ///         asset's market is closed, its last close for a liquidation's debt side, else
    ///         `OracleMarketClosed`.
    function priceWadFor(bytes32 asset, PriceUse use) external view returns (uint256);

    /// @notice `priceWadFor`'s judgement without reverting.
    /// @return price The price `priceWadFor` would return when `usable`, else the latest one seen.
    /// @return updatedAt The `updatedAt` of the round priced from.
    /// @return status How the price was found (`Ok`, `Fallback`, `MarketClosed`, `SourcesDisagree`)
    ///         or why none can be trusted.
    /// @return usable Whether `priceWadFor(asset, use)` would return `price`.
    function peekPriceWadFor(bytes32 asset, PriceUse use)
        external
        view
        returns (uint256 price, uint256 updatedAt, PriceStatus status, bool usable);

    /// @notice `asset`'s weekly session (minutes since Monday 00:00 UTC; both 0: always open),
    ///         whether its market is open now and, when closed, when it reopens (else 0).
    function session(bytes32 asset)
        external
        view
        returns (uint16 opensAtMinute, uint16 closesAtMinute, bool open, uint256 reopensAt);

    /// @notice The fallback feed of `asset` (a zero aggregator when none) and its bounds.
    function fallbacks(bytes32 asset)
        external
        view
        returns (
            AggregatorV3Interface aggregator,
            uint32 heartbeat,
            uint8 decimals,
            uint16 maxDeviationBps,
            uint16 maxDisagreementBps
        );

    /// @notice The last price the hub trusted (from the primary feed's rounds; the fallback has
    ///         no history here): the latest round if it is trusted now or merely
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
