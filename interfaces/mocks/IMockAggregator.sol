// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../chainlink/AggregatorV3Interface.sol";

/// @title IMockAggregator
/// @notice A Chainlink-style price feed for local chains and tests. It implements
///         `AggregatorV3Interface` exactly and emits Chainlink's `AggregatorInterface` events,
///         so everything that reads it would read a real feed the same way. Prices are
///         submitted by the owner or a feeder; tests may also write any round's fields to
///         simulate stale, incomplete or carried-over rounds.
interface IMockAggregator is AggregatorV3Interface {
    /// @notice One round, packed in one storage slot so that a read costs what a real feed's
    ///         does (one cold slot), not more: answers fit 128 bits, times 40 bits (until the
    ///         year 36812), round ids 48 bits. Writes past those bounds revert (SafeCast).
    struct Round {
        int128 answer;
        uint40 startedAt;
        uint40 updatedAt;
        uint48 answeredInRound;
    }

    /* EVENTS (Chainlink's AggregatorInterface) */

    /// @notice Round `roundId` now answers `current`, updated at `updatedAt`.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice Round `roundId` was started by `startedBy` at `startedAt`.
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /// @notice `feeder` may (or may no longer) submit answers.
    event FeederSet(address indexed feeder, bool allowed);

    /* ERRORS */

    /// @notice `caller` is neither the owner nor a feeder.
    error MockAggregatorUnauthorizedFeeder(address caller);

    /// @notice Round `roundId` holds no data (Chainlink reverts with "No data present").
    error MockAggregatorNoData(uint80 roundId);

    /// @notice Round ids start at 1.
    error MockAggregatorInvalidRound(uint80 roundId);

    /* WRITES */

    /// @notice Opens a new round answering `answer`, stamped with the block time. Owner or feeder.
    /// @return roundId The new round's id.
    function submit(int256 answer) external returns (uint80 roundId);

    /// @notice Writes every field of round `roundId` as given; if it is past the latest round it
    ///         becomes the latest. Owner only: a test hook for stale and incomplete rounds.
    function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
        external;

    /// @notice Allows or disallows `feeder` to submit. Owner only.
    function setFeeder(address feeder, bool allowed) external;

    /* VIEWS */

    /// @notice The latest round's id (0 before the first submission).
    function latestRound() external view returns (uint256);

    /// @notice The latest answer (AggregatorInterface).
    function latestAnswer() external view returns (int256);

    /// @notice The latest round's `updatedAt` (AggregatorInterface).
    function latestTimestamp() external view returns (uint256);

    /// @notice Whether `account` may submit.
    function isFeeder(address account) external view returns (bool);
}
