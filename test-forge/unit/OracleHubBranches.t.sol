// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub's rejections of an unknown asset and its circuit breaker without a reference round
 * (a previous round that is non-positive or missing), beside `OracleHub.t.sol`.
 */

import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

/// @dev The fixture's hub and BTC feed: 60,000, a 50% circuit breaker.
contract OracleHubBranchesTest is SystemFixture {
    bytes32 internal constant BTC = "BTC";

    function test_unknownAsset__priceAndAccept__revert() public {
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("DOGE")));
        oracle.priceWad("DOGE");
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("DOGE")));
        oracle.acceptRound("DOGE", 1);
    }

    function test_priceWad__previousRoundNonPositive__noJumpToJudge() public {
        btcFeed.submit(0);
        // A third of the last positive price, but the round before it gives no reference.
        btcFeed.submit(20_000e8);
        assertEq(oracle.priceWad(BTC), 20_000e18, "trusted");
    }

    function test_priceWad__previousRoundMissing__noJumpToJudge() public {
        btcFeed.setRoundData(7, 20_000e8, block.timestamp, block.timestamp, 7);
        assertEq(oracle.priceWad(BTC), 20_000e18, "trusted");
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad(BTC);
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.Ok), "status");
    }
}
