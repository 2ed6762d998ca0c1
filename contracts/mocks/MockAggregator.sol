// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * MockAggregator: a Chainlink-style feed for local chains. It stands where a real
 * Chainlink aggregator proxy stands on a live network; nothing in the protocol knows the difference.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IMockAggregator} from "../../interfaces/mocks/IMockAggregator.sol";

contract MockAggregator is IMockAggregator, Ownable2Step {
    /// @inheritdoc IMockAggregator
    mapping(address => bool) public isFeeder;

    uint8 private immutable _decimals;
    string private _description;
    uint80 private _latestRoundId;
    mapping(uint80 => Round) private _rounds;

    /// @param decimals_ The answer's decimals (Chainlink's USD feeds use 8).
    /// @param description_ E.g. "BTC / USD".
    /// @param initialAnswer If non-zero, the first round is opened with it.
    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) Ownable(msg.sender) {
        _decimals = decimals_;
        _description = description_;
        if (initialAnswer != 0) _submit(initialAnswer);
    }

    /* WRITES */

    /// @inheritdoc IMockAggregator
    function submit(int256 answer) external returns (uint80) {
        if (msg.sender != owner() && !isFeeder[msg.sender]) revert MockAggregatorUnauthorizedFeeder(msg.sender);
        return _submit(answer);
    }

    /// @inheritdoc IMockAggregator
    function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
        external
        onlyOwner
    {
        if (roundId == 0) revert MockAggregatorInvalidRound(roundId);
        _rounds[roundId] = Round(
            SafeCast.toInt128(answer),
            SafeCast.toUint40(startedAt),
            SafeCast.toUint40(updatedAt),
            SafeCast.toUint48(answeredInRound)
        );
        if (roundId > _latestRoundId) _latestRoundId = roundId;
        emit AnswerUpdated(answer, roundId, updatedAt);
    }

    /// @inheritdoc IMockAggregator
    function setFeeder(address feeder, bool allowed) external onlyOwner {
        isFeeder[feeder] = allowed;
        emit FeederSet(feeder, allowed);
    }

    /* AggregatorV3Interface */

    function decimals() external view returns (uint8) {
        return _decimals;
    }

    function description() external view returns (string memory) {
        return _description;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        return _round(roundId);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return _round(_latestRoundId);
    }

    /* AggregatorInterface views */

    /// @inheritdoc IMockAggregator
    function latestRound() external view returns (uint256) {
        return _latestRoundId;
    }

    /// @inheritdoc IMockAggregator
    function latestAnswer() external view returns (int256) {
        return _rounds[_latestRoundId].answer;
    }

    /// @inheritdoc IMockAggregator
    function latestTimestamp() external view returns (uint256) {
        return _rounds[_latestRoundId].updatedAt;
    }

    /* INTERNAL */

    function _submit(int256 answer) private returns (uint80 roundId) {
        roundId = _latestRoundId + 1;
        _latestRoundId = roundId;
        // Safe casts of the time: block timestamps fit 40 bits until the year 36812.
        _rounds[roundId] = Round(
            SafeCast.toInt128(answer), uint40(block.timestamp), uint40(block.timestamp), SafeCast.toUint48(roundId)
        );
        emit NewRound(roundId, msg.sender, block.timestamp);
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }

    function _round(uint80 roundId) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[roundId];
        if (r.updatedAt == 0 && r.startedAt == 0 && r.answer == 0) revert MockAggregatorNoData(roundId);
        return (roundId, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }
}
