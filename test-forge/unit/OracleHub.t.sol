// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub's rejections that random price moves do not produce (incomplete and non-positive
 * rounds, feeds without data, removed feeds, bad configurations). The Ape suite tests the hub in
 * full; these give Forge's coverage.
 */

import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract OracleHubTest is Assertions {
    bytes32 internal constant BTC = "BTC";

    OracleHub internal hub;
    MockAggregator internal feed;

    function setUp() public {
        VM.warp(1_750_000_000);
        hub = new OracleHub(address(this));
        feed = new MockAggregator(8, "BTC / USD", 60_000e8);
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 5000);
    }

    function test_priceWad__incompleteRounds__revert() public {
        uint256 t = block.timestamp;
        feed.setRoundData(2, 60_000e8, t, t, 1); // carried over from round 1
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleIncompleteRound.selector, BTC, uint80(2), uint80(1), t));
        hub.priceWad(BTC);
        feed.setRoundData(3, 60_000e8, t, t + 1, 3); // stamped in the future
        _assertStatus(IOracleHub.PriceStatus.Incomplete);
    }

    function test_priceWad__feedWithoutRounds__incomplete() public {
        MockAggregator empty = new MockAggregator(8, "ETH / USD", 0);
        hub.setFeed("ETH", AggregatorV3Interface(address(empty)), 3600, 5000);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleIncompleteRound.selector, bytes32("ETH"), 0, 0, 0));
        hub.priceWad("ETH");
    }

    function test_priceWad__nonPositiveAnswer__reverts() public {
        feed.submit(0);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleNonPositivePrice.selector, BTC, int256(0)));
        hub.priceWad(BTC);
    }

    function test_priceWad__jumpThenAccept__unfreezes() public {
        feed.submit(20_000e8);
        _assertStatus(IOracleHub.PriceStatus.Frozen);
        hub.acceptRound(BTC, 2);
        assertEq(hub.priceWad(BTC), 20_000e18, "accepted price");
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleCannotAcceptRound.selector, BTC, uint80(1), uint80(2)));
        hub.acceptRound(BTC, 1);
    }

    function test_removeFeed__thenUnknown() public {
        hub.removeFeed(BTC);
        _assertStatus(IOracleHub.PriceStatus.UnknownAsset);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, BTC));
        hub.removeFeed(BTC);
    }

    function test_setFeed__invalid__reverts() public {
        VM.expectRevert(IOracleHub.OracleZeroAddress.selector);
        hub.setFeed(BTC, AggregatorV3Interface(address(0)), 3600, 5000);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidHeartbeat.selector, uint32(0)));
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 0, 5000);
        MockAggregator wide = new MockAggregator(19, "", 1);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnsupportedDecimals.selector, address(wide), uint8(19)));
        hub.setFeed(BTC, AggregatorV3Interface(address(wide)), 3600, 5000);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleAlreadySet.selector, BTC));
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 5000);
    }

    function _assertStatus(IOracleHub.PriceStatus expected) internal view {
        (,, IOracleHub.PriceStatus status) = hub.peekPriceWad(BTC);
        assertEq(uint256(status), uint256(expected), "price status");
    }
}
