// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @title Chainlink's price feed interface (AggregatorV3Interface), as published by Chainlink.
/// @notice `roundId` identifies a round; `answer` is the price with `decimals()` decimals;
///         `startedAt` and `updatedAt` are unix timestamps; `answeredInRound` is the round in
///         which the answer was computed (less than `roundId` when a round carried an old answer).
interface AggregatorV3Interface {
    function decimals() external view returns (uint8);

    function description() external view returns (string memory);

    function version() external view returns (uint256);

    function getRoundData(uint80 _roundId)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
