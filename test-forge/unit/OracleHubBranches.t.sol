// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub's rejections of an unknown asset and its circuit breaker without a reference round
 * (a previous round that is non-positive or missing), beside `OracleHub.t.sol`.
 */

import {IOracleHub} from "../../interfaces/IOracleHub.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {OracleHub} from "../../contracts/OracleHub.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract OracleHubBranchesTest is Assertions {
    bytes32 internal constant BTC = "BTC";

    OracleHub internal hub;
    MockAggregator internal feed;

    function setUp() public {
        VM.warp(1_750_000_000);
        hub = new OracleHub(address(this));
        feed = new MockAggregator(8, "BTC / USD", 60_000e8);
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 5000);
    }

    function test_unknownAsset__priceAndAccept__revert() public {
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("ETH")));
        hub.priceWad("ETH");
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("ETH")));
        hub.acceptRound("ETH", 1);
    }

    function test_priceWad__previousRoundNonPositive__noJumpToJudge() public {
        feed.submit(0);
        // A third of the last positive price, but the round before it gives no reference.
        feed.submit(20_000e8);
        assertEq(hub.priceWad(BTC), 20_000e18, "trusted");
    }

    function test_priceWad__previousRoundMissing__noJumpToJudge() public {
        feed.setRoundData(7, 20_000e8, block.timestamp, block.timestamp, 7);
        assertEq(hub.priceWad(BTC), 20_000e18, "trusted");
        (,, IOracleHub.PriceStatus status) = hub.peekPriceWad(BTC);
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.Ok), "status");
    }
}
